/**
 * Tells whoever keeps derived figures in memory which services a committed write may have
 * moved. `db/ingest.ts` is the only writer of the fact tables (deployments, changes, pull
 * requests, CI runs, incidents and what links them), and it calls {@link servicesChanged}
 * after every batch; writes by other processes show up as a new `PRAGMA data_version`.
 */
import type { Db } from './connection';

export type ServicesListener = (serviceIds: readonly number[]) => void;

/** Calls `listener` with the ids of the services each batch touched; returns the unsubscribe. */
export function onServicesChanged(db: Db, listener: ServicesListener): () => void {
  const set = db.listeners;
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Called by the writer with every service whose facts a batch may have changed. */
export function servicesChanged(db: Db, serviceIds: Iterable<number>): void {
  const set = db.listeners;
  if (set.size === 0) return;
  const ids = [...serviceIds];
  if (ids.length === 0) return;
  for (const l of set) l(ids);
}

/** A number that changes whenever another connection (another process) commits to the file. */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}

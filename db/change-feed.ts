/**
 * Tells whoever keeps derived figures in memory which services a committed write may have
 * moved. `db/ingest.ts` is the only writer of the fact tables (deployments, changes, pull
 * requests, CI runs, incidents and what links them), and it calls {@link servicesChanged}
 * after every batch; writes by other processes show up as a new `PRAGMA data_version`.
 *
 * The same services are also recorded in the file, in the writing transaction
 * ({@link recordServicesChanged}, table `service_versions`), so that what was built from the
 * facts before a restart, or before another process wrote, can tell which services moved since.
 */
import type { Db } from './connection';
import { prepared } from './prepared';

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

/**
 * Gives `serviceIds` the next version in `service_versions`, inside the transaction that changed
 * their facts (so it commits, or rolls back, with them). Versions grow in commit order: there is
 * one writer at a time.
 */
export function recordServicesChanged(db: Db, serviceIds: Iterable<number>): void {
  let version = 0;
  for (const id of serviceIds) {
    version ||= prepared<[], number>(db, 'SELECT coalesce(max(version), 0) + 1 FROM service_versions').pluck().get()!;
    prepared(
      db,
      'INSERT INTO service_versions (service_id, version) VALUES (?, ?) ON CONFLICT (service_id) DO UPDATE SET version = excluded.version',
    ).run(id, version);
  }
}

/** The highest version given so far (0: none), and the services given one above `after`. */
export function servicesChangedAfter(db: Db, after: number): { version: number; serviceIds: number[] } {
  const version = prepared<[], number>(db, 'SELECT coalesce(max(version), 0) FROM service_versions').pluck().get()!;
  const serviceIds = prepared<[number], number>(db, 'SELECT service_id FROM service_versions WHERE version > ?').pluck().all(after);
  return { version, serviceIds };
}

/**
 * The fact index kept between runs: after the server has built every service's facts, and when
 * it closes, it writes what it holds to a file beside the database (`<database>-facts.snapshot`,
 * common/snapshot-file.ts); at the next start it loads that file in seconds instead of building
 * every service from SQL (31 s at government size), and builds again only the services changed
 * since (db/change-feed.ts: every write that moves a service's facts gives it a new version in
 * the file, whichever process wrote).
 *
 * A file beside the database rather than a table: it is a cache, a few hundred MB at government
 * size, that nothing must wait for; written into the database it would pass through the one
 * writer and the write-ahead log, grow the file and every backup, and a copy of the database
 * would carry a copy of it. It is used only when it is whole (its checksum), of this format, built
 * with this `leadTimeFrom`, and stamped with this file at this state or later (db/file-stamp.ts);
 * otherwise every service is built as before. It never decides a figure: a service it holds is
 * either unchanged since or built again.
 *
 * It also keeps the windows the executive summary was last asked for (questions, never answers):
 * the next start computes those summaries again in the background once the facts are loaded
 * (server/read/summary.ts), so the first one asked after a start is already in the answer cache.
 */
import type { FileStamp, Store } from '../../db/store';
import { readSnapshot, writeSnapshot, type Column } from '../../common/snapshot-file';
import type { FactIndex, ServiceFacts } from './fact-index';

/** Bump when what a service's facts hold, or how they are read from the store, changes. */
const FACTS_FORMAT = 1;
/** Columns per service, in the order {@link columnsOf} writes them. */
const COLUMNS = 17;

interface Header {
  format: number;
  leadTimeFrom: string;
  stamp: FileStamp;
  /** Per service: id, incidentsFrom, reworkFrom, firstDeploymentId. */
  services: [number, number | null, number | null, number | null][];
  /** The summary windows last asked for, [from, to] in epoch ms, most recent first (absent before issue 21's second part). */
  summaries?: [number, number][];
}

/** A window read back from a kept file: two finite instants in order, at most 10 years apart (what `parseWindow` accepts). */
const isWindow = (w: unknown): w is [number, number] =>
  Array.isArray(w) &&
  w.length === 2 &&
  w.every((t) => typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= 8.64e15) &&
  w[0] < w[1] &&
  w[1] - w[0] <= 10 * 366 * 86_400_000;

/** Where the fact index of the database at `dbFile` is kept (none for an in-memory database). */
export function factSnapshotFile(dbFile: string): string | null {
  return dbFile === ':memory:' || dbFile === '' ? null : `${dbFile}-facts.snapshot`;
}

function columnsOf(f: ServiceFacts): Column[] {
  const p = f.pullRequests;
  return [
    f.deployments.at,
    f.deployments.failedBefore,
    f.deployments.reworkBefore,
    f.leadTimes.at,
    f.leadTimes.seconds,
    f.leadTimes.changeId,
    f.leadTimes.deploymentId,
    f.restored.at,
    f.restored.seconds,
    f.recovered.at,
    f.recovered.seconds,
    p.at,
    p.plan,
    p.do,
    p.check,
    p.act,
    p.loop,
  ];
}

/**
 * Writes what `index` holds now to `file`, stamped with the file's state read before it (so a
 * service changed in between is built again at the next start, never missed). Returns how many
 * services it kept, or null when there was nothing current to keep.
 */
export async function keepFacts(
  index: FactIndex,
  store: Store,
  file: string,
  leadTimeFrom: string,
  summaries: readonly [number, number][] = [],
): Promise<number | null> {
  const stamp = await store.fileStamp();
  // Facts built before another process wrote are dropped here, so what is kept is current.
  await index.checkOtherWriters();
  const held = index.held();
  if (!held || held.length === 0) return null;
  const header: Header = {
    format: FACTS_FORMAT,
    leadTimeFrom,
    stamp,
    services: held.map((f) => [f.id, f.evidence.incidentsFrom, f.evidence.reworkFrom, f.firstDeploymentId]),
    summaries: [...summaries],
  };
  // A service's arrays never change once built (a change builds new ones), so they can be written while the server runs.
  await writeSnapshot(file, header, held.flatMap(columnsOf));
  return held.length;
}

/**
 * What a start made of the kept facts: how many services it took and how many it must build
 * again, or why it took none; and the summary windows last asked for, wherever the file says them
 * (questions stay good when the facts do not: after an upgrade, say).
 */
export type FactsLoad = ({ taken: number; changed: number } | { problem: string }) & { summaries: [number, number][] };

/** Loads the facts kept in `file` into `index`, for the services unchanged since they were kept. */
export async function loadFacts(index: FactIndex, store: Store, file: string, leadTimeFrom: string): Promise<FactsLoad> {
  const read = await readSnapshot(file);
  if ('problem' in read) return { ...read, summaries: [] };
  const h = read.header as Partial<Header>;
  // Only well-formed windows: the file is a cache, whatever it says is checked before use.
  const summaries = Array.isArray(h.summaries) ? h.summaries.filter(isWindow) : [];
  if (h.format !== FACTS_FORMAT || !h.stamp || !Array.isArray(h.services) || read.columns.length !== h.services.length * COLUMNS)
    return { problem: 'it is of another format', summaries: [] };
  if (h.leadTimeFrom !== leadTimeFrom)
    return { problem: `it was built with leadTimeFrom ${h.leadTimeFrom}, not ${leadTimeFrom}`, summaries };
  const facts: ServiceFacts[] = [];
  for (let i = 0; i < h.services.length; i++) {
    const [id, incidentsFrom, reworkFrom, firstDeploymentId] = h.services[i];
    // Copies, so that the file's buffer is freed once loaded rather than held until the last service loaded from it changes.
    const c = read.columns.slice(i * COLUMNS, (i + 1) * COLUMNS).map((a) => a.slice()) as Float64Array[];
    const [depAt, failedBefore, reworkBefore, leadAt, leadSeconds, changeId, deploymentId, restAt, restSeconds, recAt, recSeconds] = c;
    const [prAt, plan, doing, check, act, loop] = c.slice(11);
    const nd = depAt.length;
    if (
      failedBefore.length !== nd + 1 ||
      reworkBefore.length !== nd + 1 ||
      [leadSeconds, changeId, deploymentId].some((a) => a.length !== leadAt.length)
    )
      return { problem: `service ${id}'s columns are inconsistent`, summaries: [] };
    facts.push({
      id,
      deployments: { at: depAt, failedBefore: failedBefore as unknown as Int32Array, reworkBefore: reworkBefore as unknown as Int32Array },
      leadTimes: { at: leadAt, seconds: leadSeconds, changeId, deploymentId },
      restored: { at: restAt, seconds: restSeconds },
      recovered: { at: recAt, seconds: recSeconds },
      evidence: { incidentsFrom, reworkFrom },
      firstDeploymentId,
      pullRequests: { at: prAt, plan, do: doing, check, act, loop },
      daysByZone: new Map(),
      days: index.days,
      memo: new Map(),
    });
  }
  // Anything this process changes from here on is newer than the file's versions read below.
  const asked = index.stamp();
  const since = await store.changedSince(h.stamp);
  if (since.problem) return { problem: since.problem, summaries };
  const changed = new Set(since.serviceIds);
  const taken = index.adopt(
    facts.filter((f) => !changed.has(f.id)),
    asked,
    since.dataVersion,
  );
  return {
    taken,
    changed: facts.length - facts.filter((f) => !changed.has(f.id)).length,
    summaries,
  };
}

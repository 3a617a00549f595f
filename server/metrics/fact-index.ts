/**
 * The metric facts of every service, in memory, as time-sorted typed arrays: what the figures
 * of any scope and window are computed from without going back to SQL. Built per service on
 * first use (or by {@link FactIndex.warm} in the background), dropped when a committed batch
 * touches the service (the signal that also drives `metrics:changed`), and dropped whole when
 * another process writes to the database file. One per app context: made with the read state
 * (server/read/state.ts), closed with it.
 *
 * A service's facts are read with the same store read as the reference path, over all of its
 * history: each fact belongs to a window by one time alone (a deployment's finish, a change's
 * first production deployment, an incident's resolution), so the rows of a window are a
 * contiguous run of these arrays, and the figures come out identical.
 */
import type { FactRows, StoreReads } from '../../db/reads';
import { pullRequestStages } from './stages';
import type { DayStarts } from './calendar';

const ALL_FROM = -8.64e15,
  ALL_TO = 8.64e15;

/** Row ids: 4 bytes each while they fit (they do below 4 billion rows), else 8. */
type Ids = Uint32Array | Float64Array;
const idArray = (n: number, max: number): Ids => (max <= 0xffffffff ? new Uint32Array(n) : new Float64Array(n));

/** Facts sorted by one time: `at`, with parallel value arrays. */
export interface Series {
  at: Float64Array;
}

export interface ServiceFacts {
  id: number;
  /** Successful production deployments by finish time; prefix counts of failed and unplanned-or-rework. */
  deployments: Series & { failedBefore: Int32Array; reworkBefore: Int32Array };
  /** Changes by their first production deployment's finish; lead time in seconds (negatives kept, to count `excluded`). */
  leadTimes: Series & { seconds: Float64Array; changeId: Ids; deploymentId: Ids };
  /** Resolved incidents by resolution; time to restore in seconds. */
  restored: Series & { seconds: Float64Array };
  /** The resolved incidents linked to a production deployment explicitly or by root-cause sha (failed deployment recovery time). */
  recovered: Series & { seconds: Float64Array };
  /** What the service's own data says of when it reports incidents and rework (null: nothing yet). */
  evidence: { incidentsFrom: number | null; reworkFrom: number | null };
  /** Its first successful production deployment (its changes stay out of the baseline), or null. */
  firstDeploymentId: number | null;
  /** Merged pull requests by their deployment; each stage in seconds, NaN when unknown. */
  pullRequests: Series & { plan: Float64Array; do: Float64Array; check: Float64Array; act: Float64Array; loop: Float64Array };
  /** Per time zone, the local day start of each deployment (parallel to `deployments.at`). */
  daysByZone: Map<string, Float64Array>;
  /** The local day starts of the context these facts belong to. */
  days: DayStarts;
  /** Small per-window results (a service's band), dropped with the facts. */
  memo: Map<string, unknown>;
}

/** The first index i with a[i] >= x (a ascending). */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indexes 0..n-1 ordered by key (stable). */
function orderBy(n: number, key: (i: number) => number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx.sort((a, b) => key(a) - key(b) || a - b);
}

/** The facts of one service, from its rows over all of its history. */
function buildService(id: number, rows: FactRows, days: DayStarts): ServiceFacts {
  const deps = rows.deployments; // ordered by finish
  const nd = deps.length;
  const depAt = new Float64Array(nd),
    failedBefore = new Int32Array(nd + 1),
    reworkBefore = new Int32Array(nd + 1);
  for (let i = 0; i < nd; i++) {
    const d = deps[i];
    depAt[i] = d.finishedAt;
    failedBefore[i + 1] = failedBefore[i] + (d.failed === 1 ? 1 : 0);
    reworkBefore[i + 1] = reworkBefore[i] + (d.rework === 1 || d.unplanned === 1 ? 1 : 0);
  }

  const leads = rows.leadTimes;
  const lo = orderBy(leads.length, (i) => leads[i].deployedAt);
  const leadAt = new Float64Array(leads.length),
    leadSeconds = new Float64Array(leads.length);
  let maxId = 0;
  for (const l of leads) maxId = Math.max(maxId, l.changeId, l.deploymentId);
  const changeId = idArray(leads.length, maxId),
    deploymentId = idArray(leads.length, maxId);
  lo.forEach((j, i) => {
    const l = leads[j];
    leadAt[i] = l.deployedAt;
    leadSeconds[i] = (l.deployedAt - l.committedAt) / 1000;
    changeId[i] = l.changeId;
    deploymentId[i] = l.deploymentId;
  });

  const rest = rows.restored;
  const ro = orderBy(rest.length, (i) => rest[i].resolvedAt);
  const restAt = new Float64Array(rest.length),
    restSeconds = new Float64Array(rest.length);
  ro.forEach((j, i) => {
    restAt[i] = rest[j].resolvedAt;
    restSeconds[i] = (rest[j].resolvedAt - rest[j].openedAt) / 1000;
  });
  const explicit = Array.from(ro).filter((j) => rest[j].explicit === 1);
  const recovered = {
    at: Float64Array.from(explicit, (j) => rest[j].resolvedAt),
    seconds: Float64Array.from(explicit, (j) => (rest[j].resolvedAt - rest[j].openedAt) / 1000),
  };
  const evidence = rows.evidence[0] ?? { incidentsFrom: null, reworkFrom: null, firstDeploymentId: null };

  const prs = rows.pullRequests;
  const po = orderBy(prs.length, (i) => prs[i].deployedAt);
  const n = prs.length;
  const pr = {
    at: new Float64Array(n),
    plan: new Float64Array(n),
    do: new Float64Array(n),
    check: new Float64Array(n),
    act: new Float64Array(n),
    loop: new Float64Array(n),
  };
  po.forEach((j, i) => {
    const p = prs[j];
    const s = pullRequestStages({ ...p, hasCi: p.hasCi === 1 });
    pr.at[i] = p.deployedAt;
    pr.plan[i] = s.plan ?? NaN;
    pr.do[i] = s.do ?? NaN;
    pr.check[i] = s.check ?? NaN;
    pr.act[i] = s.act ?? NaN;
    pr.loop[i] = s.loop ?? NaN;
  });

  return {
    id,
    deployments: { at: depAt, failedBefore, reworkBefore },
    leadTimes: { at: leadAt, seconds: leadSeconds, changeId, deploymentId },
    restored: { at: restAt, seconds: restSeconds },
    recovered,
    evidence: { incidentsFrom: evidence.incidentsFrom, reworkFrom: evidence.reworkFrom },
    firstDeploymentId: evidence.firstDeploymentId,
    pullRequests: pr,
    daysByZone: new Map(),
    days,
    memo: new Map(),
  };
}

/** The local day start of each deployment of a service, in a zone. */
export function deploymentDays(f: ServiceFacts, tz: string): Float64Array {
  let days = f.daysByZone.get(tz);
  if (!days) {
    days = new Float64Array(f.deployments.at.length);
    for (let i = 0; i < days.length; i++) days[i] = f.days.of(f.deployments.at[i], tz);
    f.daysByZone.set(tz, days);
  }
  return days;
}

export class FactIndex {
  private readonly services = new Map<number, ServiceFacts>();
  /** When each service last changed, on {@link clock}; entries computed after it are still good. */
  private readonly changedAt = new Map<number, number>();
  private clock = 1;
  private everythingChangedAt = 0;
  private seenVersion: number | null = null;
  private readonly unsubscribe: () => void;
  builds = 0;

  constructor(
    private readonly store: StoreReads,
    /** The local day starts of this context, which every service's facts use. */
    readonly days: DayStarts,
  ) {
    this.unsubscribe = store.onServicesChanged((ids) => this.forget(ids));
  }

  /** Drops what a committed batch may have changed. */
  forget(ids: readonly number[]): void {
    const t = ++this.clock;
    for (const id of ids) {
      this.services.delete(id);
      this.changedAt.set(id, t);
    }
  }

  /** Drops everything held (and so every cached answer). */
  clear(): void {
    this.services.clear();
    this.changedAt.clear();
    this.everythingChangedAt = ++this.clock;
  }

  /** Stops listening to the change feed and drops everything (the context is closing). */
  close(): void {
    this.unsubscribe();
    this.clear();
  }

  /** Drops everything when another connection has committed since the last look. */
  async checkOtherWriters(): Promise<void> {
    const v = await this.store.dataVersion();
    if (this.seenVersion === null) this.seenVersion = v;
    else if (v !== this.seenVersion) {
      this.seenVersion = v;
      this.clear();
    }
  }

  /** A stamp to keep with a result computed now (after {@link checkOtherWriters}). */
  stamp(): number {
    return this.clock;
  }

  /** Whether nothing of these services changed after `stamp` (after {@link checkOtherWriters}). */
  unchangedSince(stamp: number, ids: readonly number[]): boolean {
    if (this.everythingChangedAt > stamp) return false;
    for (const id of ids) if ((this.changedAt.get(id) ?? 0) > stamp) return false;
    return true;
  }

  /**
   * A service's facts, read from the store when not held. Facts read while a batch touched the
   * service are used for this answer (they are what the store said when asked) but not kept.
   */
  async get(id: number): Promise<ServiceFacts> {
    const held = this.services.get(id);
    if (held) return held;
    const asked = this.clock;
    const f = buildService(id, await this.store.readFacts([id], ALL_FROM, ALL_TO, true), this.days);
    this.builds++;
    if ((this.changedAt.get(id) ?? 0) <= asked && this.everythingChangedAt <= asked) this.services.set(id, f);
    return f;
  }

  /** The facts of several services, checking first for writes by other processes. */
  async all(ids: readonly number[]): Promise<ServiceFacts[]> {
    await this.checkOtherWriters();
    const out: ServiceFacts[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.services.get(ids[i]) ?? (await this.get(ids[i]));
    return out;
  }

  /**
   * Builds the given services a few at a time, yielding to other work between slices, so the
   * first dashboard after a start does not wait for the store; resolves when all are held or
   * when `stopped()` says to give up (the server is closing).
   */
  async warm(ids: readonly number[], opts: { sliceMs?: number; stopped?: () => boolean } = {}): Promise<void> {
    let i = 0;
    while (i < ids.length && !opts.stopped?.()) {
      await this.checkOtherWriters();
      const until = performance.now() + (opts.sliceMs ?? 20);
      while (i < ids.length && performance.now() < until) await this.get(ids[i++]);
      await new Promise((r) => setImmediate(r));
    }
  }

  get size(): number {
    return this.services.size;
  }

  /**
   * The facts held now, to keep for the next start (server/metrics/fact-snapshot.ts): after a
   * look for other processes' writes ({@link checkOtherWriters}), so they are current; null
   * before the first look.
   */
  held(): ServiceFacts[] | null {
    return this.seenVersion === null ? null : [...this.services.values()];
  }

  /**
   * Takes facts kept from before (server/metrics/fact-snapshot.ts), for the services that have not
   * changed since they were kept. `asked` is a {@link stamp} taken before the changed services were
   * read from the file, and `dataVersion` the file's `data_version` read before them: a service
   * this process changed after `asked`, or one held already, keeps what it has; when another
   * process may have written since, nothing is taken. Returns how many were taken.
   */
  adopt(facts: readonly ServiceFacts[], asked: number, dataVersion: number): number {
    if (this.everythingChangedAt > asked || (this.seenVersion !== null && this.seenVersion !== dataVersion)) return 0;
    this.seenVersion = dataVersion;
    let n = 0;
    for (const f of facts) {
      if ((this.changedAt.get(f.id) ?? 0) > asked || this.services.has(f.id)) continue;
      this.services.set(f.id, f);
      n++;
    }
    return n;
  }
}

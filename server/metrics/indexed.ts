/**
 * The fast path: the five metrics, the stages and the band distribution of any set of services
 * over any window, from the {@link FactIndex}: counts from prefix sums over binary-searched
 * runs, percentiles by selection over the run's values, in the context's {@link Workspace}.
 * Every figure equals what the reference (./reference.ts) gives on rows fetched for the window
 * (test/scale/indexed-equality.test.ts holds both paths to that); nothing here imports it.
 */
import type { BandCounts, FiveMetrics, Stages } from '../../common/api';
import { periods } from './calendar';
import { assembleMetrics, bandOf, type Window } from './assemble';
import { evidenceStart, type EvidenceStart } from './evidence';
import { deploymentDays, lowerBound, type ServiceFacts } from './fact-index';
import { percentilesOf, selectKth, type Workspace } from './select';
import { median } from './stats';

/** Median over the calendar weeks or months overlapping the window of the days with a deployment. */
function deployDaysMedian(days: Float64Array, bucket: 'week' | 'month', w: Window): number | null {
  return median(periods(bucket, w.from, w.to, w.tz).map(([s, e]) => lowerBound(days, e) - lowerBound(days, s)));
}

/** The distinct local days (ascending) on which any of the services deployed in the window. */
function distinctDays(services: readonly ServiceFacts[], w: Window): Float64Array {
  const set = new Set<number>();
  for (const f of services) {
    const days = deploymentDays(f, w.tz);
    const a = lowerBound(f.deployments.at, w.from),
      b = lowerBound(f.deployments.at, w.to);
    let last = NaN;
    for (let i = a; i < b; i++) if (days[i] !== last) set.add((last = days[i]));
  }
  return Float64Array.from(set).sort();
}

/**
 * Gathers `values[i]` of every service's run of `at` in the window into the scratch buffer
 * (from `fromOf(k)` for the k-th service when given: its evidence start, where later).
 */
function gather(
  ws: Workspace,
  services: readonly ServiceFacts[],
  pick: (f: ServiceFacts) => { at: Float64Array; values: Float64Array },
  w: Window,
  skipNaN: boolean,
  fromOf?: (k: number) => number,
): void {
  const scratch = ws.scratch;
  scratch.reset();
  for (let k = 0; k < services.length; k++) {
    const f = services[k];
    const { at, values } = pick(f);
    const a = lowerBound(at, fromOf ? Math.max(w.from, fromOf(k)) : w.from),
      b = lowerBound(at, w.to);
    scratch.reserve(b - a);
    const buf = scratch.buf;
    let n = scratch.n;
    if (skipNaN) {
      for (let i = a; i < b; i++) {
        const v = values[i];
        if (v === v) buf[n++] = v;
      }
    } else for (let i = a; i < b; i++) buf[n++] = values[i];
    scratch.n = n;
  }
}

/** Gathers the window's lead times into scratch.buf[0, n), leaving out (and counting) the negatives. */
function gatherLeadTimes(ws: Workspace, services: readonly ServiceFacts[], w: Window): { n: number; excluded: number } {
  const scratch = ws.scratch;
  gather(ws, services, (f) => ({ at: f.leadTimes.at, values: f.leadTimes.seconds }), w, false);
  let n = 0;
  const buf = scratch.buf;
  for (let i = 0; i < scratch.n; i++) {
    const v = buf[i];
    if (v >= 0) buf[n++] = v;
  }
  return { n, excluded: scratch.n - n };
}

/** Each service's evidence start: its data's, or the configured one where earlier. */
export function startsOf(services: readonly ServiceFacts[], configured: ReadonlyMap<number, number>): EvidenceStart[] {
  return services.map((f) => evidenceStart(f.evidence, configured.get(f.id)));
}

/** The metrics of DESIGN.md; `configured`: the `evidence` setting's start of each service it names. */
export function indexedFiveMetrics(
  ws: Workspace,
  services: readonly ServiceFacts[],
  w: Window,
  configured: ReadonlyMap<number, number>,
): FiveMetrics {
  const starts = startsOf(services, configured);
  let count = 0,
    incidentServices = 0,
    reworkServices = 0;
  const cfr = { count: 0, failed: 0 },
    rework = { count: 0, rework: 0 };
  for (let k = 0; k < services.length; k++) {
    const d = services[k].deployments,
      e = starts[k];
    const a = lowerBound(d.at, w.from),
      b = lowerBound(d.at, w.to);
    count += b - a;
    if (e.incidents < w.to) {
      incidentServices++;
      const from = lowerBound(d.at, Math.max(w.from, e.incidents));
      cfr.count += b - from;
      cfr.failed += d.failedBefore[b] - d.failedBefore[from];
    }
    if (e.rework < w.to) {
      reworkServices++;
      const from = lowerBound(d.at, Math.max(w.from, e.rework));
      rework.count += b - from;
      rework.rework += d.reworkBefore[b] - d.reworkBefore[from];
    }
  }
  const days = distinctDays(services, w);

  const { scratch, random } = ws;
  const { n: leadCount, excluded } = gatherLeadTimes(ws, services, w);
  const [p50, p85, p95] = percentilesOf(scratch.buf, leadCount, [0.5, 0.85, 0.95], random);
  const lead = { count: leadCount, excluded, p50, p85, p95 };

  const recovery = (pick: (f: ServiceFacts) => { at: Float64Array; values: Float64Array }) => {
    gather(ws, services, pick, w, false, (k) => starts[k].incidents);
    return { count: scratch.n, p50: percentilesOf(scratch.buf, scratch.n, [0.5], random)[0] };
  };
  return assembleMetrics(w, {
    count,
    weekMedian: deployDaysMedian(days, 'week', w),
    monthMedian: deployDaysMedian(days, 'month', w),
    lead,
    incidentServices,
    reworkServices,
    servicesInScope: services.length,
    cfr,
    rework,
    restore: recovery((f) => ({ at: f.restored.at, values: f.restored.seconds })),
    recovery: recovery((f) => ({ at: f.recovered.at, values: f.recovered.seconds })),
  });
}

const stageNames = ['plan', 'do', 'check', 'act', 'loop'] as const;

/** The p50 of each stage over the pull requests whose merge commit reached production in the window. */
export function indexedStages(ws: Workspace, services: readonly ServiceFacts[], w: Window): Stages {
  let count = 0;
  for (const f of services) count += lowerBound(f.pullRequests.at, w.to) - lowerBound(f.pullRequests.at, w.from);
  const out: Stages = { count, plan: null, do: null, check: null, act: null, loop: null };
  for (const k of stageNames) {
    gather(ws, services, (f) => ({ at: f.pullRequests.at, values: f.pullRequests[k] }), w, true);
    out[k] = percentilesOf(ws.scratch.buf, ws.scratch.n, [0.5], ws.random)[0];
  }
  return out;
}

/**
 * Lead time p50 and count over a baseline window, leaving out (and counting in `leftOut`) the
 * changes each service's first production deployment shipped: they carry whatever history came
 * before tracking began.
 */
export function indexedBaselineLeadTime(
  ws: Workspace,
  services: readonly ServiceFacts[],
  w: Window,
): { p50: number | null; count: number; leftOut: number } {
  const scratch = ws.scratch;
  scratch.reset();
  let leftOut = 0;
  for (const f of services) {
    const l = f.leadTimes;
    const a = lowerBound(l.at, w.from),
      b = lowerBound(l.at, w.to);
    scratch.reserve(b - a);
    for (let i = a; i < b; i++) {
      const v = l.seconds[i];
      if (v < 0) continue;
      if (l.deploymentId[i] === f.firstDeploymentId) leftOut++;
      else scratch.buf[scratch.n++] = v;
    }
  }
  return { p50: percentilesOf(scratch.buf, scratch.n, [0.5], ws.random)[0], count: scratch.n, leftOut };
}

/** Every lead time (seconds, the negatives left out) of changes shipped in the window, in no order. */
export function indexedLeadTimes(ws: Workspace, services: readonly ServiceFacts[], w: Window): number[] {
  const { n } = gatherLeadTimes(ws, services, w);
  return Array.from(ws.scratch.buf.subarray(0, n));
}

/** A service's overall band over a window, remembered with its facts. */
function serviceBand(ws: Workspace, f: ServiceFacts, w: Window, configured: ReadonlyMap<number, number>) {
  const key = `band ${w.from} ${w.to} ${w.tz} ${configured.get(f.id)}`;
  if (f.memo.has(key)) return f.memo.get(key) as ReturnType<typeof bandOf>;
  const band = bandOf(indexedFiveMetrics(ws, [f], w, configured));
  if (f.memo.size > 64) f.memo.clear();
  f.memo.set(key, band);
  return band;
}

/** How many of the services fall in each overall band. */
export function indexedBandDistribution(
  ws: Workspace,
  services: readonly ServiceFacts[],
  w: Window,
  configured: ReadonlyMap<number, number>,
): BandCounts {
  const counts: BandCounts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
  for (const f of services) counts[serviceBand(ws, f, w, configured) ?? 'none']++;
  return counts;
}

/** When the services' first successful production deployment finished. */
export function firstDeploymentAt(services: readonly ServiceFacts[]): number | null {
  let first: number | null = null;
  for (const f of services) if (f.deployments.at.length > 0 && (first === null || f.deployments.at[0] < first)) first = f.deployments.at[0];
  return first;
}

/** When the services' data last moved: the last deployment or incident resolution held. */
export function lastDataAt(services: readonly ServiceFacts[]): number | null {
  let last = -Infinity;
  for (const f of services) {
    const d = f.deployments.at,
      r = f.restored.at;
    if (d.length > 0) last = Math.max(last, d[d.length - 1]);
    if (r.length > 0) last = Math.max(last, r[r.length - 1]);
  }
  return Number.isFinite(last) ? last : null;
}

export type ChangeOrder = 'slowest' | 'fastest' | 'newest' | 'oldest';

/**
 * The (change id, deployment id) of the first `limit` changes shipped in the window, in the
 * order `listChanges` gives them (by lead time or deployment time, then change id): the
 * limit-th key is found by selection, and only what is at or before it is sorted.
 */
export function indexedChanges(
  ws: Workspace,
  services: readonly ServiceFacts[],
  w: Window,
  order: ChangeOrder,
  limit: number,
): [number, number][] {
  let n = 0;
  for (const f of services) n += lowerBound(f.leadTimes.at, w.to) - lowerBound(f.leadTimes.at, w.from);
  const key = new Float64Array(n),
    change = new Float64Array(n),
    deployment = new Float64Array(n);
  let k = 0;
  for (const f of services) {
    const l = f.leadTimes;
    const values = order === 'slowest' || order === 'fastest' ? l.seconds : l.at;
    const sign = order === 'slowest' || order === 'newest' ? -1 : 1;
    for (let i = lowerBound(l.at, w.from), b = lowerBound(l.at, w.to); i < b; i++, k++) {
      key[k] = sign * values[i];
      change[k] = l.changeId[i];
      deployment[k] = l.deploymentId[i];
    }
  }
  let picked: number[] = [];
  if (n <= limit) picked = Array.from({ length: n }, (_, i) => i);
  else if (limit > 0) {
    const threshold = selectKth(Float64Array.from(key), 0, n, limit - 1, ws.random);
    for (let i = 0; i < n; i++) if (key[i] <= threshold) picked.push(i);
  }
  picked.sort((a, b) => key[a] - key[b] || change[a] - change[b]);
  return picked.slice(0, limit).map((i) => [change[i], deployment[i]]);
}

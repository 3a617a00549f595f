/**
 * The five metrics, the stages and the band distribution of any set of services over any
 * window, from the {@link FactIndex}: counts from prefix sums over binary-searched runs,
 * percentiles by selection over the run's values. Every figure equals what `compute.ts` gives
 * on rows fetched for the window (test/scale/indexed-equality.test.ts holds both
 * paths to that).
 */
import type { BandCounts, FiveMetrics, Stages } from '../../common/api';
import { changeFailureBand, deploymentFrequencyBand, leadTimeBand, timeToRestoreBand } from './bands';
import { periods } from './calendar';
import { bandOf, type Window } from './compute';
import { deploymentDays, lowerBound, type ServiceFacts } from './fact-index';
import { percentilesOf, Scratch, selectKth } from './select';
import { median } from './stats';

const DAY_MS = 86_400_000;
const scratch = new Scratch();

/** Median over the calendar weeks or months overlapping the window of the days with a deployment. */
function deployDaysMedian(days: Float64Array, bucket: 'week' | 'month', w: Window): number | null {
  return median(periods(bucket, w.from, w.to, w.tz).map(([s, e]) => lowerBound(days, e) - lowerBound(days, s)));
}

/** The distinct local days (ascending) on which any of the services deployed in the window. */
function distinctDays(services: readonly ServiceFacts[], w: Window): Float64Array {
  const set = new Set<number>();
  for (const f of services) {
    const days = deploymentDays(f, w.tz);
    const a = lowerBound(f.deployments.at, w.from), b = lowerBound(f.deployments.at, w.to);
    let last = NaN;
    for (let i = a; i < b; i++) if (days[i] !== last) set.add((last = days[i]));
  }
  return Float64Array.from(set).sort();
}

/** Gathers `values[i]` of every service's run of `at` in the window into the scratch buffer. */
function gather(services: readonly ServiceFacts[], pick: (f: ServiceFacts) => { at: Float64Array; values: Float64Array }, w: Window, skipNaN: boolean): void {
  scratch.reset();
  for (const f of services) {
    const { at, values } = pick(f);
    const a = lowerBound(at, w.from), b = lowerBound(at, w.to);
    scratch.reserve(b - a);
    const buf = scratch.buf;
    let n = scratch.n;
    if (skipNaN) { for (let i = a; i < b; i++) { const v = values[i]; if (v === v) buf[n++] = v; } }
    else for (let i = a; i < b; i++) buf[n++] = values[i];
    scratch.n = n;
  }
}

/** Gathers the window's lead times into scratch.buf[0, n), leaving out (and counting) the negatives. */
function gatherLeadTimes(services: readonly ServiceFacts[], w: Window): { n: number; excluded: number } {
  gather(services, (f) => ({ at: f.leadTimes.at, values: f.leadTimes.seconds }), w, false);
  let n = 0;
  const buf = scratch.buf;
  for (let i = 0; i < scratch.n; i++) { const v = buf[i]; if (v >= 0) buf[n++] = v; }
  return { n, excluded: scratch.n - n };
}

/** Deployment frequency, lead time, change failure rate, time to restore and rework rate. */
export function indexedFiveMetrics(services: readonly ServiceFacts[], w: Window): FiveMetrics {
  let count = 0, failed = 0, rework = 0;
  for (const f of services) {
    const d = f.deployments;
    const a = lowerBound(d.at, w.from), b = lowerBound(d.at, w.to);
    count += b - a;
    failed += d.failedBefore[b] - d.failedBefore[a];
    rework += d.reworkBefore[b] - d.reworkBefore[a];
  }
  const perDay = count / ((w.to - w.from) / DAY_MS);
  const days = distinctDays(services, w);
  const weekMedian = deployDaysMedian(days, 'week', w);
  const monthMedian = deployDaysMedian(days, 'month', w);

  const { n: leadCount, excluded } = gatherLeadTimes(services, w);
  const [p50, p85, p95] = percentilesOf(scratch.buf, leadCount, [0.5, 0.85, 0.95]);

  gather(services, (f) => ({ at: f.restored.at, values: f.restored.seconds }), w, false);
  const restoreCount = scratch.n;
  const [restoreP50] = percentilesOf(scratch.buf, scratch.n, [0.5]);
  const rate = count === 0 ? null : failed / count;

  return {
    deploymentFrequency: {
      count, perDay, perWeek: 7 * perDay,
      deployDaysPerWeekMedian: weekMedian, deployDaysPerMonthMedian: monthMedian,
      band: deploymentFrequencyBand(count, weekMedian, monthMedian),
    },
    leadTime: { count: leadCount, excluded, p50, p85, p95, band: leadTimeBand(p50) },
    changeFailureRate: { count, failed, rate, band: changeFailureBand(rate) },
    timeToRestore: { count: restoreCount, p50: restoreP50, band: timeToRestoreBand(restoreP50) },
    reworkRate: { count, rework, rate: count === 0 ? null : rework / count },
  };
}

const stageNames = ['plan', 'do', 'check', 'act', 'loop'] as const;

/** The p50 of each stage over the pull requests whose merge commit reached production in the window. */
export function indexedStages(services: readonly ServiceFacts[], w: Window): Stages {
  let count = 0;
  for (const f of services) count += lowerBound(f.pullRequests.at, w.to) - lowerBound(f.pullRequests.at, w.from);
  const out: Stages = { count, plan: null, do: null, check: null, act: null, loop: null };
  for (const k of stageNames) {
    gather(services, (f) => ({ at: f.pullRequests.at, values: f.pullRequests[k] }), w, true);
    out[k] = percentilesOf(scratch.buf, scratch.n, [0.5])[0];
  }
  return out;
}

/** Lead time p50 and count over a window (for baselines). */
export function indexedLeadTimeP50(services: readonly ServiceFacts[], w: Window): { p50: number | null; count: number } {
  const { n } = gatherLeadTimes(services, w);
  return { p50: percentilesOf(scratch.buf, n, [0.5])[0], count: n };
}

/** Every lead time (seconds, the negatives left out) of changes shipped in the window, in no order. */
export function indexedLeadTimes(services: readonly ServiceFacts[], w: Window): number[] {
  const { n } = gatherLeadTimes(services, w);
  return Array.from(scratch.buf.subarray(0, n));
}

/** A service's overall band over a window, remembered with its facts. */
function serviceBand(f: ServiceFacts, w: Window) {
  const key = `band ${w.from} ${w.to} ${w.tz}`;
  if (f.memo.has(key)) return f.memo.get(key) as ReturnType<typeof bandOf>;
  const band = bandOf(indexedFiveMetrics([f], w));
  if (f.memo.size > 64) f.memo.clear();
  f.memo.set(key, band);
  return band;
}

/** How many of the services fall in each overall band. */
export function indexedBandDistribution(services: readonly ServiceFacts[], w: Window): BandCounts {
  const counts: BandCounts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
  for (const f of services) counts[serviceBand(f, w) ?? 'none']++;
  return counts;
}

/** When the services' first successful production deployment finished. */
export function firstDeploymentAt(services: readonly ServiceFacts[]): number | null {
  let first: number | null = null;
  for (const f of services) if (f.deployments.at.length > 0 && (first === null || f.deployments.at[0] < first)) first = f.deployments.at[0];
  return first;
}

export type ChangeOrder = 'slowest' | 'fastest' | 'newest' | 'oldest';

/**
 * The (change id, deployment id) of the first `limit` changes shipped in the window, in the
 * order `listChanges` gives them (by lead time or deployment time, then change id): the
 * limit-th key is found by selection, and only what is at or before it is sorted.
 */
export function indexedChanges(services: readonly ServiceFacts[], w: Window, order: ChangeOrder, limit: number): [number, number][] {
  let n = 0;
  for (const f of services) n += lowerBound(f.leadTimes.at, w.to) - lowerBound(f.leadTimes.at, w.from);
  const key = new Float64Array(n), change = new Float64Array(n), deployment = new Float64Array(n);
  let k = 0;
  for (const f of services) {
    const l = f.leadTimes;
    const values = order === 'slowest' || order === 'fastest' ? l.seconds : l.at;
    const sign = order === 'slowest' || order === 'newest' ? -1 : 1;
    for (let i = lowerBound(l.at, w.from), b = lowerBound(l.at, w.to); i < b; i++, k++) {
      key[k] = sign * values[i]; change[k] = l.changeId[i]; deployment[k] = l.deploymentId[i];
    }
  }
  let picked: number[] = [];
  if (n <= limit) picked = Array.from({ length: n }, (_, i) => i);
  else if (limit > 0) {
    const threshold = selectKth(Float64Array.from(key), 0, n, limit - 1);
    for (let i = 0; i < n; i++) if (key[i] <= threshold) picked.push(i);
  }
  picked.sort((a, b) => key[a] - key[b] || change[a] - change[b]);
  return picked.slice(0, limit).map((i) => [change[i], deployment[i]]);
}

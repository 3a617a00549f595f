/** Reads a scope's facts from the database and turns them into the API's answers. */
import type { Db } from '../../db/connection';
import {
  getFirstDeploymentAt, listDeploymentFacts, listLeadTimeFacts, listPullRequestFacts, listRestoredFacts,
} from '../../db/queries/metrics';
import type { MetricsResponse, SeriesResponse } from '../../common/api';
import type { ResolvedScope } from '../scope';
import { bandDistribution, bandOf, computeFiveMetrics, computeStages, type MetricFacts, type Window } from './compute';
import { periods, type Bucket } from './calendar';
import { percentile, sortNumbers } from './stats';
import { xmr } from './xmr';
import { factIndex, type ServiceFacts } from './fact-index';
import { firstDeploymentAt, indexedBandDistribution, indexedFiveMetrics, indexedLeadTimeP50, indexedStages } from './indexed';
import { ResultCache } from './result-cache';

const DAY_MS = 86_400_000;

export interface MetricsOptions {
  tz: string;
  /** A fixed baseline window; by default the scope's first 90 days of data. */
  baseline?: { from: number; to: number };
}

/** Every fact of the scope's services in [from, to); the pull requests only when the stages are wanted. */
export function fetchFacts(db: Db, serviceIds: number[], from: number, to: number, withStages = true): MetricFacts {
  return {
    deployments: listDeploymentFacts(db, serviceIds, from, to).map((d) => ({
      id: d.id, serviceId: d.serviceId, finishedAt: d.finishedAt, failed: d.failed === 1, rework: d.rework === 1, unplanned: d.unplanned === 1,
    })),
    leadTimes: listLeadTimeFacts(db, serviceIds, from, to),
    restored: listRestoredFacts(db, serviceIds, from, to),
    pullRequests: withStages ? listPullRequestFacts(db, serviceIds, from, to).map((p) => ({ ...p, hasCi: p.hasCi === 1 })) : [],
  };
}

/** Lead time p50 over a window, straight from the rows (for baselines). */
function leadTimeP50(db: Db, serviceIds: number[], from: number, to: number) {
  const values = sortNumbers(listLeadTimeFacts(db, serviceIds, from, to).map((l) => (l.deployedAt - l.committedAt) / 1000).filter((s) => s >= 0));
  return { p50: percentile(values, 0.5), count: values.length };
}

/**
 * The straightforward computation of `GET /api/v1/metrics`: fetch the window's rows, compute.
 * The reference the indexed path is held equal to (tests and the scale benchmark compare them).
 */
export function readMetricsDirect(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  const w: Window = { from, to, tz: opts.tz };
  const facts = fetchFacts(db, r.serviceIds, from, to);
  const five = computeFiveMetrics(facts, w);
  const first = getFirstDeploymentAt(db, r.serviceIds);
  const baseWindow = opts.baseline ?? (first === null ? null : { from: first, to: first + 90 * DAY_MS });
  const base = baseWindow ? leadTimeP50(db, r.serviceIds, baseWindow.from, baseWindow.to) : null;
  const current = five.leadTime.p50;
  const response: MetricsResponse = {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(),
    ...five,
    stages: computeStages(facts, w),
    baseline: baseWindow && base ? { from: new Date(baseWindow.from).toISOString(), to: new Date(baseWindow.to).toISOString(), leadTimeP50: base.p50, count: base.count } : null,
    speedup: base?.p50 != null && current !== null && current > 0 ? base.p50 / current : null,
    band: bandOf(five),
  };
  if (r.scope.kind !== 'service') response.bands = bandDistribution(facts, r.serviceIds, w);
  return response;
}

/** The straightforward computation of `GET /api/v1/metrics/series` (the reference, as above). */
export function readSeriesDirect(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  // A series has the five metrics per bucket, not the stages.
  const facts = fetchFacts(db, r.serviceIds, from, to, false);
  const points = periods(bucket, from, to, opts.tz).map(([s, e]) => {
    const w: Window = { from: Math.max(s, from), to: Math.min(e, to), tz: opts.tz };
    return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), ...computeFiveMetrics(facts, w) };
  });
  return {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket, points,
    leadTimeXmr: xmr(points.map((p) => p.leadTime.p50)),
  };
}

const baselineWindow = (services: readonly ServiceFacts[], opts: MetricsOptions) => {
  if (opts.baseline) return opts.baseline;
  const first = firstDeploymentAt(services);
  return first === null ? null : { from: first, to: first + 90 * DAY_MS };
};

const cacheKey = (kind: string, r: ResolvedScope, parts: (string | number | undefined)[]) =>
  `${kind} ${r.scope.key} ${parts.join(' ')} ${r.serviceIds.join(',')}`;

const caches = new WeakMap<Db, ResultCache>();
function cacheOf(db: Db): ResultCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new ResultCache(factIndex(db), 256)));
  return c;
}

/** `GET /api/v1/metrics`: the five metrics, stages, baseline, speedup and band distribution (cached). */
export function readMetrics(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  const key = cacheKey('metrics', r, [from, to, opts.tz, opts.baseline?.from, opts.baseline?.to]);
  return cacheOf(db).get(key, r.serviceIds, () => computeMetrics(db, r, from, to, opts));
}

/** `readMetrics` without the answer cache: from the fact index. */
export function computeMetrics(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  const w: Window = { from, to, tz: opts.tz };
  const services = factIndex(db).all(r.serviceIds);
  const five = indexedFiveMetrics(services, w);
  const baseWindow = baselineWindow(services, opts);
  const base = baseWindow ? indexedLeadTimeP50(services, { ...baseWindow, tz: opts.tz }) : null;
  const current = five.leadTime.p50;
  const response: MetricsResponse = {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(),
    ...five,
    stages: indexedStages(services, w),
    baseline: baseWindow && base ? { from: new Date(baseWindow.from).toISOString(), to: new Date(baseWindow.to).toISOString(), leadTimeP50: base.p50, count: base.count } : null,
    speedup: base?.p50 != null && current !== null && current > 0 ? base.p50 / current : null,
    band: bandOf(five),
  };
  if (r.scope.kind !== 'service') response.bands = indexedBandDistribution(services, w);
  return response;
}

/** `GET /api/v1/metrics/series`: the five metrics per calendar bucket, zero-filled, with XmR limits of lead time (cached). */
export function readSeries(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  const key = cacheKey('series', r, [from, to, bucket, opts.tz]);
  return cacheOf(db).get(key, r.serviceIds, () => computeSeries(db, r, from, to, bucket, opts));
}

/** `readSeries` without the answer cache: from the fact index. */
export function computeSeries(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  const services = factIndex(db).all(r.serviceIds);
  const points = periods(bucket, from, to, opts.tz).map(([s, e]) => {
    const w: Window = { from: Math.max(s, from), to: Math.min(e, to), tz: opts.tz };
    return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), ...indexedFiveMetrics(services, w) };
  });
  return {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket, points,
    leadTimeXmr: xmr(points.map((p) => p.leadTime.p50)),
  };
}

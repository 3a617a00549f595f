/** Reads a scope's facts from the database and turns them into the API's answers. */
import type { Db } from '../../db/connection';
import {
  getFirstDeploymentAt, getLastDataAt, listDeploymentFacts, listEvidenceFacts, listLeadTimeFacts, listPullRequestFacts, listRestoredFacts,
} from '../../db/queries/metrics';
import type { BandCounts, FiveMetrics, MetricsResponse, SeriesResponse, Stages } from '../../common/api';
import type { ResolvedScope } from '../scope';
import { bandDistribution, bandOf, computeFiveMetrics, computeStages, type MetricFacts, type Window } from './compute';
import { periods, type Bucket } from './calendar';
import { percentile, sortNumbers } from './stats';
import { xmr } from './xmr';
import { factIndex } from './fact-index';
import { firstDeploymentAt, lastDataAt, indexedBandDistribution, indexedBaselineLeadTime, indexedFiveMetrics, indexedStages } from './indexed';
import { configuredStarts, evidenceStart, type EvidenceSettings } from './evidence';
import { benchmarkOf } from '../benchmark/score';
import { DEFAULT_EDITION } from '../benchmark/editions';
import { ResultCache } from './result-cache';

const DAY_MS = 86_400_000;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
/** "Now" and the default baseline are 90 days long; a speedup needs 10 changes on each side. */
const NOW_DAYS = 90, SPEEDUP_MINIMUM = 10;

export interface MetricsOptions {
  tz: string;
  /** A fixed baseline window; by default the scope's first 90 days of data. */
  baseline?: { from: number; to: number };
  /** The `evidence` setting: services whose incidents are tracked since a date. */
  evidence?: EvidenceSettings;
  /** The Quick Check edition of the benchmark (default 2025). */
  benchmarkEdition?: string;
}

/** Every fact of the scope's services in [from, to); the pull requests only when the stages are wanted. */
export function fetchFacts(db: Db, serviceIds: number[], from: number, to: number, withStages = true, evidence?: EvidenceSettings): MetricFacts {
  const configured = configuredStarts(db, evidence);
  return {
    evidence: new Map(listEvidenceFacts(db, serviceIds).map((e) => [e.serviceId, evidenceStart(e, configured.get(e.serviceId))])),
    deployments: listDeploymentFacts(db, serviceIds, from, to).map((d) => ({
      id: d.id, serviceId: d.serviceId, finishedAt: d.finishedAt, failed: d.failed === 1, rework: d.rework === 1, unplanned: d.unplanned === 1,
    })),
    leadTimes: listLeadTimeFacts(db, serviceIds, from, to),
    restored: listRestoredFacts(db, serviceIds, from, to).map((i) => ({ ...i, explicit: i.explicit === 1 })),
    pullRequests: withStages ? listPullRequestFacts(db, serviceIds, from, to).map((p) => ({ ...p, hasCi: p.hasCi === 1 })) : [],
  };
}

/**
 * Where the figures of one read come from: the window's rows fetched with SQL (the
 * straightforward path) or the fact index. One assembly below turns either into the answers,
 * so the two paths differ only in how each figure is computed.
 */
interface FigureSource {
  five(w: Window): FiveMetrics;
  stages(w: Window): Stages;
  bands(w: Window): BandCounts;
  /** The same over a baseline window, leaving out the changes of each service's first production deployment. */
  baseline(w: Window): { p50: number | null; count: number; leftOut: number };
  /** When the first successful production deployment finished: the start of the data. */
  firstDeploymentAt(): number | null;
  /** When the data last moved (a deployment or an incident resolved), for the empty range's hint. */
  lastDataAt(): number | null;
}

/** The straightforward source: the window's rows, fetched once with SQL. */
function directSource(db: Db, r: ResolvedScope, from: number, to: number, withStages: boolean, evidence?: EvidenceSettings): FigureSource {
  const facts = fetchFacts(db, r.serviceIds, from, to, withStages, evidence);
  const lead = (w: Window) => listLeadTimeFacts(db, r.serviceIds, w.from, w.to).filter((l) => l.deployedAt >= l.committedAt);
  return {
    five: (w) => computeFiveMetrics(facts, w),
    stages: (w) => computeStages(facts, w),
    bands: (w) => bandDistribution(facts, r.serviceIds, w),
    baseline: (w) => {
      const firsts = new Set(listEvidenceFacts(db, r.serviceIds).map((e) => e.firstDeploymentId));
      const all = lead(w);
      const values = sortNumbers(all.filter((l) => !firsts.has(l.deploymentId)).map((l) => (l.deployedAt - l.committedAt) / 1000));
      return { p50: percentile(values, 0.5), count: values.length, leftOut: all.length - values.length };
    },
    firstDeploymentAt: () => getFirstDeploymentAt(db, r.serviceIds),
    lastDataAt: () => getLastDataAt(db, r.serviceIds),
  };
}

/** The indexed source: the services' facts held in memory. */
function indexedSource(db: Db, r: ResolvedScope, evidence?: EvidenceSettings): FigureSource {
  const services = factIndex(db).all(r.serviceIds);
  const configured = configuredStarts(db, evidence);
  return {
    five: (w) => indexedFiveMetrics(services, w, configured),
    stages: (w) => indexedStages(services, w),
    bands: (w) => indexedBandDistribution(services, w, configured),
    baseline: (w) => indexedBaselineLeadTime(services, w),
    firstDeploymentAt: () => firstDeploymentAt(services),
    lastDataAt: () => lastDataAt(services),
  };
}

/** The five metrics, stages, baseline, speedup and band distribution of a scope. */
function metricsFrom(src: FigureSource, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  const w: Window = { from, to, tz: opts.tz };
  const five = src.five(w);
  const first = src.firstDeploymentAt();
  const baseWindow = opts.baseline ?? (first === null ? null : { from: first, to: first + NOW_DAYS * DAY_MS });
  const base = baseWindow ? src.baseline({ ...baseWindow, tz: opts.tz }) : null;
  const nowWindow = { from: to - NOW_DAYS * DAY_MS, to, tz: opts.tz };
  // A 90-day range is its own "now": its figures serve both.
  const nowFive = nowWindow.from === from ? five : src.five(nowWindow);
  const now = { p50: nowFive.leadTime.p50, count: nowFive.leadTime.count };
  const comparable = base !== null && base.p50 !== null && now.p50 !== null && now.p50 > 0
    && base.count >= SPEEDUP_MINIMUM && now.count >= SPEEDUP_MINIMUM;
  const response: MetricsResponse = {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(),
    ...five,
    stages: src.stages(w),
    baseline: baseWindow && base ? {
      from: new Date(baseWindow.from).toISOString(), to: new Date(baseWindow.to).toISOString(),
      leadTimeP50: base.p50, count: base.count, leftOut: base.leftOut, configured: opts.baseline !== undefined,
    } : null,
    now: { from: new Date(nowWindow.from).toISOString(), to: new Date(to).toISOString(), leadTimeP50: now.p50, count: now.count },
    lastDataAt: iso(src.lastDataAt()),
    benchmark: benchmarkOf(nowFive, first !== null, opts.benchmarkEdition ?? DEFAULT_EDITION),
    speedup: comparable ? base.p50! / now.p50! : null,
    band: bandOf(five),
  };
  if (r.scope.kind !== 'service') response.bands = src.bands(w);
  return response;
}

/** The five metrics per calendar bucket, zero-filled, with XmR limits of lead time. */
function seriesFrom(src: FigureSource, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  const points = periods(bucket, from, to, opts.tz).map(([s, e]) => {
    const w: Window = { from: Math.max(s, from), to: Math.min(e, to), tz: opts.tz };
    return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), ...src.five(w) };
  });
  return {
    scope: r.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket, points,
    leadTimeXmr: xmr(points.map((p) => p.leadTime.p50)),
  };
}

/**
 * The straightforward computation of `GET /api/v1/metrics`: fetch the window's rows, compute.
 * The reference the indexed path is held equal to (tests and the scale benchmark compare them).
 */
export function readMetricsDirect(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  // From the start of "now" where the window is shorter: the benchmark reads the last 90 days.
  return metricsFrom(directSource(db, r, Math.min(from, to - NOW_DAYS * DAY_MS), to, true, opts.evidence), r, from, to, opts);
}

/** The straightforward computation of `GET /api/v1/metrics/series` (the reference, as above; a series has no stages). */
export function readSeriesDirect(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  return seriesFrom(directSource(db, r, from, to, false, opts.evidence), r, from, to, bucket, opts);
}

const cacheKey = (kind: string, r: ResolvedScope, parts: (string | number | undefined)[]) =>
  `${kind} ${r.scope.key} ${parts.join(' ')} ${r.serviceIds.join(',')}`;

const evidenceKey = (opts: MetricsOptions) => (opts.evidence?.incidents.length ? JSON.stringify(opts.evidence) : '');

const caches = new WeakMap<Db, ResultCache>();
function cacheOf(db: Db): ResultCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new ResultCache(factIndex(db), 256)));
  return c;
}

/** `GET /api/v1/metrics`: the five metrics, stages, baseline, speedup and band distribution (cached). */
export function readMetrics(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  const key = cacheKey('metrics', r, [from, to, opts.tz, opts.baseline?.from, opts.baseline?.to, evidenceKey(opts), opts.benchmarkEdition]);
  return cacheOf(db).get(key, r.serviceIds, () => computeMetrics(db, r, from, to, opts));
}

/** `readMetrics` without the answer cache: from the fact index. */
export function computeMetrics(db: Db, r: ResolvedScope, from: number, to: number, opts: MetricsOptions): MetricsResponse {
  return metricsFrom(indexedSource(db, r, opts.evidence), r, from, to, opts);
}

/** `GET /api/v1/metrics/series`: the five metrics per calendar bucket, zero-filled, with XmR limits of lead time (cached). */
export function readSeries(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  const key = cacheKey('series', r, [from, to, bucket, opts.tz, evidenceKey(opts)]);
  return cacheOf(db).get(key, r.serviceIds, () => computeSeries(db, r, from, to, bucket, opts));
}

/** `readSeries` without the answer cache: from the fact index. */
export function computeSeries(db: Db, r: ResolvedScope, from: number, to: number, bucket: Bucket, opts: MetricsOptions): SeriesResponse {
  return seriesFrom(indexedSource(db, r, opts.evidence), r, from, to, bucket, opts);
}

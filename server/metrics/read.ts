/**
 * The fast path's answers: a scope's figures from the fact index (./indexed.ts over
 * ./fact-index.ts), remembered in the answer cache. The reference (./reference.ts) computes the
 * same answers from the window's rows; nothing here imports it.
 */
import type { MetricsResponse, SeriesResponse } from '../../common/api';
import type { Bucket } from './calendar';
import {
  firstDeploymentAt,
  lastDataAt,
  indexedBandDistribution,
  indexedBaselineLeadTime,
  indexedFiveMetrics,
  indexedStages,
} from './indexed';
import { metricsFrom, seriesFrom, type FigureSource, type MetricsOptions, type ScopeServices } from './answers';
import type { MetricsState } from './state';

export type { MetricsOptions } from './answers';

/** The indexed source: the services' facts held in memory. */
async function indexedSource(m: MetricsState, r: ScopeServices, opts: MetricsOptions): Promise<FigureSource> {
  const services = await m.facts.all(r.serviceIds);
  const configured = await m.configuredStarts(opts.evidence);
  const ws = m.workspace;
  return {
    five: (w) => indexedFiveMetrics(ws, services, w, configured),
    stages: (w) => indexedStages(ws, services, w),
    bands: (w) => indexedBandDistribution(ws, services, w, configured),
    baseline: (w) => indexedBaselineLeadTime(ws, services, w),
    firstDeploymentAt: () => firstDeploymentAt(services),
    lastDataAt: () => lastDataAt(services),
  };
}

const cacheKey = (kind: string, r: ScopeServices, parts: (string | number | undefined)[]) =>
  `${kind} ${r.scope.key} ${parts.join(' ')} ${r.serviceIds.join(',')}`;

const evidenceKey = (opts: MetricsOptions) => (opts.evidence?.incidents.length ? JSON.stringify(opts.evidence) : '');

/** `GET /api/v1/metrics`: the five metrics, stages, baseline, speedup and band distribution (cached). */
export function readMetrics(m: MetricsState, r: ScopeServices, from: number, to: number, opts: MetricsOptions): Promise<MetricsResponse> {
  const key = cacheKey('metrics', r, [from, to, opts.tz, opts.baseline?.from, opts.baseline?.to, evidenceKey(opts), opts.benchmarkEdition]);
  return m.answers.get(key, r.serviceIds, () => computeMetrics(m, r, from, to, opts));
}

/** `readMetrics` without the answer cache: from the fact index. */
export async function computeMetrics(
  m: MetricsState,
  r: ScopeServices,
  from: number,
  to: number,
  opts: MetricsOptions,
): Promise<MetricsResponse> {
  return metricsFrom(await indexedSource(m, r, opts), r, from, to, opts);
}

/** `GET /api/v1/metrics/series`: the five metrics per calendar bucket, zero-filled, with XmR limits of lead time (cached). */
export function readSeries(
  m: MetricsState,
  r: ScopeServices,
  from: number,
  to: number,
  bucket: Bucket,
  opts: MetricsOptions,
): Promise<SeriesResponse> {
  const key = cacheKey('series', r, [from, to, bucket, opts.tz, evidenceKey(opts)]);
  return m.answers.get(key, r.serviceIds, () => computeSeries(m, r, from, to, bucket, opts));
}

/** `readSeries` without the answer cache: from the fact index. */
export async function computeSeries(
  m: MetricsState,
  r: ScopeServices,
  from: number,
  to: number,
  bucket: Bucket,
  opts: MetricsOptions,
): Promise<SeriesResponse> {
  return seriesFrom(await indexedSource(m, r, opts), r, from, to, bucket, opts);
}

/** The figures of a scope: `GET /api/v1/metrics` and `GET /api/v1/metrics/series`, from the fast path. */
import type { MetricsResponse, SeriesResponse } from '../../common/api';
import { periods, type Bucket } from '../metrics/calendar';
import { metricsOptions } from '../metrics/options';
import { readMetrics, readSeries } from '../metrics/read';
import { HttpError } from '../errors';
import { backfillOf, baselineProvisional } from './backfill';
import type { ReadContext, Table } from './context';
import type { ScopedWindow } from './query';

/** The most buckets one series may hold. */
export const MAX_BUCKETS = 800;

/** The five metrics, stages, baseline, speedup and band distribution of a scope over a window. */
export async function metricsOf(ctx: ReadContext, q: ScopedWindow): Promise<MetricsResponse> {
  const [metrics, backfill] = await Promise.all([
    readMetrics(ctx.reads, q.resolved, q.from, q.to, metricsOptions(ctx.config, q.resolved.scope.key)),
    ctx.reads.cursors ? backfillOf(ctx.reads.cursors, q.resolved.serviceIds) : null,
  ]);
  // A copy: the answer may be cached and shared.
  return {
    ...metrics,
    baseline:
      metrics.baseline && baselineProvisional(metrics.baseline, backfill) ? { ...metrics.baseline, provisional: true } : metrics.baseline,
    // Only while one runs: the same scope's metrics in the summary and children rows (which do not
    // say it) stay equal to this answer otherwise.
    ...(backfill ? { backfill } : {}),
  };
}

/** The five metrics per calendar bucket; 400 when the window holds more than {@link MAX_BUCKETS}. */
export async function seriesOf(ctx: ReadContext, q: ScopedWindow, bucket: Bucket): Promise<SeriesResponse> {
  if (periods(bucket, q.from, q.to, ctx.config.tz).length > MAX_BUCKETS) {
    throw new HttpError(
      400,
      'invalid_query',
      `bucket: ${bucket} buckets over this window would be more than ${MAX_BUCKETS}; use a larger bucket or a shorter window.`,
    );
  }
  return readSeries(ctx.reads, q.resolved, q.from, q.to, bucket, metricsOptions(ctx.config, q.resolved.scope.key));
}

export async function metricsTable(ctx: ReadContext, q: ScopedWindow): Promise<Table<MetricsResponse>> {
  const body = await metricsOf(ctx, q);
  return { body, rows: [body as unknown as Record<string, unknown>], name: 'metrics' };
}

export async function seriesTable(ctx: ReadContext, q: ScopedWindow, bucket: Bucket): Promise<Table<SeriesResponse>> {
  const body = await seriesOf(ctx, q, bucket);
  return { body, rows: body.points as unknown as Record<string, unknown>[], name: 'series' };
}

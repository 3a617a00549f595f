/** The figures of one scope and date range: metrics, weekly series and the slowest changes. */
import type { ChangesResponse, MetricsResponse, SeriesResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { apiWindow, bucketFor, type DateRange } from '../lib/date-range';
import { useResource, type Resource } from './useResource';

export interface ScopeData {
  metrics: Resource<MetricsResponse>;
  series: Resource<SeriesResponse>;
  changes: Resource<ChangesResponse>;
}

export const SLOWEST_LIMIT = 10;

/** Keyed by scope and range; `version` (bumped by `metrics:changed`) refreshes all three in place. */
export function useScopeData(scope: string, range: DateRange, today: string, version: number): ScopeData {
  const window = apiWindow(range);
  const metrics = useResource<MetricsResponse>(apiUrl('/api/v1/metrics', { scope, ...window }), version);
  const series = useResource<SeriesResponse>(apiUrl('/api/v1/metrics/series', { scope, ...window, bucket: bucketFor(range, today) }), version);
  const changes = useResource<ChangesResponse>(apiUrl('/api/v1/changes', { scope, ...window, sort: 'slowest', limit: SLOWEST_LIMIT }), version);
  return { metrics, series, changes };
}

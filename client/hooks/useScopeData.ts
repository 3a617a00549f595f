/** The figures of one scope and date range: metrics, series, the slowest changes and the figures one level down. */
import type { ChildrenResponse, MetricsResponse, PullRequestChangesResponse, SeriesResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { apiWindow, bucketFor, type DateRange } from '../lib/date-range';
import { useResource, type Resource } from './useResource';

export interface ScopeData {
  metrics: Resource<MetricsResponse>;
  series: Resource<SeriesResponse>;
  /** The slowest pull requests (a change without one stands alone). */
  changes: Resource<PullRequestChangesResponse>;
  /** The departments, teams or services one level down; never loads for a service. */
  children: Resource<ChildrenResponse>;
  /** The URL each came from, for the "Download CSV" links. */
  urls: { metrics: string; series: string; changes: string; children: string };
}

export const SLOWEST_LIMIT = 10;

/** Keyed by scope and range; `version` (bumped by `metrics:changed`) refreshes all of them in place. */
export function useScopeData(scope: string, range: DateRange, today: string, version: number): ScopeData {
  const window = apiWindow(range);
  const urls = {
    metrics: apiUrl('/api/v1/metrics', { scope, ...window }),
    series: apiUrl('/api/v1/metrics/series', { scope, ...window, bucket: bucketFor(range, today) }),
    changes: apiUrl('/api/v1/changes', { scope, ...window, sort: 'slowest', groupBy: 'pullRequest', limit: SLOWEST_LIMIT }),
    children: apiUrl('/api/v1/children', { scope, ...window }),
  };
  const metrics = useResource<MetricsResponse>(urls.metrics, version);
  const series = useResource<SeriesResponse>(urls.series, version);
  const changes = useResource<PullRequestChangesResponse>(urls.changes, version);
  const children = useResource<ChildrenResponse>(scope.startsWith('service:') ? null : urls.children, version);
  return { metrics, series, changes, children, urls };
}

/** The executive summary of a date range; `version` (bumped by `metrics:changed` for the org) refreshes it in place. */
import type { SummaryResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { apiWindow, type DateRange } from '../lib/date-range';
import { useResource, type Resource } from './useResource';

export function useSummary(range: DateRange, version: number): { url: string; summary: Resource<SummaryResponse> } {
  const url = apiUrl('/api/v1/summary', apiWindow(range));
  return { url, summary: useResource<SummaryResponse>(url, version) };
}

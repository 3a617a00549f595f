/** A scope's loops, their audit trail and the weekly series behind the XmR chart, keyed by scope and range. */
import type { LoopAuditItem, LoopsResponse, SeriesResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { addDays, apiWindow, bucketFor, type DateRange } from '../lib/date-range';
import { useResource, type Resource } from './useResource';

/** How far past today the loops are read when the range runs up to now, so a loop planned ahead shows. */
export const PLANNED_AHEAD_DAYS = 92;

/** The API window of the loops view: the range, or up to a quarter ahead when it runs up to now. */
export function loopsWindow(range: DateRange, today: string): { from: string; to: string } {
  return { from: range.from, to: range.to === null ? addDays(today, PLANNED_AHEAD_DAYS) : addDays(range.to, 1) };
}

export function useLoops(scope: string, range: DateRange, today: string, version: number): Resource<LoopsResponse> {
  return useResource<LoopsResponse>(apiUrl('/api/v1/loops', { scope, ...loopsWindow(range, today) }), version);
}

export interface LoopAuditResponse {
  scope: string;
  items: LoopAuditItem[];
}

export function useLoopAudit(scope: string, version: number): Resource<LoopAuditResponse> {
  return useResource<LoopAuditResponse>(apiUrl('/api/v1/loops/audit', { scope, limit: 50 }), version);
}

/** The series of the range in weeks (months beyond two years), for the process behaviour chart. */
export function useLoopsSeries(scope: string, range: DateRange, today: string, version: number): Resource<SeriesResponse> {
  return useResource<SeriesResponse>(
    apiUrl('/api/v1/metrics/series', { scope, ...apiWindow(range), bucket: bucketFor(range, today) }),
    version,
  );
}

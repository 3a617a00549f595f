/**
 * The figures of one loop's retro: the loop and the one before it (asked for by the loop's id,
 * wherever it lies, so a retro link works for as long as the loop exists), its changes, its
 * failed deployments and its incidents; and, when no loop is named or it is gone, the loops of
 * the range to pick from. Keyed by scope, loop and range; `version` refreshes in place.
 */
import type { ChangesResponse, LoopItem, LoopResponse, LoopsResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { addDays, type DateRange } from '../lib/date-range';
import type { DeploymentsResponse, IncidentsResponse } from '../lib/loops-retro';
import { useResource, type Resource } from './useResource';

export const RETRO_CHANGES_LIMIT = 200;

export interface RetroData {
  /** The named loop and the one before it. */
  one: Resource<LoopResponse>;
  /** The loops of the range, read only to pick one (no loop named, or the one named is gone). */
  loops: Resource<LoopsResponse>;
  loop: LoopItem | null;
  previous: LoopItem | null;
  /** The named loop does not exist (deleted, or planned over). */
  missing: boolean;
  changes: Resource<ChangesResponse>;
  deployments: Resource<DeploymentsResponse>;
  incidents: Resource<IncidentsResponse>;
}

export function useLoopsRetro(scope: string, loopId: string | null, range: DateRange, today: string, version: number): RetroData {
  const one = useResource<LoopResponse>(loopId ? apiUrl(`/api/v1/loops/${encodeURIComponent(loopId)}`, { scope }) : null, version);
  const missing = one.error?.status === 404;
  // A loop planned ahead starts after today: read at least its first day.
  const end = range.to ?? (range.from > today ? range.from : today);
  const loops = useResource<LoopsResponse>(
    !loopId || missing ? apiUrl('/api/v1/loops', { scope, from: range.from, to: addDays(end, 1) }) : null,
    version,
  );
  const loop = one.data?.loop ?? null;
  const win = loop ? { scope, from: loop.from, to: loop.to } : null;
  const changes = useResource<ChangesResponse>(
    win ? apiUrl('/api/v1/changes', { ...win, sort: 'slowest', limit: RETRO_CHANGES_LIMIT }) : null,
    version,
  );
  const deployments = useResource<DeploymentsResponse>(win ? apiUrl('/api/v1/deployments', { ...win, limit: 5000 }) : null, version);
  const incidents = useResource<IncidentsResponse>(win ? apiUrl('/api/v1/incidents', { ...win, limit: 1000 }) : null, version);
  return { one, loops, loop, previous: one.data?.previous ?? null, missing, changes, deployments, incidents };
}

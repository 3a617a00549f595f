/**
 * The figures of one loop's retro: the loop and the one before it, its changes, its failed
 * deployments and its incidents. Keyed by scope, loop and range; `version` refreshes in place.
 */
import type { ChangesResponse, LoopItem, LoopsResponse } from '../../common/api';
import { apiUrl } from '../lib/api-client';
import { addDays, type DateRange } from '../lib/date-range';
import { findRetroLoops, previousWindow, type DeploymentsResponse, type IncidentsResponse } from '../lib/loops-retro';
import { useResource, type Resource } from './useResource';

export const RETRO_CHANGES_LIMIT = 200;

export interface RetroData {
  loops: Resource<LoopsResponse>;
  loop: LoopItem | null;
  previous: LoopItem | null;
  changes: Resource<ChangesResponse>;
  deployments: Resource<DeploymentsResponse>;
  incidents: Resource<IncidentsResponse>;
}

export function useLoopsRetro(scope: string, loopId: string | null, range: DateRange, today: string, version: number): RetroData {
  // A loop planned ahead starts after today: read at least its first day.
  const end = range.to ?? (range.from > today ? range.from : today);
  const loops = useResource<LoopsResponse>(apiUrl('/api/v1/loops', { scope, from: range.from, to: addDays(end, 1) }), version);
  const found = findRetroLoops(loops.data?.items ?? [], loopId ?? '');
  // The loop before may lie outside the range: read it on its own.
  const before = found.loop && !found.previous ? previousWindow(found.loop) : null;
  const earlier = useResource<LoopsResponse>(before ? apiUrl('/api/v1/loops', { scope, ...before }) : null, version);
  const previousId = found.loop?.check?.previousId ?? null;
  const previous = found.previous ?? earlier.data?.items.find((l) => l.id === previousId) ?? null;
  const win = found.loop ? { scope, from: found.loop.from, to: found.loop.to } : null;
  const changes = useResource<ChangesResponse>(win ? apiUrl('/api/v1/changes', { ...win, sort: 'slowest', limit: RETRO_CHANGES_LIMIT }) : null, version);
  const deployments = useResource<DeploymentsResponse>(win ? apiUrl('/api/v1/deployments', { ...win, limit: 5000 }) : null, version);
  const incidents = useResource<IncidentsResponse>(win ? apiUrl('/api/v1/incidents', { ...win, limit: 1000 }) : null, version);
  return { loops, loop: found.loop, previous, changes, deployments, incidents };
}

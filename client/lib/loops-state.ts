/**
 * Where a loop stands in time (not started, running, ended) and what a retrospective plan
 * means, in words; and which loop a page opens on: the last one that has ended.
 */
import type { LoopItem, LoopRetrospective } from '../../common/api';
import { formatDate } from './format';

export type LoopPhase = 'ahead' | 'running' | 'ended';

export function loopPhase(loop: Pick<LoopItem, 'from' | 'to'>, now: number): LoopPhase {
  if (Date.parse(loop.from) > now) return 'ahead';
  return Date.parse(loop.to) > now ? 'running' : 'ended';
}

/** "Planned on 3 Dec 2026, after the loop had started (2 Nov 2026)": why a plan is marked retrospective. */
export function retrospectiveWords(r: LoopRetrospective): string {
  const what =
    r.reason === 'planned-after-start'
      ? 'Planned'
      : r.reason === 'from-changed-after-start'
        ? 'Its start was moved'
        : 'Its target was changed';
  return `${what} on ${formatDate(r.at)}, after the loop had started (${formatDate(r.startedAt)}): the target was not set in advance, so it says little about the result.`;
}

/**
 * The loop to show: the one the URL names, else the last one that has ended (a running loop
 * has no verdict yet), else the latest that has started, else the last. -1 when there is none.
 */
export function selectedLoopIndex(loops: readonly Pick<LoopItem, 'id' | 'from' | 'to'>[], id: string | null, now: number): number {
  const named = id === null ? -1 : loops.findIndex((l) => l.id === id);
  if (named >= 0) return named;
  for (let i = loops.length - 1; i >= 0; i--) if (loopPhase(loops[i], now) === 'ended') return i;
  for (let i = loops.length - 1; i >= 0; i--) if (loopPhase(loops[i], now) === 'running') return i;
  return loops.length - 1;
}

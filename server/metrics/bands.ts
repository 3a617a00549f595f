/** DORA 2023 performance bands (DESIGN.md). */
import type { Band } from '../../common/api';

const HOUR = 3600,
  DAY = 86_400;
const order: Band[] = ['elite', 'high', 'medium', 'low'];

export function deploymentFrequencyBand(count: number, daysPerWeekMedian: number | null, daysPerMonthMedian: number | null): Band | null {
  if (count === 0) return null;
  if ((daysPerWeekMedian ?? 0) >= 5) return 'elite';
  if ((daysPerWeekMedian ?? 0) >= 1) return 'high';
  if ((daysPerMonthMedian ?? 0) >= 1) return 'medium';
  return 'low';
}

export function leadTimeBand(p50: number | null): Band | null {
  if (p50 === null) return null;
  return p50 < DAY ? 'elite' : p50 < 7 * DAY ? 'high' : p50 < 30 * DAY ? 'medium' : 'low';
}

export function changeFailureBand(rate: number | null): Band | null {
  if (rate === null) return null;
  return rate <= 0.05 ? 'elite' : rate <= 0.1 ? 'high' : rate <= 0.15 ? 'medium' : 'low';
}

export function timeToRestoreBand(p50: number | null): Band | null {
  if (p50 === null) return null;
  return p50 < HOUR ? 'elite' : p50 < DAY ? 'high' : p50 < 7 * DAY ? 'medium' : 'low';
}

/** The lowest of the bands that exist: a service is only as fast and safe as its weakest metric. */
export function overallBand(bands: (Band | null)[]): Band | null {
  let worst = -1;
  for (const b of bands) if (b !== null) worst = Math.max(worst, order.indexOf(b));
  return worst < 0 ? null : order[worst];
}

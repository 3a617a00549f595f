/** The spread of a roll-up's services over the DORA bands, as segments of a small stacked bar and as words. */
import type { Band, BandCounts } from '../../common/api';
import { formatCount, plural } from './format';

export type BandKey = Band | 'none';
export const BAND_ORDER: readonly BandKey[] = ['elite', 'high', 'medium', 'low', 'none'];

const NAMES: Record<BandKey, string> = { elite: 'elite', high: 'high', medium: 'medium', low: 'low', none: 'no data' };

export interface BandSegment {
  band: BandKey;
  count: number;
  /** 0..1 of all the services. */
  share: number;
  /** "2 elite": what the segment says in words. */
  label: string;
}

/** The bands that have services, best first, each with its share of the total. */
export function bandSegments(counts: BandCounts): BandSegment[] {
  const total = BAND_ORDER.reduce((sum, b) => sum + counts[b], 0);
  if (total === 0) return [];
  return BAND_ORDER.filter((b) => counts[b] > 0).map((b) => ({
    band: b,
    count: counts[b],
    share: counts[b] / total,
    label: `${formatCount(counts[b])} ${NAMES[b]}`,
  }));
}

/** "9 services: 2 elite, 6 high, 1 medium." */
export function describeBands(counts: BandCounts): string {
  const segments = bandSegments(counts);
  if (segments.length === 0) return 'No services.';
  const total = segments.reduce((sum, s) => sum + s.count, 0);
  return `${plural(total, 'service')}: ${segments.map((s) => s.label).join(', ')}.`;
}

const SCORE: Record<Band, number> = { low: 1, medium: 2, high: 3, elite: 4 };

/**
 * The mean band of the services that have one (low 1 … elite 4), for sorting by the column;
 * null when no service has a band.
 */
export function bandScore(counts: BandCounts): number | null {
  let n = 0;
  let sum = 0;
  for (const band of ['elite', 'high', 'medium', 'low'] as const) {
    n += counts[band];
    sum += counts[band] * SCORE[band];
  }
  return n === 0 ? null : sum / n;
}

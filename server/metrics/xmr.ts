/**
 * Process behaviour (XmR) charts, after Wheeler: natural process limits at the mean ± 2.66 ×
 * the mean moving range, and two signals: a point outside the limits, and eight successive
 * points on one side of the centre line.
 */
import type { Xmr, XmrSignal } from '../../common/api';

/** Scaling constant for individuals charts (3 / d2, d2 = 1.128 for ranges of two). */
export const XMR_SCALE = 2.66;
/** Upper limit of the moving-range chart (D4 = 3.268 for ranges of two). */
export const MR_SCALE = 3.268;

/** The XmR chart of a series; buckets without a value are skipped, not treated as zero. */
export function xmr(values: (number | null)[]): Xmr {
  const present = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null);
  const movingRanges: (number | null)[] = values.map(() => null);
  for (let k = 1; k < present.length; k++) movingRanges[present[k].i] = Math.abs(present[k].v - present[k - 1].v);
  const empty: Xmr = {
    values,
    centre: null,
    upperLimit: null,
    lowerLimit: null,
    movingRanges,
    movingRangeMean: null,
    movingRangeUpperLimit: null,
    signals: [],
  };
  if (present.length < 2) return { ...empty, centre: present[0]?.v ?? null };
  const centre = present.reduce((a, p) => a + p.v, 0) / present.length;
  const ranges = movingRanges.filter((r): r is number => r !== null);
  const mrMean = ranges.reduce((a, r) => a + r, 0) / ranges.length;
  const upper = centre + XMR_SCALE * mrMean;
  const lower = centre - XMR_SCALE * mrMean;
  const signals: XmrSignal[] = [];
  for (const p of present) {
    if (p.v > upper)
      signals.push({
        index: p.i,
        rule: 'outside-limits',
        explanation: 'Above the upper natural process limit: something special made this bucket slower.',
      });
    else if (p.v < lower)
      signals.push({
        index: p.i,
        rule: 'outside-limits',
        explanation: 'Below the lower natural process limit: something special made this bucket faster.',
      });
  }
  let run = 0,
    side = 0;
  for (const p of present) {
    const s = Math.sign(p.v - centre);
    run = s !== 0 && s === side ? run + 1 : s !== 0 ? 1 : 0;
    side = s;
    if (run >= 8)
      signals.push({
        index: p.i,
        rule: 'run-of-8',
        explanation: `The ${run === 8 ? '8th' : `${run}th`} point in a row ${s > 0 ? 'above' : 'below'} the centre line: the process has shifted ${s > 0 ? 'slower' : 'faster'}.`,
      });
  }
  signals.sort((a, b) => a.index - b.index);
  return {
    values,
    centre,
    upperLimit: upper,
    lowerLimit: lower,
    movingRanges,
    movingRangeMean: mrMean,
    movingRangeUpperLimit: MR_SCALE * mrMean,
    signals,
  };
}

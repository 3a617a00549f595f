import { describe, expect, it } from 'vitest';
import { xmr } from '../../../server/metrics/xmr';

describe('XmR process behaviour chart', () => {
  it('puts the limits at the mean ± 2.66 × the mean moving range', () => {
    // Mean 12, moving ranges 4, 4, 4, 2 → mean 3.5; limits 12 ± 9.31.
    const c = xmr([10, 14, 10, 14, 12]);
    expect(c.centre).toBe(12);
    expect(c.movingRangeMean).toBe(3.5);
    expect(c.upperLimit).toBeCloseTo(12 + 2.66 * 3.5, 10);
    expect(c.lowerLimit).toBeCloseTo(12 - 2.66 * 3.5, 10);
    expect(c.movingRangeUpperLimit).toBeCloseTo(3.268 * 3.5, 10);
    expect(c.signals).toEqual([]);
  });

  it('flags a point outside the limits', () => {
    const c = xmr([10, 11, 10, 11, 10, 11, 10, 40]);
    expect(c.signals.filter((s) => s.rule === 'outside-limits').map((s) => s.index)).toEqual([7]);
  });

  it('flags the eighth point in a row on one side of the centre line', () => {
    const c = xmr([20, 22, 21, 23, 20, 22, 21, 23, 5, 6, 5, 6, 5, 6, 5, 6]);
    const runs = c.signals.filter((s) => s.rule === 'run-of-8').map((s) => s.index);
    expect(runs).toEqual([7, 15]);
  });

  it('skips empty buckets instead of treating them as zero', () => {
    const c = xmr([10, null, 14]);
    expect(c.centre).toBe(12);
    expect(c.movingRanges).toEqual([null, null, 4]);
  });
});

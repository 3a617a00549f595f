import { describe, expect, it } from 'vitest';
import { mannWhitney, normalUpperTail } from '../../../server/metrics/mann-whitney';
import { checkLeadTime } from '../../../server/loops/check';

/** Two samples of sizes n1, n2, without ties, whose U (pairs in which the first's value is smaller) is exactly u. */
function samplesWithU(n1: number, n2: number, u: number): [number[], number[]] {
  // b holds the even numbers 0, 2, …; each a value sits just above c of them, so it is smaller
  // than n2 − c of them, and U = Σ (n2 − c).
  const b = Array.from({ length: n2 }, (_, j) => 2 * j);
  let above = n1 * n2 - u;
  const a = Array.from({ length: n1 }, (_, i) => {
    const c = Math.min(n2, above);
    above -= c;
    return 2 * c - 1 + i * 1e-6;
  });
  return [a, b];
}

describe('Mann-Whitney U test', () => {
  it('gives the exact p-value for completely separated samples: 2 / C(10, 5)', () => {
    // Two samples of 5 with every value of one below the other: of the C(10,5) = 252 equally
    // likely arrangements, one gives U = 0 and one U = 25, so the two-sided p is 2/252.
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r).toEqual({ u: 25, pValue: 2 / 252, method: 'exact' });
    expect(mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).u).toBe(0);
  });

  // Critical values of U for a two-tailed test at α = 0.05, from the standard table (e.g. Zar,
  // Biostatistical Analysis, 5th ed., Appendix Table B.11; Siegel & Castellan, Nonparametric
  // Statistics, Table J): the largest U whose two-sided exact p is at most 0.05.
  it.each([
    [5, 5, 2],
    [6, 6, 5],
    [7, 7, 8],
    [8, 8, 13],
    [10, 10, 23],
    [5, 10, 8],
    [20, 20, 127],
  ])('matches the published critical value for n1 = %i, n2 = %i: U = %i', (n1, n2, critical) => {
    const [a, b] = samplesWithU(n1, n2, critical);
    expect(mannWhitney(a, b).u).toBe(critical);
    expect(mannWhitney(a, b).pValue).toBeLessThanOrEqual(0.05);
    const [a2, b2] = samplesWithU(n1, n2, critical + 1);
    expect(mannWhitney(a2, b2).pValue).toBeGreaterThan(0.05);
  });

  it('uses the normal approximation with tie correction for tied or large samples', () => {
    // Worked by hand: a = [1, 2, 2, 3], b = [2, 3, 4, 4, 5]. Ranks of the pooled 9 values:
    // 1→1, 2→3 (three tied: ranks 2,3,4), 3→5.5, 4→7.5, 5→9. R1 = 1 + 3 + 3 + 5.5 = 12.5,
    // U(a larger) = 12.5 − 10 = 2.5, so U(a smaller) = 20 − 2.5 = 17.5.
    // Ties: groups of 3, 2, 2 → Σ(t³ − t) = 24 + 6 + 6 = 36; σ² = (4·5/12)·(10 − 36/72) = 15.8333.
    // z = (|17.5 − 10| − 0.5) / √15.8333 = 7 / 3.9791 = 1.7592; p = 2·(1 − Φ(1.7592)) = 0.07855.
    const r = mannWhitney([1, 2, 2, 3], [2, 3, 4, 4, 5]);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(17.5);
    expect(r.pValue).toBeCloseTo(0.07855, 4);
  });

  it('has a normal tail accurate to the printed tables', () => {
    // Standard normal table: 1 − Φ(1.96) = 0.02500, 1 − Φ(2.576) = 0.00500, 1 − Φ(0) = 0.5.
    expect(normalUpperTail(1.96)).toBeCloseTo(0.025, 5);
    expect(normalUpperTail(2.576)).toBeCloseTo(0.005, 5);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
  });

  it('is symmetric: swapping the samples gives the complementary U and the same p', () => {
    for (const [a, b] of [samplesWithU(25, 25, 200), samplesWithU(30, 40, 500)] as const) {
      const ab = mannWhitney(a, b),
        ba = mannWhitney(b, a);
      expect(ab.u + ba.u).toBe(a.length * b.length);
      expect(ab.pValue).toBeCloseTo(ba.pValue, 12);
    }
  });
});

describe('the Check verdict', () => {
  const slow = [50, 60, 70, 80, 90, 100, 110];
  const fast = [5, 6, 7, 8, 9, 10, 11];
  it.each([
    [slow, fast, 'faster', /^faster, unlikely to be noise \(p < 0\.001\)$/],
    [fast, slow, 'slower', /^slower, unlikely to be noise/],
    [slow, [55, 65, 75, 85, 95, 105, 115], 'none', /^no detectable change \(p = 0\.\d+\)$/],
    [slow, [1, 2, 3], 'none', /^too few changes to tell \(needs at least 5 in each loop\)$/],
  ])('previous %j, current %j → %s', (previous, current, direction, verdict) => {
    const c = checkLeadTime(previous, current);
    expect(c.direction).toBe(direction);
    expect(c.verdict).toMatch(verdict);
  });
});

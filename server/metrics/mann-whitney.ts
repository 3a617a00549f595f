/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: exact for small samples without
 * ties, else the normal approximation with tie and continuity correction.
 */

export interface MannWhitney {
  /** U of the first sample: pairs in which its value is smaller, ties counting half. */
  u: number;
  pValue: number;
  method: 'exact' | 'normal';
}

/** Samples up to this size on each side, without ties, get the exact distribution (its counts stay exact in doubles: C(50, 25) < 2^53). */
export const EXACT_MAX = 25;

/** Ranks with ties given the mean of the ranks they span; returns the ranks and the tie groups' sizes. */
function rank(values: number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1].v === order[i].v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k].i] = r;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/** How many arrangements of n1 + n2 distinct values give each U, from 0 to n1·n2 (Mann & Whitney's recurrence). */
function exactCounts(n1: number, n2: number): number[] {
  // f[i][j][u] via rolling arrays: f(i, j, u) = f(i - 1, j, u - j) + f(i, j - 1, u).
  let prev: number[][] = Array.from({ length: n2 + 1 }, () => [1]);
  for (let i = 1; i <= n1; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n2; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const a = prev[j],
        b = cur[j - 1];
      for (let u = 0; u < size; u++) row[u] = (u - j >= 0 && u - j < a.length ? a[u - j] : 0) + (u < b.length ? b[u] : 0);
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n2];
}

/** 1 − Φ(z) for z ≥ 0, by the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const upper = erfc / 2;
  return z >= 0 ? upper : 1 - upper;
}

/** Two-sided Mann-Whitney U test of sample a against sample b. Both must be non-empty. */
export function mannWhitney(a: number[], b: number[]): MannWhitney {
  const n1 = a.length,
    n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney needs two non-empty samples');
  const { ranks, ties } = rank([...a, ...b]);
  const r1 = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  // U counts pairs where a's value is the larger; the U of "a smaller" is its complement.
  const uLarger = r1 - (n1 * (n1 + 1)) / 2;
  const u = n1 * n2 - uLarger;
  const uMin = Math.min(u, uLarger);
  if (ties.length === 0 && n1 <= EXACT_MAX && n2 <= EXACT_MAX) {
    const counts = exactCounts(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    let tail = 0;
    for (let k = 0; k <= uMin; k++) tail += counts[k];
    return { u, pValue: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + (t ** 3 - t), 0) / (n * (n - 1));
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm));
  if (sigma === 0) return { u, pValue: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - (n1 * n2) / 2) - 0.5) / sigma;
  return { u, pValue: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}

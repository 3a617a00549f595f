/** Small, exact statistics used by every metric. */

/**
 * The p-th percentile (0..1) of ascending-sorted values, by linear interpolation between
 * closest ranks (PERCENTILE_CONT, numpy's default). Null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The median; of an even count, the mean of the middle two. */
export function median(values: readonly number[]): number | null {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

export function sortNumbers(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}

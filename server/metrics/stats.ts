/** Small, exact statistics used by every metric. */

/**
 * The p-th percentile (0..1) of ascending-sorted values, by linear interpolation between
 * closest ranks (PERCENTILE_CONT, numpy's default). Null for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The median; of an even count, the mean of the middle two. */
export function median(values: readonly number[]): number | null {
  return percentile(sortNumbers(values), 0.5);
}

/** The values in ascending order, as a typed array: its native numeric sort is several times faster than a comparator. */
export function sortNumbers(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

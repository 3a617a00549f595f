/** Comparing two answers of the read API, figure by figure. */

/**
 * Every place two answers differ, as `path: got ≠ want`. Numbers may differ by `tolerance`,
 * relative (the default allows for floating-point summation order; 0 asks for identical).
 */
export function differences(got: unknown, want: unknown, path = '', tolerance = 1e-9): string[] {
  if (typeof got === 'number' && typeof want === 'number') {
    return Math.abs(got - want) <= tolerance * Math.max(1, Math.abs(want)) ? [] : [`${path}: ${got} ≠ ${want}`];
  }
  if (got && want && typeof got === 'object' && typeof want === 'object') {
    const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
    return [...keys].flatMap((k) =>
      differences((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], path ? `${path}.${k}` : k, tolerance),
    );
  }
  return Object.is(got, want) ? [] : [`${path}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`];
}

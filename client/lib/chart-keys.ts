/**
 * Reading a chart by keyboard: the arrow keys move from one bucket with a value to the next,
 * and the tooltip shows what hovering that bucket would show.
 */

/** A key the chart answers, and where it moves the focus: to the first, last, previous or next bucket, or off. */
export type ChartKey = 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End' | 'Escape';

export function isChartKey(key: string): key is ChartKey {
  return key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home' || key === 'End' || key === 'Escape';
}

/**
 * The bucket the focus moves to, skipping buckets where no dataset has a value (`hasValue`);
 * `current` null means nothing is shown yet. Null: show nothing (Escape, or no bucket has a value).
 */
export function nextChartIndex(current: number | null, key: ChartKey, length: number, hasValue: (index: number) => boolean): number | null {
  if (key === 'Escape') return null;
  const scan = (from: number, step: 1 | -1): number | null => {
    for (let i = from; i >= 0 && i < length; i += step) if (hasValue(i)) return i;
    return null;
  };
  if (key === 'Home' || (current === null && key === 'ArrowRight')) return scan(0, 1);
  if (key === 'End' || (current === null && key === 'ArrowLeft')) return scan(length - 1, -1);
  // At either end, the focus stays where it is.
  return scan(current! + (key === 'ArrowRight' ? 1 : -1), key === 'ArrowRight' ? 1 : -1) ?? current;
}

import { describe, expect, it } from 'vitest';
import { isChartKey, nextChartIndex } from '../../client/lib/chart-keys';

// Buckets 0..5; 1 and 4 have no value (a week without deployments).
const has = (i: number) => i !== 1 && i !== 4;

describe('reading a chart by keyboard', () => {
  it.each([
    [null, 'End', 5],
    [null, 'ArrowLeft', 5],
    [null, 'ArrowRight', 0],
    [null, 'Home', 0],
    [0, 'ArrowRight', 2],
    [2, 'ArrowLeft', 0],
    [3, 'ArrowRight', 5],
    [5, 'ArrowRight', 5],
    [0, 'ArrowLeft', 0],
    [3, 'Escape', null],
  ] as const)('from %s, %s moves to %s, skipping buckets without a value and stopping at the ends', (current, key, expected) => {
    expect(nextChartIndex(current, key, 6, has)).toBe(expected);
  });

  it('shows nothing on a chart without a value', () => {
    expect(nextChartIndex(null, 'End', 4, () => false)).toBeNull();
    expect(nextChartIndex(null, 'Home', 0, () => true)).toBeNull();
  });

  it('answers only the arrow keys, Home, End and Escape (Tab still leaves the chart)', () => {
    expect(['ArrowLeft', 'ArrowRight', 'Home', 'End', 'Escape'].every(isChartKey)).toBe(true);
    expect(['Tab', 'Enter', 'ArrowUp', ' '].some(isChartKey)).toBe(false);
  });
});

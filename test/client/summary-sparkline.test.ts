import { describe, expect, it } from 'vitest';
import { sparkDomain, sparkline } from '../../client/lib/summary-sparkline';

const BOX = { width: 110, height: 40, padding: 5 };

describe('sparkline', () => {
  it('spreads the months over the width and puts the slowest at the top, on a log scale', () => {
    const line = sparkline([1000, 100, 10], BOX);
    expect(line.points.map((p) => p.x)).toEqual([5, 55, 105]);
    expect(line.points.map((p) => p.y)).toEqual([5, 20, 35]);
    expect(line.path).toBe('M5 5 L55 20 L105 35');
    expect(line.last).toMatchObject({ index: 2, value: 10 });
    expect(line.isolated).toEqual([]);
  });

  it('breaks the line where a month has no data, and marks the points no line reaches', () => {
    const line = sparkline([100, 10, null, 10, null, 1], BOX);
    expect(line.path.split(' ').filter((s) => s.startsWith('M'))).toHaveLength(3);
    expect(line.isolated.map((p) => p.index)).toEqual([3, 5]);
    expect(line.last?.index).toBe(5);
  });

  it('uses a shared domain, so rows compare', () => {
    const domain = sparkDomain([
      [10, 100],
      [1000, null],
    ]);
    expect(domain).toEqual({ min: 10, max: 1000 });
    const line = sparkline([10, 100], BOX, domain);
    expect(line.points.map((p) => p.y)).toEqual([35, 20]);
  });

  it('draws a flat line in the middle when every month is the same, and zero at one second', () => {
    expect(sparkline([60, 60], BOX).points.map((p) => p.y)).toEqual([20, 20]);
    const withZero = sparkline([0, 10], BOX);
    expect(withZero.points[0]).toMatchObject({ value: 0, y: 35 });
  });

  it('is empty without data, and centres a single month', () => {
    expect(sparkline([null, null], BOX)).toEqual({ path: '', points: [], last: null, isolated: [] });
    expect(sparkline([], BOX).path).toBe('');
    expect(sparkDomain([[null]])).toBeNull();
    const one = sparkline([42], BOX);
    expect(one.points[0]).toMatchObject({ x: 55, y: 20 });
    expect(one.isolated).toHaveLength(1);
  });
});

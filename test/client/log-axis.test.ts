import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, MONTH, WEEK, YEAR } from '../../client/lib/format';
import { DURATION_TICKS, TICK_SPACING_PX, formatDurationTick, logDurationScale, ticksThatFit } from '../../client/lib/log-axis';

describe('logDurationScale', () => {
  it('spans months to hours with round ticks, at most 8', () => {
    const axis = logDurationScale([2.5 * MONTH, 5 * DAY, null, 1.8 * HOUR]);
    expect(axis.min).toBe(HOUR);
    expect(axis.max).toBe(3 * MONTH);
    expect(axis.ticks).toEqual([HOUR, 6 * HOUR, DAY, WEEK, MONTH, 3 * MONTH]);
  });

  it('keeps finer ticks when the range is narrow', () => {
    expect(logDurationScale([1.5 * HOUR, 4.5 * HOUR]).ticks).toEqual([HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR]);
    expect(logDurationScale([20 * MINUTE, 40 * MINUTE]).ticks).toEqual([15 * MINUTE, 30 * MINUTE, HOUR]);
  });

  it('starts and ends on a tick that encloses the data', () => {
    const axis = logDurationScale([3 * MINUTE, 400 * DAY]);
    expect(axis.min).toBeLessThanOrEqual(3 * MINUTE);
    expect(axis.max).toBeGreaterThanOrEqual(400 * DAY);
    expect(axis.ticks[0]).toBe(axis.min);
    expect(axis.ticks.at(-1)).toBe(axis.max);
    expect(axis.ticks.length).toBeLessThanOrEqual(8);
  });

  it('ignores nulls and zeros, and has a sensible axis with no data', () => {
    expect(logDurationScale([null, 0, null])).toEqual(logDurationScale([]));
    expect(logDurationScale([])).toMatchObject({ min: HOUR, max: MONTH });
  });

  it('clamps to the ends of the tick list', () => {
    const axis = logDurationScale([0.2, 20 * YEAR]);
    expect(axis.min).toBe(1);
    expect(axis.max).toBe(5 * YEAR);
  });
});

describe('formatDurationTick', () => {
  it.each([
    [MINUTE, '1 min'],
    [15 * MINUTE, '15 min'],
    [HOUR, '1 hour'],
    [6 * HOUR, '6 hours'],
    [DAY, '1 day'],
    [WEEK, '1 week'],
    [MONTH, '1 month'],
    [3 * MONTH, '3 months'],
    [YEAR, '1 year'],
  ])('%s s is "%s"', (seconds, label) => {
    expect(formatDurationTick(seconds)).toBe(label);
  });

  it('labels every candidate tick, and reads other values as durations', () => {
    for (const t of DURATION_TICKS) expect(formatDurationTick(t.value)).toBe(t.label);
    expect(formatDurationTick(90 * MINUTE)).toBe('1.5 h');
    expect(formatDurationTick(45 * DAY)).toBe('1.5 mo');
  });

  it('shows fewer ticks on a short axis, the less round first, so the labels never overlap', () => {
    const { ticks } = logDurationScale([20 * MINUTE, 2 * MONTH]);
    expect(ticks.length).toBeGreaterThan(5);
    expect(ticksThatFit(ticks, 400)).toEqual(ticks);
    const short = ticksThatFit(ticks, 90);
    expect(short.length).toBeLessThanOrEqual(90 / TICK_SPACING_PX + 1);
    expect(short.map(formatDurationTick)).toEqual(['1 hour', '1 day', '1 week', '1 month']);
    // However short, two ticks stay.
    expect(ticksThatFit(ticks, 10).length).toBe(2);
  });
});

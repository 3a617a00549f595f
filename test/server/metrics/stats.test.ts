import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../../server/metrics/stats';
import { changeFailureBand, deploymentFrequencyBand, leadTimeBand, overallBand, timeToRestoreBand } from '../../../server/metrics/bands';
import { periods, startOf, dayKey } from '../../../server/metrics/calendar';

describe('percentiles by linear interpolation between closest ranks', () => {
  // Reference values: numpy.percentile(a, q) with its default method="linear".
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.85, 3.55],
    [[1, 2, 3, 4], 0.95, 3.85],
    [[15, 20, 35, 40, 50], 0.4, 29],
    [[15, 20, 35, 40, 50], 0.95, 48],
    [[7], 0.95, 7],
    [[0, 10], 0.25, 2.5],
  ])('%j at %f is %f', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('is null without values, and the median of an even count is the mean of the middle two', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('DORA 2023 bands at their edges', () => {
  const H = 3600,
    D = 86_400;
  it.each([
    [D - 1, 'elite'],
    [D, 'high'],
    [7 * D - 1, 'high'],
    [7 * D, 'medium'],
    [30 * D - 1, 'medium'],
    [30 * D, 'low'],
    [null, null],
  ])('lead time p50 %s s is %s', (v, band) => expect(leadTimeBand(v)).toBe(band));

  it.each([
    [0.05, 'elite'],
    [0.0501, 'high'],
    [0.1, 'high'],
    [0.1001, 'medium'],
    [0.15, 'medium'],
    [0.1501, 'low'],
    [null, null],
  ])('change failure rate %s is %s', (v, band) => expect(changeFailureBand(v)).toBe(band));

  it.each([
    [H - 1, 'elite'],
    [H, 'high'],
    [D - 1, 'high'],
    [D, 'medium'],
    [7 * D - 1, 'medium'],
    [7 * D, 'low'],
    [null, null],
  ])('time to restore p50 %s s is %s', (v, band) => expect(timeToRestoreBand(v)).toBe(band));

  it.each([
    [0, 0, 0, null],
    [3, 5, 20, 'elite'],
    [3, 4.5, 20, 'high'],
    [3, 1, 4, 'high'],
    [3, 0.5, 1, 'medium'],
    [1, 0, 0.5, 'low'],
  ])('%i deployments, %f days a week, %f days a month: %s', (count, week, month, band) => {
    expect(deploymentFrequencyBand(count, week, month)).toBe(band);
  });

  it('takes the weakest banded metric as the overall band', () => {
    expect(overallBand(['elite', 'high', null, 'medium'])).toBe('medium');
    expect(overallBand([null, null])).toBeNull();
  });
});

describe('calendar weeks in a time zone', () => {
  it('starts weeks on Monday and follows daylight saving', () => {
    const weeks = periods('week', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-05T00:00:00Z'), 'Europe/London');
    expect(new Date(weeks[0][0]).toISOString()).toBe('2026-02-23T00:00:00.000Z');
    // The week in which the clocks go forward (29 March) is 167 hours long.
    expect(weeks.map(([s, e]) => (e - s) / 3_600_000)).toEqual([168, 168, 168, 168, 167, 168]);
  });

  it('puts an instant on the local day of the configured zone', () => {
    const t = Date.parse('2026-03-01T07:00:00Z');
    expect(dayKey(t, 'UTC')).toBe('2026-03-01');
    expect(dayKey(t, 'America/Vancouver')).toBe('2026-02-28');
    expect(new Date(startOf('month', t, 'America/Vancouver')).toISOString()).toBe('2026-02-01T08:00:00.000Z');
  });
});

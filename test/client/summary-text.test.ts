import { describe, expect, it } from 'vitest';
import type { MetricsResponse, TrendPoint } from '../../common/api';
import { DAY, HOUR, MONTH, formatDuration } from '../../client/lib/format';
import { describeSeries, describeSort, describeTrend, headlineSentence } from '../../client/lib/summary-text';

const labels = ['1 Jan', '8 Jan', '15 Jan', '22 Jan'];

describe('describing a series', () => {
  it('says where it starts and ends, its lowest and highest, and the gaps', () => {
    expect(describeSeries({ what: 'Deployments per week', labels, values: [4, null, 1, 9], format: String, per: 'week' })).toBe(
      'Deployments per week, 1 Jan to 22 Jan: 4 in the first week with data (1 Jan) and 9 in the last (22 Jan); lowest 1 (15 Jan), highest 9 (22 Jan). 1 of 4 weeks have no data.',
    );
  });

  it('keeps the first of equal lows and highs', () => {
    expect(describeSeries({ what: 'X', labels: ['a', 'b', 'c'], values: [2, 2, 2], format: String, per: 'week' })).toBe(
      'X, a to c: 2 in the first week with data (a) and 2 in the last (c); lowest 2 (a), highest 2 (a).',
    );
  });

  it.each([
    [[null, null, null, null], 'X, 1 Jan to 22 Jan: no data in any week.'],
    [[null, 3, null, null], 'X, 1 Jan to 22 Jan: only 8 Jan has data, 3.'],
  ])('says so when there is little or nothing: %o', (values, text) => {
    expect(describeSeries({ what: 'X', labels, values, format: String, per: 'week' })).toBe(text);
  });

  it('has words for an empty range', () => {
    expect(describeSeries({ what: 'X', labels: [], values: [], format: String, per: 'month' })).toBe('X: no months in this range.');
  });
});

describe('describing a department trend', () => {
  it('names the months and the durations', () => {
    const points: TrendPoint[] = [
      { from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', leadTimeP50: 7 * DAY, deploymentsPerWeek: 3 },
      { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', leadTimeP50: null, deploymentsPerWeek: 0 },
      { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', leadTimeP50: 2 * HOUR, deploymentsPerWeek: 30 },
    ];
    expect(describeTrend(points)).toBe(
      'Median lead time by month, Dec 2025 to Feb 2026: 7 days in the first month with data (Dec 2025) and 2 hours in the last (Feb 2026); ' +
        'lowest 2 hours (Feb 2026), highest 7 days (Dec 2025). 1 of 3 months have no data.',
    );
  });
});

describe('the headline', () => {
  const org = (p50: number | null, baseline: number | null, speedup: number | null, counts = { now: 20, baseline: 20 }) =>
    ({
      now: { leadTimeP50: p50, count: counts.now },
      baseline: baseline === null ? null : { leadTimeP50: baseline, count: counts.baseline },
      speedup,
    }) as unknown as MetricsResponse;

  it('tells the months-to-hours story', () => {
    expect(headlineSentence(org(1.8 * HOUR, 2 * MONTH, (2 * MONTH) / (1.8 * HOUR)))).toBe(
      `Median lead time went from 2 months at baseline to 1.8 hours: 800× faster.`,
    );
  });

  it('says what it can without a baseline or without changes', () => {
    expect(headlineSentence(org(HOUR, null, null))).toBe(
      `Median lead time is ${formatDuration(HOUR)}; there is no baseline to compare it with yet.`,
    );
    expect(headlineSentence(org(null, null, null))).toBe('No change has reached production in the last 90 days.');
  });

  it('says there are too few changes to compare rather than a speed-up on fewer than 10', () => {
    expect(headlineSentence(org(HOUR, 2 * MONTH, null, { now: 20, baseline: 9 }))).toBe(
      `Median lead time is ${formatDuration(HOUR)}; too few changes to compare with the baseline.`,
    );
  });
});

describe('describing the sort', () => {
  it.each([
    ['Department', 'ascending', true, 'Sorted by department, A to Z.'],
    ['Department', 'descending', true, 'Sorted by department, Z to A.'],
    ['Lead time now median', 'ascending', false, 'Sorted by lead time now median, from lowest to highest.'],
    ['Change failure rate', 'descending', false, 'Sorted by change failure rate, from highest to lowest.'],
  ] as const)('%s %s', (column, direction, textual, text) => {
    expect(describeSort(column, direction, textual)).toBe(text);
  });
});

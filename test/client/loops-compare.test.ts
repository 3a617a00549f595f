import { describe, expect, it } from 'vitest';
import { comparisonRows, describeBaseline, describeChange, formatMetric, metricValue } from '../../client/lib/loops-compare';
import { loopItem } from '../helpers/loop-item';

const HOUR = 3600;

describe('describeChange', () => {
  it.each([
    ['leadTime', 10 * HOUR, 2 * HOUR, '5.0× faster', 'better'],
    ['leadTime', 2 * HOUR, 3 * HOUR, '1.5× slower', 'worse'],
    ['leadTime', 100, 103, 'about the same', 'same'],
    ['timeToRestore', 3600, 1200, 'restored 3.0× faster', 'better'],
    ['deploymentFrequency', 5, 20, '4.0× more often', 'better'],
    ['deploymentFrequency', 20, 10, '2.0× less often', 'worse'],
    ['changeFailureRate', 0.1, 0.15, 'more failures (+5 points)', 'worse'],
    ['changeFailureRate', 0.15, 0.1, 'fewer failures (−5 points)', 'better'],
    ['changeFailureRate', 0.1, 0.105, 'about the same', 'same'],
    ['reworkRate', 0.2, 0, 'less rework (−20 points)', 'better'],
    ['deploymentFrequency', 0, 3, 'more often', 'better'],
  ] as const)('%s %s → %s: %s (%s)', (metric, before, after, words, better) => {
    expect(describeChange(metric, before, after)).toEqual({ words, better });
  });

  it('says when one side has no data, never guessing', () => {
    expect(describeChange('leadTime', null, 3600)).toEqual({ words: 'no comparison (no data in one of the loops)', better: null });
  });
});

describe('comparisonRows', () => {
  it('compares the five metrics with the previous loop, and lead time with the baseline', () => {
    const rows = comparisonRows(
      loopItem({ leadTime: 2 * HOUR, perWeek: 30, cfr: 0.05, ttr: 1200, rework: null }),
      loopItem({ leadTime: 8 * HOUR, perWeek: 10, cfr: 0.1, ttr: 1200, rework: 0.1 }),
    );
    expect(rows.map((r) => [r.metric, r.current, r.previous, r.change.words, r.baseline])).toEqual([
      ['leadTime', '2 hours', '8 hours', '4.0× faster', '1 month'],
      ['deploymentFrequency', '30 a week', '10 a week', '3.0× more often', '—'],
      ['changeFailureRate', '5%', '10%', 'fewer failures (−5 points)', '—'],
      ['timeToRestore', '20 min', '20 min', 'about the same', '—'],
      ['reworkRate', '—', '10%', 'no comparison (no data in one of the loops)', '—'],
    ]);
  });

  it('says so when there is no previous loop', () => {
    expect(comparisonRows(loopItem(), null).every((r) => r.previous === '—' && r.change.words === 'no previous loop')).toBe(true);
  });
});

describe('figures of a metric', () => {
  it('takes the figure a target aims at: medians, deployments per week (none without deployments), rates', () => {
    const m = loopItem({ leadTime: 60, perWeek: 0, deployments: 0, cfr: null }).metrics;
    expect([metricValue(m, 'leadTime'), metricValue(m, 'deploymentFrequency'), metricValue(m, 'changeFailureRate')]).toEqual([
      60,
      null,
      null,
    ]);
  });

  it('formats each metric in its own words', () => {
    expect([
      formatMetric('leadTime', 6 * HOUR),
      formatMetric('deploymentFrequency', 12.5),
      formatMetric('reworkRate', 0.083),
      formatMetric('timeToRestore', null),
    ]).toEqual(['6 hours', '12.5 a week', '8.3%', '—']);
  });

  it('puts the lead time against the baseline in words', () => {
    expect(describeBaseline(loopItem({ leadTime: 3 * HOUR }))).toBe('240× faster than the baseline');
    expect(describeBaseline(loopItem({ leadTime: null }))).toBe('no comparison with the baseline (no data)');
  });
});

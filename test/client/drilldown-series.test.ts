import { describe, expect, it } from 'vitest';
import type { FiveMetrics, SeriesPoint, SeriesResponse } from '../../common/api';
import {
  failureRateChartData,
  failureRateSeries,
  logDurationOptions,
  restoreTimeChartData,
  restoreTimeSeries,
} from '../../client/lib/drilldown-series';

function point(from: string, o: { deployments: number; failed: number; restores: number; ttr: number | null }): SeriesPoint {
  const five: FiveMetrics = {
    deploymentFrequency: {
      count: o.deployments,
      perDay: 0,
      perWeek: 0,
      deployDaysPerWeekMedian: null,
      deployDaysPerMonthMedian: null,
      band: null,
      bandReason: null,
    },
    leadTime: { count: 0, excluded: 0, p50: null, p85: null, p95: null, band: null, bandReason: null },
    changeFailureRate: {
      count: o.deployments,
      failed: o.failed,
      rate: o.deployments === 0 ? null : o.failed / o.deployments,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    timeToRestore: { count: o.restores, p50: o.ttr, band: null, bandReason: null, services: 1, servicesInScope: 1, reason: null },
    failedDeploymentRecoveryTime: {
      count: o.restores,
      p50: o.ttr,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    reworkRate: { count: o.deployments, rework: 0, rate: null, services: 1, servicesInScope: 1, reason: null },
  };
  return { from, to: from, ...five };
}

const series: Pick<SeriesResponse, 'points' | 'bucket'> = {
  bucket: 'week',
  points: [
    point('2026-08-24T00:00:00.000Z', { deployments: 20, failed: 2, restores: 1, ttr: 1800 }),
    point('2026-08-31T00:00:00.000Z', { deployments: 0, failed: 0, restores: 0, ttr: null }),
    point('2026-09-07T00:00:00.000Z', { deployments: 8, failed: 0, restores: 2, ttr: 0 }),
  ],
};

describe('change failure rate per bucket', () => {
  it('is a percentage, and empty (not 0%) where nothing was deployed', () => {
    const s = failureRateSeries(series);
    expect(s.labels).toEqual(['24 Aug 2026', '31 Aug', '7 Sept']);
    expect(s.percent).toEqual([10, null, 0]);
    expect(s.failed).toEqual([2, 0, 0]);
    expect(s.deployments).toEqual([20, 0, 8]);
    expect(failureRateChartData(s).datasets[0].data).toEqual([10, null, 0]);
    // A real 0% is drawn (a thin bar); no deployment is not.
    expect(failureRateChartData(s).datasets[0].minBarLength).toBeGreaterThan(0);
    expect(s.missing).toEqual([null, 'no deployments', null]);
  });

  it('tells no incident data from no deployment, and marks the weeks the range cuts short', () => {
    const noSource = {
      ...point('2026-08-24T00:00:00.000Z', { deployments: 5, failed: 0, restores: 0, ttr: null }),
      to: '2026-08-27T00:00:00.000Z',
    };
    noSource.changeFailureRate = { ...noSource.changeFailureRate, rate: null, services: 0, reason: 'no incident source' };
    const whole = {
      ...point('2026-08-31T00:00:00.000Z', { deployments: 4, failed: 1, restores: 0, ttr: null }),
      to: '2026-09-07T00:00:00.000Z',
    };
    const s = failureRateSeries({ bucket: 'week', points: [noSource, whole] });
    expect(s.missing).toEqual(['no incident data', null]);
    expect(s.partial).toEqual([true, false]);
    expect(failureRateChartData(s).datasets[0].backgroundColor).toEqual(['#a6c6e3', '#1d70b8']);
  });
});

describe('time to restore per bucket', () => {
  it('keeps the exact medians for the table and lifts zero to one second on the log axis', () => {
    const s = restoreTimeSeries(series);
    expect(s.p50).toEqual([1800, null, 0]);
    expect(s.incidents).toEqual([1, 0, 2]);
    const data = restoreTimeChartData(s);
    expect(data.datasets[0].data).toEqual([1800, null, 1]);
    expect(data.datasets[0].spanGaps).toBe(false);
  });
});

describe('log duration axis options', () => {
  it('spans the data on round durations and labels the ticks in words', () => {
    const options = logDurationOptions([1800, null, 5400], 'Time to restore (log scale)');
    const y = options.scales?.y as {
      type: string;
      min: number;
      max: number;
      title: { text: string };
      ticks: { callback: (v: number) => string };
    };
    expect(y.type).toBe('logarithmic');
    expect([y.min, y.max]).toEqual([30 * 60, 2 * 3600]);
    expect(y.title.text).toBe('Time to restore (log scale)');
    expect(y.ticks.callback(3600)).toBe('1 hour');
  });
});

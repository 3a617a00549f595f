import { describe, expect, it } from 'vitest';
import type { SeriesPoint, SeriesResponse } from '../../common/api';
import { bucketLabels, deploymentsChartData, hasAny, leadTimeChartData, leadTimeSeries } from '../../client/lib/series';

/** A series point with overridable figures. */
function point(from: string, over: { p50?: number | null; p85?: number | null; deployments?: number } = {}): SeriesPoint {
  const p50 = over.p50 === undefined ? 3600 : over.p50;
  const deployments = over.deployments ?? 3;
  return {
    from,
    to: from,
    deploymentFrequency: {
      count: deployments,
      perDay: deployments / 7,
      perWeek: deployments,
      deployDaysPerWeekMedian: null,
      deployDaysPerMonthMedian: null,
      band: null,
      bandReason: null,
    },
    leadTime: {
      count: p50 === null ? 0 : 4,
      excluded: 0,
      p50,
      p85: over.p85 === undefined ? (p50 === null ? null : p50 * 2) : over.p85,
      p95: null,
      band: null,
      bandReason: null,
    },
    changeFailureRate: {
      count: deployments,
      failed: 0,
      rate: deployments ? 0 : null,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    timeToRestore: { count: 0, p50: null, band: null, bandReason: null, services: 1, servicesInScope: 1, reason: null },
    failedDeploymentRecoveryTime: { count: 0, p50: null, band: null, bandReason: null, services: 1, servicesInScope: 1, reason: null },
    reworkRate: { count: deployments, rework: 0, rate: deployments ? 0 : null, services: 1, servicesInScope: 1, reason: null },
  };
}

const series = (points: SeriesPoint[], bucket: SeriesResponse['bucket'] = 'week') => ({ points, bucket });

describe('bucketLabels', () => {
  it('labels weeks by their Monday, with the year on the first', () => {
    expect(
      bucketLabels([{ from: '2026-08-24T15:31:05Z' }, { from: '2026-08-31T00:00:00Z' }, { from: '2026-09-07T00:00:00Z' }], 'week'),
    ).toEqual(['24 Aug 2026', '31 Aug', '7 Sept']);
  });

  it('gives every week its year when the range crosses years', () => {
    expect(
      bucketLabels([{ from: '2025-12-22T00:00:00Z' }, { from: '2025-12-29T00:00:00Z' }, { from: '2026-01-05T00:00:00Z' }], 'week'),
    ).toEqual(['22 Dec 2025', '29 Dec 2025', '5 Jan 2026']);
  });

  it('labels months with their year', () => {
    expect(bucketLabels([{ from: '2025-12-01T00:00:00Z' }, { from: '2026-01-01T00:00:00Z' }], 'month')).toEqual(['Dec 2025', 'Jan 2026']);
  });
});

describe('leadTimeSeries and leadTimeChartData', () => {
  const s = leadTimeSeries(
    series([
      point('2026-01-05T00:00:00Z', { p50: 5_000_000, p85: 9_000_000 }),
      point('2026-01-12T00:00:00Z', { p50: null }),
      point('2026-01-19T00:00:00Z', { p50: 0, p85: 0 }),
      point('2026-01-26T00:00:00Z', { p50: 6444, p85: 16108 }),
    ]),
  );

  it('keeps a gap (null, not 0) where a week had no change', () => {
    expect(s.p50).toEqual([5_000_000, null, 1, 6444]);
    expect(s.p85).toEqual([9_000_000, null, 1, 16108]);
    expect(s.labels).toHaveLength(4);
  });

  it('draws p50 solid and p85 dashed, without bridging gaps', () => {
    const data = leadTimeChartData(s);
    expect(data.labels).toEqual(s.labels);
    expect(data.datasets.map((d) => d.label)).toEqual(['p50 (median)', 'p85']);
    expect(data.datasets[0].data).toEqual([5_000_000, null, 1, 6444]);
    expect(data.datasets[0].borderDash).toBeUndefined();
    expect(data.datasets[1].borderDash).toEqual([6, 4]);
    expect(data.datasets.every((d) => d.spanGaps === false)).toBe(true);
  });

  it('thins the dots on long series', () => {
    const long = leadTimeSeries(series(Array.from({ length: 40 }, (_, i) => point(new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString()))));
    expect(leadTimeChartData(long).datasets[0].pointRadius).toBeLessThan(leadTimeChartData(s).datasets[0].pointRadius as number);
  });
});

describe('deploymentsChartData', () => {
  it('counts successful production deployments per bucket, zeros included', () => {
    const data = deploymentsChartData(
      series([point('2026-01-05T00:00:00Z', { deployments: 4 }), point('2026-01-12T00:00:00Z', { deployments: 0 })]),
    );
    expect(data.labels).toEqual(['5 Jan 2026', '12 Jan']);
    expect(data.datasets[0].data).toEqual([4, 0]);
  });
});

describe('hasAny', () => {
  it('is false for nothing but nulls and zeros', () => {
    expect(hasAny([null, 0, null])).toBe(false);
    expect(hasAny([null, 2])).toBe(true);
    expect(hasAny([])).toBe(false);
  });
});

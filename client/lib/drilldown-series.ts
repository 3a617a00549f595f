/**
 * Pure mappers for the two charts the delivery manager's drill-down adds to lead time and
 * deployments: change failure rate and time to restore, per bucket, null where a bucket has
 * nothing to measure (a rate of 0% and "no deployment" are different things).
 */
import type { ChartData, ChartOptions } from 'chart.js';
import type { SeriesResponse } from '../../common/api';
import { countFooter } from './chart-tooltip';
import { formatDuration } from './format';
import { formatDurationTick, logDurationScale } from './log-axis';
import { bucketLabels, CHART_COLOURS } from './series';

export interface FailureRateSeries {
  labels: string[];
  /** Percent 0..100, null where the bucket had no deployment or no incident data. */
  percent: (number | null)[];
  failed: number[];
  deployments: number[];
  /** Why a bucket has no rate: no incident source for its services, or no deployment. */
  missing: ('no incident data' | 'no deployments' | null)[];
  /** The range cuts the first or last bucket short: its rate rests on part of the bucket. */
  partial: boolean[];
}

const HOUR_MS = 3_600_000;
/** Shorter than any whole bucket (a week less a clock change; the shortest month less one). */
const WHOLE_MS = { day: 23 * HOUR_MS, week: 7 * 24 * HOUR_MS - 2 * HOUR_MS, month: 28 * 24 * HOUR_MS - 2 * HOUR_MS } as const;

/** Whether each point covers less than a whole bucket (the range's first and last may). */
export function partialBuckets(series: Pick<SeriesResponse, 'points' | 'bucket'>): boolean[] {
  return series.points.map((p) => Date.parse(p.to) - Date.parse(p.from) < WHOLE_MS[series.bucket]);
}

export function failureRateSeries(series: Pick<SeriesResponse, 'points' | 'bucket'>): FailureRateSeries {
  return {
    labels: bucketLabels(series.points, series.bucket),
    percent: series.points.map((p) => (p.changeFailureRate.rate === null ? null : p.changeFailureRate.rate * 100)),
    failed: series.points.map((p) => p.changeFailureRate.failed),
    deployments: series.points.map((p) => p.changeFailureRate.count),
    missing: series.points.map((p) =>
      p.changeFailureRate.reason ? 'no incident data' : p.changeFailureRate.rate === null ? 'no deployments' : null,
    ),
    partial: partialBuckets(series),
  };
}

/** Bars of the rate: a real 0% is a thin bar (nothing deployed is no bar), a partial bucket paler. */
export function failureRateChartData(s: FailureRateSeries): ChartData<'bar', (number | null)[], string> {
  return {
    labels: s.labels,
    datasets: [
      {
        label: 'Change fail rate',
        data: s.percent,
        borderRadius: 1,
        maxBarThickness: 28,
        minBarLength: 3,
        backgroundColor: s.partial.map((p) => (p ? CHART_COLOURS.partial : CHART_COLOURS.accent)),
      },
    ],
  };
}

export interface RestoreTimeSeries {
  labels: string[];
  /** Seconds, null where no incident was resolved in the bucket. */
  p50: (number | null)[];
  incidents: number[];
}

/** A log axis cannot place 0: an instant restore is drawn at one second. */
const onLogAxis = (v: number | null): number | null => (v === null ? null : Math.max(v, 1));

export function restoreTimeSeries(series: Pick<SeriesResponse, 'points' | 'bucket'>): RestoreTimeSeries {
  return {
    labels: bucketLabels(series.points, series.bucket),
    p50: series.points.map((p) => p.timeToRestore.p50),
    incidents: series.points.map((p) => p.timeToRestore.count),
  };
}

/** Incidents are few, so most buckets are empty: points carry the figures and the line joins only neighbours. */
export function restoreTimeChartData(s: RestoreTimeSeries): ChartData<'line', (number | null)[], string> {
  return {
    labels: s.labels,
    datasets: [
      {
        label: 'Time to restore, median',
        data: s.p50.map(onLogAxis),
        borderColor: CHART_COLOURS.accent,
        backgroundColor: CHART_COLOURS.accent,
        borderWidth: 2,
        pointRadius: 3.5,
        pointHoverRadius: 6,
        spanGaps: false,
        tension: 0,
      },
    ],
  };
}

/**
 * Options for a line on a logarithmic duration axis labelled in durations: the lead-time and
 * time-to-restore charts. `counted`: each bucket's count, said under the value in the tooltip.
 */
export function logDurationOptions(
  values: readonly (number | null)[],
  title: string,
  counted?: { counts: readonly number[]; noun: [string, string] },
): ChartOptions<'line'> {
  const axis = logDurationScale(values);
  return {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
      y: {
        type: 'logarithmic',
        min: axis.min,
        max: axis.max,
        title: { display: true, text: title },
        afterBuildTicks: (scale) => {
          scale.ticks = axis.ticks.map((value) => ({ value, major: false, label: '' }));
        },
        ticks: { callback: (value) => formatDurationTick(Number(value)), autoSkip: false },
      },
    },
    plugins: {
      tooltip: {
        callbacks: {
          label: (ctx) => `${ctx.dataset.label}: ${formatDuration(ctx.parsed.y)}`,
          ...(counted ? { footer: countFooter<'line'>(counted.counts, ...counted.noun) } : {}),
        },
      },
    },
  };
}

/** Pure mappers from the series API to chart.js data: one label per bucket, null where there is no data. */
import type { ChartData } from 'chart.js';
import type { SeriesPoint, SeriesResponse } from '../../common/api';

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * Bucket labels: weeks as "24 Aug", with the year on the first ("24 Aug 2026"); when the
 * buckets span more than one year every week carries it, since the axis skips labels.
 * Months read "Jan 2026".
 */
export function bucketLabels(points: readonly Pick<SeriesPoint, 'from'>[], bucket: SeriesResponse['bucket']): string[] {
  const times = points.map((p) => Date.parse(p.from));
  if (bucket === 'month') return times.map((t) => monthYear.format(t));
  const years = new Set(times.map((t) => new Date(t).getUTCFullYear()));
  return times.map((t, i) => {
    const label = dayMonth.format(t);
    return i === 0 || years.size > 1 ? `${label} ${new Date(t).getUTCFullYear()}` : label;
  });
}

/** Lead time p50 and p85 per bucket, in seconds, as drawn on the logarithmic axis. */
export interface LeadTimeSeries {
  labels: string[];
  p50: (number | null)[];
  p85: (number | null)[];
}

/** A log axis cannot place 0: a zero lead time is drawn at one second. */
const onLogAxis = (v: number | null): number | null => (v === null ? null : Math.max(v, 1));

export function leadTimeSeries(series: Pick<SeriesResponse, 'points' | 'bucket'>): LeadTimeSeries {
  return {
    labels: bucketLabels(series.points, series.bucket),
    p50: series.points.map((p) => onLogAxis(p.leadTime.p50)),
    p85: series.points.map((p) => onLogAxis(p.leadTime.p85)),
  };
}

export const CHART_COLOURS = { accent: '#1d70b8', partial: '#a6c6e3', secondary: '#505a5f', grid: '#d8dde0', text: '#0b0c0c' } as const;

/** The lead-time chart: p50 solid, p85 dashed, gaps where a bucket had no change. */
export function leadTimeChartData(s: LeadTimeSeries): ChartData<'line', (number | null)[], string> {
  // Dots help a short series; on a long one they crowd the line.
  const pointRadius = s.labels.length > 26 ? 1.5 : 2.5;
  return {
    labels: s.labels,
    datasets: [
      {
        label: 'p50 (median)',
        data: s.p50,
        borderColor: CHART_COLOURS.accent,
        backgroundColor: CHART_COLOURS.accent,
        borderWidth: 2.5,
        pointRadius,
        pointHoverRadius: 5,
        spanGaps: false,
        tension: 0,
      },
      {
        label: 'p85',
        data: s.p85,
        borderColor: CHART_COLOURS.secondary,
        backgroundColor: CHART_COLOURS.secondary,
        borderWidth: 1.5,
        borderDash: [6, 4],
        pointRadius: 0,
        spanGaps: false,
        tension: 0,
      },
    ],
  };
}

/** Successful production deployments per bucket. */
export function deploymentsChartData(series: Pick<SeriesResponse, 'points' | 'bucket'>): ChartData<'bar', number[], string> {
  return {
    labels: bucketLabels(series.points, series.bucket),
    datasets: [
      {
        label: 'Deployments',
        data: series.points.map((p) => p.deploymentFrequency.count),
        backgroundColor: CHART_COLOURS.accent,
        borderRadius: 1,
        maxBarThickness: 28,
      },
    ],
  };
}

/** Whether any bucket has a value worth drawing. */
export function hasAny(values: readonly (number | null)[]): boolean {
  return values.some((v) => v !== null && v > 0);
}

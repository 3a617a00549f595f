/**
 * Text summaries of charts and figures, for screen readers and for everyone who would rather
 * read a sentence than a line: what a series starts and ends at, its lowest and highest.
 */
import type { Baseline, MetricsResponse, TrendPoint } from '../../common/api';
import { describeSpeedup, formatDate, formatDuration, plural } from './format';
import { bucketLabels } from './series';

export interface SeriesToDescribe {
  /** "Median lead time per week". */
  what: string;
  labels: readonly string[];
  values: readonly (number | null)[];
  format: (value: number) => string;
  /** What a bucket is called in the sentence: "week", "month". */
  per: string;
}

/**
 * "Median lead time per week, 24 Aug 2026 to 16 Nov 2026: 1.9 hours in the first week with
 * data (24 Aug 2026) and 1.5 hours in the last (16 Nov 2026); lowest 1.4 hours (12 Oct),
 * highest 2.1 hours (7 Sept)."
 */
export function describeSeries({ what, labels, values, format, per }: SeriesToDescribe): string {
  if (labels.length === 0) return `${what}: no ${per}s in this range.`;
  const span = labels.length === 1 ? labels[0] : `${labels[0]} to ${labels[labels.length - 1]}`;
  const known = values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [{ v, label: labels[i] }]));
  if (known.length === 0) return `${what}, ${span}: no data in any ${per}.`;
  if (known.length === 1) return `${what}, ${span}: only ${known[0].label} has data, ${format(known[0].v)}.`;
  const first = known[0];
  const last = known[known.length - 1];
  let low = first;
  let high = first;
  for (const k of known) {
    if (k.v < low.v) low = k;
    if (k.v > high.v) high = k;
  }
  const gaps = known.length < labels.length ? ` ${labels.length - known.length} of ${labels.length} ${per}s have no data.` : '';
  return (
    `${what}, ${span}: ${format(first.v)} in the first ${per} with data (${first.label}) and ${format(last.v)} in the last (${last.label}); ` +
    `lowest ${format(low.v)} (${low.label}), highest ${format(high.v)} (${high.label}).${gaps}`
  );
}

/** The sparkline's text alternative: the department's lead time over the trend's months. */
export function describeTrend(points: readonly TrendPoint[]): string {
  return describeSeries({
    what: 'Median lead time by month',
    labels: bucketLabels(points, 'month'),
    values: points.map((p) => p.leadTimeP50),
    format: formatDuration,
    per: 'month',
  });
}

/** Whether both sides have a lead time but one rests on fewer than the 10 changes a speed-up needs. */
export function tooFewToCompare(m: MetricsResponse): boolean {
  return m.speedup === null && m.baseline?.leadTimeP50 != null && m.now.leadTimeP50 !== null && (m.baseline.count < 10 || m.now.count < 10);
}

/** "Baseline: 25 Feb 2026 to 26 May 2026 (the first 90 days of data), 5 changes; 201 changes shipped by a service's first deployment left out." */
export function baselineNote(b: Baseline): string {
  const which = b.configured ? 'configured' : 'the first 90 days of data';
  const leftOut =
    b.leftOut > 0
      ? `; ${plural(b.leftOut, 'change')} shipped by a service's first deployment left out (they carry the history from before tracking began)`
      : '';
  return `Baseline: ${formatDate(b.from)} to ${formatDate(b.to)} (${which}), ${plural(b.count, 'change')}${leftOut}.`;
}

/** The summary's headline, under "Across the organisation": "Median lead time went from 1.5 months at baseline to 1.8 hours: 785× faster." */
export function headlineSentence(org: MetricsResponse): string {
  const moved = describeSpeedup(org.baseline?.leadTimeP50 ?? null, org.now.leadTimeP50, org.speedup);
  if (moved) return `Median lead time went ${moved}.`;
  if (tooFewToCompare(org))
    return `Median lead time is ${formatDuration(org.now.leadTimeP50)}; too few changes to compare with the baseline.`;
  if (org.now.leadTimeP50 !== null)
    return `Median lead time is ${formatDuration(org.now.leadTimeP50)}; there is no baseline to compare it with yet.`;
  return 'No change has reached production in the last 90 days.';
}
/** "Sorted by lead time, from lowest to highest." */
export function describeSort(column: string, direction: 'ascending' | 'descending', textual: boolean): string {
  const order = textual
    ? direction === 'ascending'
      ? 'A to Z'
      : 'Z to A'
    : direction === 'ascending'
      ? 'from lowest to highest'
      : 'from highest to lowest';
  return `Sorted by ${column.toLowerCase()}, ${order}.`;
}

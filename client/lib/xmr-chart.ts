/**
 * Pure mappers from the XmR (process behaviour) figures of weekly lead time to chart data:
 * the individual values with the centre line and the natural process limits, the moving
 * ranges with their upper limit, and the signals marked by point style and a label.
 */
import type { ChartData } from 'chart.js';
import type { Xmr, XmrSignal } from '../../common/api';
import { formatDuration, NO_DATA } from './format';
import { CHART_COLOURS } from './series';
import { DAY, HOUR, MINUTE, MONTH, WEEK, YEAR } from './format';

/** How a point is marked: no signal, outside the limits (above or below), or part of a run of 8. */
export type PointMark = 'none' | 'above' | 'below' | 'run';

export const SIGNAL_COLOUR = '#d4351c';
export const LIMIT_COLOUR = '#d4351c';
export const CENTRE_COLOUR = '#0b0c0c';

/** The mark of every value: outside the limits wins over a run, since it is the stronger signal. */
export function pointMarks(xmr: Pick<Xmr, 'values' | 'centre' | 'signals'>): PointMark[] {
  const marks: PointMark[] = xmr.values.map(() => 'none');
  for (const s of xmr.signals) {
    const v = xmr.values[s.index];
    if (v === null || v === undefined) continue;
    if (s.rule === 'outside-limits') marks[s.index] = xmr.centre !== null && v < xmr.centre ? 'below' : 'above';
    else if (marks[s.index] === 'none') marks[s.index] = 'run';
  }
  return marks;
}

const LABELS: Record<PointMark, string | null> = { none: null, above: 'limit', below: 'limit', run: 'run' };

/** The label drawn by a point: only on the first of a stretch of the same kind of signal, so labels do not pile up. */
export function signalLabels(marks: readonly PointMark[]): (string | null)[] {
  return marks.map((m, i) => {
    const label = LABELS[m];
    return label !== null && (i === 0 || LABELS[marks[i - 1]] !== label) ? label : null;
  });
}

/** The explanations of the signals at each index, one line each. */
export function signalExplanations(xmr: Pick<Xmr, 'values' | 'signals'>): string[][] {
  const out: string[][] = xmr.values.map(() => []);
  for (const s of xmr.signals) if (out[s.index]) out[s.index].push(s.explanation);
  return out;
}

const constant = (n: number, v: number | null) => Array.from({ length: n }, () => v);

export interface XmrCharts {
  individuals: ChartData<'line', (number | null)[], string>;
  movingRange: ChartData<'line', (number | null)[], string>;
  marks: PointMark[];
  labels: (string | null)[];
  /** Whether the lower limit was left out because it is below zero, where no lead time can be. */
  lowerBelowZero: boolean;
}

/** Both charts' datasets; the value dataset is always the first, and carries the point styles. */
export function xmrChartData(xmr: Xmr, labels: string[]): XmrCharts {
  const n = xmr.values.length;
  const marks = pointMarks(xmr);
  const signalled = (m: PointMark) => m !== 'none';
  const lowerBelowZero = xmr.lowerLimit !== null && xmr.lowerLimit < 0;
  const individuals: ChartData<'line', (number | null)[], string> = {
    labels,
    datasets: [
      {
        label: 'Lead time p50',
        data: xmr.values,
        borderColor: CHART_COLOURS.accent,
        borderWidth: 2,
        tension: 0,
        spanGaps: false,
        pointStyle: marks.map((m) => (m === 'run' ? 'rectRot' : signalled(m) ? 'triangle' : 'circle')),
        pointRotation: marks.map((m) => (m === 'below' ? 180 : 0)),
        pointRadius: marks.map((m) => (signalled(m) ? 6 : n > 26 ? 2 : 3)),
        pointHoverRadius: marks.map((m) => (signalled(m) ? 8 : 5)),
        pointBackgroundColor: marks.map((m) => (signalled(m) ? SIGNAL_COLOUR : CHART_COLOURS.accent)),
        pointBorderColor: marks.map((m) => (signalled(m) ? '#ffffff' : CHART_COLOURS.accent)),
        pointBorderWidth: marks.map((m) => (signalled(m) ? 1 : 0)),
      },
      {
        label: 'Centre line (mean)',
        data: constant(n, xmr.centre),
        borderColor: CENTRE_COLOUR,
        borderWidth: 1.5,
        pointRadius: 0,
        pointHoverRadius: 0,
      },
      {
        label: 'Upper natural process limit',
        data: constant(n, xmr.upperLimit),
        borderColor: LIMIT_COLOUR,
        borderWidth: 1.5,
        borderDash: [6, 4],
        pointRadius: 0,
        pointHoverRadius: 0,
      },
      ...(xmr.lowerLimit === null || lowerBelowZero
        ? []
        : [
            {
              label: 'Lower natural process limit',
              data: constant(n, xmr.lowerLimit),
              borderColor: LIMIT_COLOUR,
              borderWidth: 1.5,
              borderDash: [6, 4],
              pointRadius: 0,
              pointHoverRadius: 0,
            },
          ]),
    ],
  };
  const movingRange: ChartData<'line', (number | null)[], string> = {
    labels,
    datasets: [
      {
        label: 'Moving range',
        data: xmr.movingRanges,
        borderColor: CHART_COLOURS.secondary,
        borderWidth: 1.5,
        tension: 0,
        spanGaps: false,
        pointRadius: n > 26 ? 1.5 : 2.5,
        pointBackgroundColor: CHART_COLOURS.secondary,
      },
      {
        label: 'Mean moving range',
        data: constant(n, xmr.movingRangeMean),
        borderColor: CENTRE_COLOUR,
        borderWidth: 1.5,
        pointRadius: 0,
        pointHoverRadius: 0,
      },
      {
        label: 'Upper range limit',
        data: constant(n, xmr.movingRangeUpperLimit),
        borderColor: LIMIT_COLOUR,
        borderWidth: 1.5,
        borderDash: [6, 4],
        pointRadius: 0,
        pointHoverRadius: 0,
      },
    ],
  };
  return { individuals, movingRange, marks, labels: signalLabels(marks), lowerBelowZero };
}

/** The figures table: every bucket's value, moving range and the explanation of any signal. */
export function xmrTableColumns(xmr: Xmr): { name: string; values: string[] }[] {
  const explanations = signalExplanations(xmr);
  return [
    { name: 'Lead time p50', values: xmr.values.map(formatDuration) },
    { name: 'Moving range', values: xmr.movingRanges.map((v) => (v === null ? NO_DATA : formatDuration(v))) },
    { name: 'Signal', values: explanations.map((e) => (e.length === 0 ? '' : e.join(' '))) },
  ];
}

/** Steps a linear duration axis may take: round durations people know. */
const STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  WEEK,
  2 * WEEK,
  MONTH,
  2 * MONTH,
  3 * MONTH,
  6 * MONTH,
  YEAR,
];

/** A round step for a linear axis from 0 to `max` seconds with at most `maxTicks` steps. */
export function durationStep(max: number, maxTicks = 6): number {
  if (!(max > 0)) return HOUR;
  return STEPS.find((s) => max / s <= maxTicks) ?? Math.ceil(max / maxTicks / YEAR) * YEAR;
}

/** A linear duration axis from 0 that ends on a round step at or above `max`, with its ticks. */
export function durationAxis(max: number, maxTicks = 6): { max: number; step: number; ticks: number[] } {
  const step = durationStep(max, maxTicks);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { max: top, step, ticks: Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step) };
}

const STEP_UNITS: readonly [number, string, string][] = [
  [YEAR, 'year', 'years'],
  [MONTH, 'month', 'months'],
  [WEEK, 'week', 'weeks'],
  [DAY, 'day', 'days'],
  [HOUR, 'hour', 'hours'],
  [MINUTE, 'min', 'min'],
];

/** A tick of a linear duration axis in the unit its step is a whole number of: "2 weeks", "4 weeks", "6 weeks", never "1.4 months". */
export function formatAxisDuration(value: number, step: number): string {
  if (value === 0) return '0';
  const [size, one, many] = STEP_UNITS.find(([u]) => step % u === 0 && value % u === 0) ?? [1, 's', 's'];
  const n = value / size;
  return `${n} ${n === 1 ? one : many}`;
}

/** The signals in words for a list: "24 Aug 2026: Above the upper natural process limit…". */
export function signalList(signals: readonly XmrSignal[], labels: readonly string[]): string[] {
  return signals.map((s) => `${labels[s.index] ?? `#${s.index + 1}`}: ${s.explanation}`);
}

/** The signals in one sentence: "3 weeks outside the limits; 12 weeks in a run of 8 or more on one side of the centre line." */
export function signalSummary(signals: readonly XmrSignal[], bucket: string): string {
  const outside = new Set(signals.filter((s) => s.rule === 'outside-limits').map((s) => s.index)).size;
  const run = new Set(signals.filter((s) => s.rule === 'run-of-8').map((s) => s.index)).size;
  if (outside === 0 && run === 0) return 'No signal: the variation is what this process produces by itself (common cause).';
  const n = (k: number) => `${k} ${bucket}${k === 1 ? '' : 's'}`;
  const parts = [
    outside > 0 ? `${n(outside)} outside the limits` : '',
    run > 0 ? `${n(run)} in a run of 8 or more on one side of the centre line` : '',
  ].filter(Boolean);
  return `${parts.join('; ')}: something special (not chance) moved the process there.`;
}

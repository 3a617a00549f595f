/**
 * Pure mappers from the loops API to the loop-by-loop bar charts: lead time p50 (drawn on a
 * log axis) and deployments per week, one bar per loop, with the loop's planned target as a
 * marker on its bar where the plan aims at that metric.
 */
import type { ChartData } from 'chart.js';
import type { LoopItem, LoopMetric } from '../../common/api';
import { CHART_COLOURS } from './series';

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const DAY_MS = 86_400_000;

/** The loops worth showing: cadence loops that have not started yet are left out; a recorded loop planned ahead stays. */
export function visibleLoops(items: readonly LoopItem[], now: number): LoopItem[] {
  return items.filter((l) => !l.derived || Date.parse(l.from) <= now);
}

/** "2 Mar – 15 Mar 2026": a loop's days, its last day included (the API's `to` is exclusive). */
export function loopDates(loop: Pick<LoopItem, 'from' | 'to'>): string {
  const from = Date.parse(loop.from);
  const last = Date.parse(loop.to) - 1;
  const sameYear = new Date(from).getUTCFullYear() === new Date(last).getUTCFullYear();
  return `${(sameYear ? dayMonth : dayMonthYear).format(from)} – ${dayMonthYear.format(last)}`;
}

/** The loop's last day, as `YYYY-MM-DD`. */
export function lastDay(loop: Pick<LoopItem, 'to'>): string {
  return new Date(Date.parse(loop.to) - 1).toISOString().slice(0, 10);
}

/** Axis labels: each loop's first day ("2 Mar"), with the year where it changes. */
export function loopLabels(loops: readonly Pick<LoopItem, 'from'>[]): string[] {
  let year: number | null = null;
  return loops.map((l) => {
    const t = Date.parse(l.from);
    const y = new Date(t).getUTCFullYear();
    const label = y !== year ? dayMonthYear.format(t) : dayMonth.format(t);
    year = y;
    return label;
  });
}

/** The figure a loop's plan aims at, for the metrics the bars show; null where there is no data. */
export function loopFigure(loop: Pick<LoopItem, 'metrics'>, metric: 'leadTime' | 'deploymentFrequency'): number | null {
  if (metric === 'leadTime') return loop.metrics.leadTime.p50;
  return loop.metrics.deploymentFrequency.perWeek;
}

/** The planned target of each loop for `metric` (canonical units), null where the plan aims elsewhere or there is none. */
export function loopTargets(loops: readonly Pick<LoopItem, 'plan'>[], metric: LoopMetric): (number | null)[] {
  return loops.map((l) => (l.plan && l.plan.metric === metric ? l.plan.target : null));
}

export interface LoopBars {
  labels: string[];
  values: (number | null)[];
  targets: (number | null)[];
}

/** Lead time p50 per loop, in seconds (0 drawn at one second, as a log axis cannot place it). */
export function leadTimeBars(loops: readonly LoopItem[]): LoopBars {
  return {
    labels: loopLabels(loops),
    values: loops.map((l) => (l.metrics.leadTime.p50 === null ? null : Math.max(l.metrics.leadTime.p50, 1))),
    targets: loopTargets(loops, 'leadTime'),
  };
}

/** Successful production deployments per week in each loop. */
export function deploymentBars(loops: readonly LoopItem[]): LoopBars {
  return {
    labels: loopLabels(loops),
    values: loops.map((l) => l.metrics.deploymentFrequency.perWeek),
    targets: loopTargets(loops, 'deploymentFrequency'),
  };
}

export const TARGET_COLOUR = '#0b0c0c';
const SELECTED_COLOUR = '#003078';
const BAR_COLOUR = CHART_COLOURS.accent;

/**
 * Bars and, when any loop has a target for the metric, a second dataset of targets (no line
 * between loops; `targetMarkersPlugin` draws each as a dashed line across its bar).
 * The selected loop's bar is darker and outlined.
 */
export function loopBarChartData(bars: LoopBars, valueLabel: string, selected = -1): ChartData<'bar' | 'line', (number | null)[], string> {
  const colours = bars.values.map((_, i) => (i === selected ? SELECTED_COLOUR : BAR_COLOUR));
  const datasets: ChartData<'bar' | 'line', (number | null)[], string>['datasets'] = [
    {
      type: 'bar',
      label: valueLabel,
      data: bars.values,
      backgroundColor: colours,
      borderColor: bars.values.map((_, i) => (i === selected ? TARGET_COLOUR : BAR_COLOUR)),
      borderWidth: bars.values.map((_, i) => (i === selected ? 2 : 0)),
      maxBarThickness: 44,
      order: 2,
    },
  ];
  if (bars.targets.some((t) => t !== null)) {
    datasets.push({
      type: 'line',
      label: 'Target',
      data: bars.targets,
      showLine: false,
      order: 1,
      // Drawn by the target-markers plugin as a dashed line across the bar; the points stay for the tooltip.
      pointStyle: 'line',
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 18,
      borderColor: TARGET_COLOUR,
      backgroundColor: TARGET_COLOUR,
    });
  }
  return { labels: bars.labels, datasets };
}

/** Days from one loop's start to the next, for defaults: the loops' own length, else 14. */
export function loopLengthDays(loop: Pick<LoopItem, 'from' | 'to'> | undefined): number {
  if (!loop) return 14;
  return Math.max(1, Math.round((Date.parse(loop.to) - Date.parse(loop.from)) / DAY_MS));
}

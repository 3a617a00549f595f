/**
 * A loop against the previous loop and the baseline, metric by metric, with the direction of
 * change in words (colour is only a second signal).
 */
import type { FiveMetrics, LoopItem, LoopMetric } from '../../common/api';
import { formatDuration, formatFactor, formatPercent, formatRate, NO_DATA } from './format';
import { metricValue } from '../../common/loop-metrics';

export type Better = 'better' | 'worse' | 'same' | null;
export interface Direction {
  words: string;
  better: Better;
}
export interface ComparisonRow {
  metric: LoopMetric;
  label: string;
  current: string;
  previous: string;
  baseline: string;
  /** This loop against the previous one. */
  change: Direction;
}

interface MetricInfo {
  label: string;
  kind: 'duration' | 'frequency' | 'rate';
  lower: string;
  higher: string;
}

/** Words for a move down and a move up (`{n}`: how much); lower is better except for deployment frequency. */
export const METRIC_INFO: Record<LoopMetric, MetricInfo> = {
  leadTime: { label: 'Change lead time (median)', kind: 'duration', lower: '{n} faster', higher: '{n} slower' },
  deploymentFrequency: { label: 'Deployments per week', kind: 'frequency', lower: '{n} less often', higher: '{n} more often' },
  changeFailureRate: { label: 'Change fail rate', kind: 'rate', lower: 'fewer failures ({n})', higher: 'more failures ({n})' },
  timeToRestore: { label: 'Time to restore (median)', kind: 'duration', lower: 'restored {n} faster', higher: 'restored {n} slower' },
  reworkRate: { label: 'Deployment rework rate', kind: 'rate', lower: 'less rework ({n})', higher: 'more rework ({n})' },
};

export const METRIC_ORDER: readonly LoopMetric[] = ['leadTime', 'deploymentFrequency', 'changeFailureRate', 'timeToRestore', 'reworkRate'];

export { metricValue };

/** A figure in the metric's own words: "6.4 hours", "12 a week", "8.3%". */
export function formatMetric(metric: LoopMetric, value: number | null): string {
  if (value === null) return NO_DATA;
  const kind = METRIC_INFO[metric].kind;
  if (kind === 'duration') return formatDuration(value);
  if (kind === 'frequency') return `${formatRate(value)} a week`;
  return formatPercent(value);
}

/** Within 5% (durations, frequencies) or one percentage point (rates) counts as about the same. */
const SAME_RATIO = 1.05;
const SAME_POINTS = 0.01;

/** How `current` moved from `previous`, in words: "3.2× faster", "more failures (+4.1 points)", "about the same". */
export function describeChange(metric: LoopMetric, previous: number | null, current: number | null): Direction {
  if (previous === null || current === null) return { words: 'no comparison (no data in one of the loops)', better: null };
  const info = METRIC_INFO[metric];
  const lowerIsBetter = metric !== 'deploymentFrequency';
  let same: boolean;
  let size: string;
  if (info.kind === 'rate') {
    same = Math.abs(current - previous) < SAME_POINTS;
    size = `${current > previous ? '+' : '−'}${formatPercent(Math.abs(current - previous)).replace('%', '')} points`;
  } else if (previous <= 0 || current <= 0) {
    same = previous === current;
    size = '';
  } else {
    const ratio = current > previous ? current / previous : previous / current;
    same = ratio < SAME_RATIO;
    size = formatFactor(ratio);
  }
  if (same) return { words: 'about the same', better: 'same' };
  const down = current < previous;
  const word = down ? info.lower : info.higher;
  const better: Better = down === lowerIsBetter ? 'better' : 'worse';
  const words = size ? word.replace('{n}', size) : word.replace(/ ?\(?\{n\}\)? ?/, ' ').trim();
  return { words, better };
}

/** The rows of the comparison table: this loop, the previous loop and the baseline (lead time only has one). */
export function comparisonRows(loop: Pick<LoopItem, 'metrics' | 'baseline'>, previous: Pick<LoopItem, 'metrics'> | null): ComparisonRow[] {
  return METRIC_ORDER.map((metric) => {
    const current = metricValue(loop.metrics, metric);
    const before = previous ? metricValue(previous.metrics, metric) : null;
    const baseline = metric === 'leadTime' ? (loop.baseline?.leadTimeP50 ?? null) : null;
    return {
      metric,
      label: METRIC_INFO[metric].label,
      current: formatMetric(metric, current),
      previous: previous ? formatMetric(metric, before) : NO_DATA,
      baseline: metric === 'leadTime' ? formatMetric(metric, baseline) : NO_DATA,
      change: previous ? describeChange(metric, before, current) : { words: 'no previous loop', better: null },
    };
  });
}

/** The lead time against the baseline: "786× faster than the baseline". */
export function describeBaseline(loop: Pick<LoopItem, 'metrics' | 'baseline'>): string {
  const base = loop.baseline?.leadTimeP50 ?? null;
  const now = loop.metrics.leadTime.p50;
  if (base === null || now === null) return 'no comparison with the baseline (no data)';
  const d = describeChange('leadTime', base, now);
  return d.better === 'same' ? 'about the same as the baseline' : `${d.words} than the baseline`;
}

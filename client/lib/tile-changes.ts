/**
 * The headline tiles' figures in words, and which of them moved when live events refreshed the
 * page: the tiles to mark for a few seconds and the sentence said to screen readers.
 */
import type { MetricsResponse } from '../../common/api';
import { formatDuration, formatPercent, formatRate, plural } from './format';

export type TileId =
  'lead-time' | 'deployment-frequency' | 'failed-deployment-recovery-time' | 'change-failure-rate' | 'rework-rate' | 'time-to-restore';

/** One tile's figure: its value as shown (null: no data), its unit, and the count it rests on. */
export interface TileFigure {
  id: TileId;
  title: string;
  value: string | null;
  unit: string | null;
  count: number;
  noun: [string, string];
}

const DEPLOYMENTS: [string, string] = ['deployment', 'deployments'];
const INCIDENTS: [string, string] = ['incident', 'incidents'];

/** The tiles' figures, in the order of the page. */
export function tileFigures(m: MetricsResponse): Record<TileId, TileFigure> {
  const {
    deploymentFrequency: df,
    leadTime: lt,
    changeFailureRate: cfr,
    timeToRestore: ttr,
    failedDeploymentRecoveryTime: fdrt,
    reworkRate: rw,
  } = m;
  const duration = (v: number | null) => (v === null ? null : formatDuration(v));
  const percent = (v: number | null) => (v === null ? null : formatPercent(v));
  return {
    'lead-time': {
      id: 'lead-time',
      title: 'Change lead time',
      value: duration(lt.p50),
      unit: 'median',
      count: lt.count,
      noun: ['change', 'changes'],
    },
    'deployment-frequency': {
      id: 'deployment-frequency',
      title: 'Deployment frequency',
      value: df.count > 0 ? formatRate(df.perWeek) : null,
      unit: 'per week',
      count: df.count,
      noun: DEPLOYMENTS,
    },
    'failed-deployment-recovery-time': {
      id: 'failed-deployment-recovery-time',
      title: 'Failed deployment recovery time',
      value: duration(fdrt.p50),
      unit: 'median',
      count: fdrt.count,
      noun: INCIDENTS,
    },
    'change-failure-rate': {
      id: 'change-failure-rate',
      title: 'Change fail rate',
      value: percent(cfr.rate),
      unit: null,
      count: cfr.count,
      noun: DEPLOYMENTS,
    },
    'rework-rate': {
      id: 'rework-rate',
      title: 'Deployment rework rate',
      value: percent(rw.rate),
      unit: null,
      count: rw.count,
      noun: DEPLOYMENTS,
    },
    'time-to-restore': {
      id: 'time-to-restore',
      title: 'Time to restore',
      value: duration(ttr.p50),
      unit: 'median',
      count: ttr.count,
      noun: INCIDENTS,
    },
  };
}

/** The executive summary's headline figures: lead time of the last 90 days, then as the tiles. */
export function headlineFigures(m: MetricsResponse): Partial<Record<TileId, TileFigure>> {
  const t = tileFigures(m);
  return {
    'lead-time': {
      ...t['lead-time'],
      title: 'Change lead time, last 90 days',
      value: m.now.leadTimeP50 === null ? null : formatDuration(m.now.leadTimeP50),
      count: m.now.count,
    },
    'deployment-frequency': t['deployment-frequency'],
    'change-failure-rate': t['change-failure-rate'],
    'time-to-restore': t['time-to-restore'],
  };
}

/** What a page shows of the metrics, by tile: {@link tileFigures} or {@link headlineFigures}. */
export type FiguresOf = (m: MetricsResponse) => Partial<Record<TileId, TileFigure>>;

/** The tiles whose value or count differs between two readings of the same scope and range. */
export function changedTiles(before: MetricsResponse, after: MetricsResponse, figuresOf: FiguresOf = tileFigures): TileFigure[] {
  const a = figuresOf(before),
    b = figuresOf(after);
  return Object.values(b).filter((f): f is TileFigure => f !== undefined && (a[f.id]?.value !== f.value || a[f.id]?.count !== f.count));
}

/** "Updated: deployment frequency now 3.2 per week, from 12 deployments." */
export function describeTileChanges(changed: readonly TileFigure[]): string {
  if (changed.length === 0) return '';
  const parts = changed.map(
    (t) =>
      `${t.title.toLowerCase()} now ${t.value === null ? 'no data' : `${t.value}${t.unit ? ` ${t.unit}` : ''}`}, from ${plural(t.count, ...t.noun)}`,
  );
  return `Updated: ${parts.join('; ')}.`;
}

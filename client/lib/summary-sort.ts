/**
 * Sorting the tables of figures (departments on the summary, children on a scope page) by any
 * column. Rows without a value always go last, whichever the direction, and ties keep the
 * alphabetical order of names: the order is a way to read the table, never a ranking.
 */
import type { Band, BandCounts, ChildRow, MetricsResponse, SummaryRow, TrendPoint } from '../../common/api';
import { bandScore } from './summary-bands';

export type SortDirection = 'ascending' | 'descending';
export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}
export type SortValue = string | number | null;

const collator = new Intl.Collator('en-GB', { sensitivity: 'base', numeric: true });

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  return Number(a) - Number(b);
}

const missing = (v: SortValue) => v === null || (typeof v === 'number' && !Number.isFinite(v));

/** A new array of the rows in the order asked for; the input is left alone. */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  value: (row: T, key: K) => SortValue,
  name: (row: T) => string,
): T[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((x, y) => {
    const a = value(x, sort.key);
    const b = value(y, sort.key);
    if (missing(a) !== missing(b)) return missing(a) ? 1 : -1;
    const byValue = missing(a) ? 0 : sign * compareValues(a, b);
    return byValue !== 0 ? byValue : collator.compare(name(x), name(y));
  });
}

/** The sort after a click on a column: the same column flips, another starts ascending. */
export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key !== key) return { key, direction: 'ascending' };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** The `aria-sort` of a column header: only the sorted column carries one. */
export function ariaSort<K extends string>(sort: SortState<K>, key: K): SortDirection | undefined {
  return sort.key === key ? sort.direction : undefined;
}

const BAND_RANK: Record<Band, number> = { low: 1, medium: 2, high: 3, elite: 4 };

/** low 1 … elite 4, so ascending reads from low to elite. */
export function bandRank(band: Band | null): number | null {
  return band === null ? null : BAND_RANK[band];
}

/** The columns that hold figures, common to the summary and the children tables. */
export type MetricSortKey =
  'leadTime' | 'nowLeadTime' | 'deploymentsPerWeek' | 'changeFailureRate' | 'timeToRestore' | 'band' | 'bands' | 'speedup' | 'benchmark';

/** The value a metric column sorts by; null where the figure has no data. */
export function metricSortValue(m: MetricsResponse, key: MetricSortKey): SortValue {
  switch (key) {
    case 'leadTime':
      return m.leadTime.p50;
    case 'deploymentsPerWeek':
      return m.deploymentFrequency.count > 0 ? m.deploymentFrequency.perWeek : null;
    case 'changeFailureRate':
      return m.changeFailureRate.rate;
    case 'timeToRestore':
      return m.timeToRestore.p50;
    case 'band':
      return bandRank(m.band);
    case 'bands':
      return m.bands ? bandScore(m.bands as BandCounts) : null;
    case 'speedup':
      return m.speedup;
    case 'nowLeadTime':
      return m.now.leadTimeP50;
    case 'benchmark':
      return m.benchmark.average.aheadOf.government;
  }
}

/**
 * How lead time moved over a trend: the last month with data over the first one, so below 1
 * means faster. Null with fewer than two months of data.
 */
export function trendChange(points: readonly TrendPoint[]): number | null {
  const values = points.map((p) => p.leadTimeP50).filter((v): v is number => v !== null && v > 0);
  if (values.length < 2) return null;
  return values[values.length - 1] / values[0];
}

export type SummarySortKey = 'name' | 'trend' | MetricSortKey;

/** The value a column of the executive summary sorts by. */
export function summarySortValue(row: SummaryRow, key: SummarySortKey): SortValue {
  if (key === 'name') return row.department.name;
  if (key === 'trend') return trendChange(row.trend);
  return metricSortValue(row.metrics, key);
}

export type ChildSortKey = 'name' | 'services' | MetricSortKey;

/** The value a column of a scope's children table (its departments, teams or services) sorts by. */
export function childSortValue(row: ChildRow, key: ChildSortKey): SortValue {
  if (key === 'name') return row.name;
  if (key === 'services') return row.services;
  return metricSortValue(row.metrics, key);
}

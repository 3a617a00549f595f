import { describe, expect, it } from 'vitest';
import type { BandCounts, ChildRow, MetricsResponse, SummaryRow, TrendPoint } from '../../common/api';
import { emptyBenchmark } from '../helpers/benchmark';
import {
  ariaSort,
  bandRank,
  childSortValue,
  nextSort,
  sortRows,
  summarySortValue,
  trendChange,
  type SummarySortKey,
} from '../../client/lib/summary-sort';

const NO_BANDS: BandCounts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };

/** Metrics with only what the sort reads; overrides per test. */
function metrics(o: {
  p50?: number | null;
  perWeek?: number;
  deployments?: number;
  cfr?: number | null;
  ttr?: number | null;
  speedup?: number | null;
  band?: MetricsResponse['band'];
  bands?: BandCounts;
}): MetricsResponse {
  const deployments = o.deployments ?? 10;
  return {
    scope: 'department:x',
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-04-01T00:00:00.000Z',
    deploymentFrequency: {
      count: deployments,
      perDay: (o.perWeek ?? 1) / 7,
      perWeek: o.perWeek ?? 1,
      deployDaysPerWeekMedian: 1,
      deployDaysPerMonthMedian: 4,
      band: 'high',
      bandReason: null,
    },
    leadTime: { count: 5, excluded: 0, p50: o.p50 === undefined ? 3600 : o.p50, p85: null, p95: null, band: 'elite', bandReason: null },
    changeFailureRate: {
      count: deployments,
      failed: 0,
      rate: o.cfr === undefined ? 0.1 : o.cfr,
      band: 'high',
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    timeToRestore: {
      count: 1,
      p50: o.ttr === undefined ? 600 : o.ttr,
      band: 'elite',
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    failedDeploymentRecoveryTime: {
      count: 1,
      p50: o.ttr === undefined ? 600 : o.ttr,
      band: 'elite',
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    reworkRate: { count: deployments, rework: 0, rate: 0, services: 1, servicesInScope: 1, reason: null },
    stages: { count: 0, plan: null, do: null, check: null, act: null, loop: null },
    now: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', leadTimeP50: o.p50 === undefined ? 3600 : o.p50, count: 5 },
    benchmark: emptyBenchmark(),
    lastDataAt: null,
    baseline: null,
    speedup: o.speedup === undefined ? 2 : o.speedup,
    band: o.band === undefined ? 'high' : o.band,
    bands: o.bands ?? NO_BANDS,
  };
}

const trend = (...values: (number | null)[]): TrendPoint[] =>
  values.map((v, i) => ({
    from: `2026-${String(i + 1).padStart(2, '0')}-01T00:00:00.000Z`,
    to: `2026-${String(i + 2).padStart(2, '0')}-01T00:00:00.000Z`,
    leadTimeP50: v,
    deploymentsPerWeek: 1,
  }));

const row = (name: string, m: MetricsResponse, t: TrendPoint[] = []): SummaryRow => ({
  department: { id: name.toLowerCase(), name },
  services: 3,
  metrics: m,
  trend: t,
  sinceBaseline: t,
});

const rows = [
  row('Transport', metrics({ p50: 7200, perWeek: 80, cfr: 0.05, ttr: null, speedup: 900 }), trend(1000, 100)),
  row('Health', metrics({ p50: 3600, perWeek: 90, cfr: 0.07, ttr: 1500, speedup: 650 }), trend(1000, 500)),
  row('revenue', metrics({ p50: null, perWeek: 0, deployments: 0, cfr: null, ttr: 1800, speedup: null }), trend(null, 800)),
  row('Archives', metrics({ p50: 3600, perWeek: 50, cfr: 0.07, ttr: 900, speedup: 10 }), trend(50, 100)),
];
const names = (sorted: SummaryRow[]) => sorted.map((r) => r.department.name);
const sortBy = (key: SummarySortKey, direction: 'ascending' | 'descending' = 'ascending') =>
  names(sortRows(rows, { key, direction }, summarySortValue, (r) => r.department.name));

describe('sorting the departments', () => {
  it('sorts names alphabetically, ignoring case, both ways', () => {
    expect(sortBy('name')).toEqual(['Archives', 'Health', 'revenue', 'Transport']);
    expect(sortBy('name', 'descending')).toEqual(['Transport', 'revenue', 'Health', 'Archives']);
  });

  it.each([
    ['leadTime', 'ascending', ['Archives', 'Health', 'Transport', 'revenue']],
    ['leadTime', 'descending', ['Transport', 'Archives', 'Health', 'revenue']],
    ['deploymentsPerWeek', 'descending', ['Health', 'Transport', 'Archives', 'revenue']],
    ['changeFailureRate', 'ascending', ['Transport', 'Archives', 'Health', 'revenue']],
    ['timeToRestore', 'ascending', ['Archives', 'Health', 'revenue', 'Transport']],
    ['speedup', 'descending', ['Transport', 'Health', 'Archives', 'revenue']],
    ['trend', 'ascending', ['Transport', 'Health', 'Archives', 'revenue']],
  ] as const)('by %s, %s: missing figures last, ties by name', (key, direction, expected) => {
    expect(sortBy(key, direction)).toEqual(expected);
  });

  it('leaves the input alone', () => {
    const before = names(rows);
    sortBy('leadTime', 'descending');
    expect(names(rows)).toEqual(before);
  });

  it('sorts by the mean band of the services, and by the overall band', () => {
    const spread = [
      row('A', metrics({ band: 'low', bands: { ...NO_BANDS, low: 2, elite: 2 } })),
      row('B', metrics({ band: 'elite', bands: { ...NO_BANDS, elite: 1, none: 5 } })),
      row('C', metrics({ band: null, bands: { ...NO_BANDS, none: 3 } })),
      row('D', metrics({ band: 'medium', bands: { ...NO_BANDS, high: 3 } })),
    ];
    const by = (key: SummarySortKey, direction: 'ascending' | 'descending') =>
      names(sortRows(spread, { key, direction }, summarySortValue, (r) => r.department.name));
    expect(by('bands', 'descending')).toEqual(['B', 'D', 'A', 'C']);
    expect(by('band', 'ascending')).toEqual(['A', 'D', 'B', 'C']);
  });
});

describe('sort controls', () => {
  it('flips the same column and starts a new one ascending', () => {
    expect(nextSort({ key: 'name', direction: 'ascending' }, 'name')).toEqual({ key: 'name', direction: 'descending' });
    expect(nextSort({ key: 'name', direction: 'descending' }, 'name')).toEqual({ key: 'name', direction: 'ascending' });
    expect(nextSort({ key: 'name', direction: 'descending' }, 'leadTime')).toEqual({ key: 'leadTime', direction: 'ascending' });
  });

  it('puts aria-sort on the sorted column only', () => {
    expect(ariaSort({ key: 'leadTime', direction: 'descending' }, 'leadTime')).toBe('descending');
    expect(ariaSort({ key: 'leadTime', direction: 'descending' }, 'name')).toBeUndefined();
  });
});

describe('sort values', () => {
  it('ranks bands from low to elite, and none as missing', () => {
    expect([bandRank('low'), bandRank('medium'), bandRank('high'), bandRank('elite'), bandRank(null)]).toEqual([1, 2, 3, 4, null]);
  });

  it('measures a trend from its first to its last month with data', () => {
    expect(trendChange(trend(null, 1000, null, 250, null))).toBe(0.25);
    expect(trendChange(trend(null, 1000))).toBeNull();
    expect(trendChange([])).toBeNull();
  });

  it('reads the children table columns', () => {
    const child: ChildRow = { scope: 'team:a', name: 'A', services: 4, metrics: metrics({ p50: 60, perWeek: 3 }) };
    expect(childSortValue(child, 'name')).toBe('A');
    expect(childSortValue(child, 'services')).toBe(4);
    expect(childSortValue(child, 'leadTime')).toBe(60);
    expect(childSortValue(child, 'deploymentsPerWeek')).toBe(3);
    expect(childSortValue({ ...child, metrics: metrics({ deployments: 0 }) }, 'deploymentsPerWeek')).toBeNull();
  });
});

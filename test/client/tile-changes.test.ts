import { describe, expect, it } from 'vitest';
import type { MetricsResponse } from '../../common/api';
import { changedTiles, describeTileChanges, headlineFigures, tileFigures } from '../../client/lib/tile-changes';

const evidence = { services: 1, servicesInScope: 1, reason: null };
function metrics(over: { deployments?: number; perWeek?: number; leadTime?: number | null } = {}): MetricsResponse {
  const n = over.deployments ?? 10;
  return {
    deploymentFrequency: {
      count: n,
      perDay: 0,
      perWeek: over.perWeek ?? 2.5,
      deployDaysPerWeekMedian: 2,
      deployDaysPerMonthMedian: 8,
      band: 'high',
      bandReason: null,
    },
    now: { from: '', to: '', leadTimeP50: over.leadTime === undefined ? 7200 : over.leadTime, count: 20 },
    leadTime: {
      count: 20,
      excluded: 0,
      p50: over.leadTime === undefined ? 7200 : over.leadTime,
      p85: 9000,
      p95: 9900,
      band: 'elite',
      bandReason: null,
    },
    changeFailureRate: { ...evidence, count: n, failed: 1, rate: 1 / n, band: 'high', bandReason: null },
    timeToRestore: { ...evidence, count: 1, p50: 1800, band: 'elite', bandReason: null },
    failedDeploymentRecoveryTime: { ...evidence, count: 1, p50: 1800, band: 'elite', bandReason: null },
    reworkRate: { ...evidence, count: n, rework: 0, rate: 0 },
  } as unknown as MetricsResponse;
}

describe('tiles that moved', () => {
  it('finds the tiles whose value or count changed, and none when nothing did', () => {
    expect(changedTiles(metrics(), metrics())).toEqual([]);
    const moved = changedTiles(metrics(), metrics({ deployments: 11, perWeek: 2.75 }));
    // Deployment frequency, and the two rates whose counts are deployments.
    expect(moved.map((t) => t.id)).toEqual(['deployment-frequency', 'change-failure-rate', 'rework-rate']);
  });

  it('says what each moved tile shows now, with its unit and count', () => {
    const moved = changedTiles(metrics(), metrics({ leadTime: null }));
    expect(describeTileChanges(moved)).toBe('Updated: change lead time now no data, from 20 changes.');
    expect(describeTileChanges(changedTiles(metrics(), metrics({ deployments: 1, perWeek: 3 })))).toContain(
      'deployment frequency now 3 per week, from 1 deployment;',
    );
    expect(describeTileChanges([])).toBe('');
  });

  it('formats each tile as the page does', () => {
    const t = tileFigures(metrics());
    expect(t['lead-time'].value).toBe('2 hours');
    expect(t['change-failure-rate'].value).toBe('10%');
  });

  it('on the executive summary, compares only the four headline figures, lead time of the last 90 days', () => {
    expect(changedTiles(metrics(), metrics({ deployments: 11, perWeek: 3 }), headlineFigures).map((t) => t.id)).toEqual([
      'deployment-frequency',
      'change-failure-rate',
    ]);
    expect(describeTileChanges(changedTiles(metrics(), metrics({ leadTime: 3600 }), headlineFigures))).toBe(
      'Updated: change lead time, last 90 days now 1 hour median, from 20 changes.',
    );
  });
});

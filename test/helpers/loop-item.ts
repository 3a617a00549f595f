/** A loop as `GET /api/v1/loops` answers it, with overridable figures, for the client's mapper tests. */
import type { FiveMetrics, LoopItem } from '../../common/api';

export interface LoopOverrides extends Partial<Omit<LoopItem, 'metrics' | 'retrospective'>> {
  retrospective?: LoopItem['retrospective'];
  leadTime?: number | null;
  perWeek?: number;
  deployments?: number;
  cfr?: number | null;
  ttr?: number | null;
  rework?: number | null;
}

export function loopItem(o: LoopOverrides = {}): LoopItem {
  const deployments = o.deployments ?? 10;
  const metrics: FiveMetrics = {
    deploymentFrequency: {
      count: deployments,
      perDay: (o.perWeek ?? 5) / 7,
      perWeek: o.perWeek ?? 5,
      deployDaysPerWeekMedian: 3,
      deployDaysPerMonthMedian: 12,
      band: 'high',
      bandReason: null,
    },
    leadTime: {
      count: o.leadTime === null ? 0 : 20,
      excluded: 0,
      p50: o.leadTime === undefined ? 7200 : o.leadTime,
      p85: null,
      p95: null,
      band: null,
      bandReason: null,
    },
    changeFailureRate: {
      count: deployments,
      failed: 1,
      rate: o.cfr === undefined ? 0.1 : o.cfr,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    timeToRestore: {
      count: o.ttr === null ? 0 : 1,
      p50: o.ttr === undefined ? 1800 : o.ttr,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    failedDeploymentRecoveryTime: {
      count: o.ttr === null ? 0 : 1,
      p50: o.ttr === undefined ? 1800 : o.ttr,
      band: null,
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
    reworkRate: {
      count: deployments,
      rework: 0,
      rate: o.rework === undefined ? 0 : o.rework,
      services: 1,
      servicesInScope: 1,
      reason: null,
    },
  };
  return {
    id: '1',
    scope: 'team:a',
    name: 'Loop',
    from: '2026-03-02T00:00:00.000Z',
    to: '2026-03-16T00:00:00.000Z',
    measuredTo: o.measuredTo ?? o.to ?? '2026-03-16T00:00:00.000Z',
    derived: false,
    plan: null,
    stages: { count: 5, plan: 100, do: 200, check: 50, act: 50, loop: 400 },
    baseline: {
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-04-01T00:00:00.000Z',
      leadTimeP50: 30 * 86_400,
      count: 100,
      leftOut: 0,
      configured: false,
    },
    speedup: null,
    check: null,
    act: null,
    previousAct: null,
    targetMet: null,
    retrospective: null,
    ...o,
    metrics,
  };
}

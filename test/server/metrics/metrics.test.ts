import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMetrics } from '../../../server/metrics/read';
import { resolveScope, parseScope } from '../../../server/scope';
import { ingest, tempDb } from '../../helpers/db';
import { ORG, WINDOW, scenarioEvents } from '../../helpers/scenario';
import { shuffle } from '../../helpers/factories';
import type { Db } from '../../../db/connection';

const H = 3600, D = 86_400;
let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.cleanup());

const metrics = (db: Db, scope: string, w = WINDOW) => readMetrics(db, resolveScope(db, parseScope(scope)), w.from, w.to, { tz: 'UTC' });

describe('the five metrics of one service, hand-computed', () => {
  beforeEach(() => { ingest(t.db, scenarioEvents(), ORG); });

  it('counts successful production deployments only, with deploy days per week and month', () => {
    const m = metrics(t.db, 'service:acme/app');
    // deploy-1 (Mar 4), deploy-2 (Mar 5) | deploy-3 (Mar 11), deploy-4 (Mar 14): 2 and 2 days a week.
    expect(m.deploymentFrequency).toEqual({
      count: 4, perDay: 4 / 14, perWeek: 2, deployDaysPerWeekMedian: 2, deployDaysPerMonthMedian: 4, band: 'high',
    });
  });

  it('measures lead time from commit to its first production deployment, excluding negatives', () => {
    const m = metrics(t.db, 'service:acme/app');
    // c4 6h, c3 12h, c5 1d, c6 2d, c2 3d; c7 committed after it shipped.
    expect(m.leadTime).toEqual({
      count: 5, excluded: 1, p50: D, p85: 2 * D + 0.4 * D, p95: 2 * D + 0.8 * D, band: 'high',
    });
  });

  it('counts a deployment failed once, however many incidents link to it, explicitly or implicitly', () => {
    const m = metrics(t.db, 'service:acme/app');
    // i1, i3 → deploy-1 (implicit); i2 → deploy-2 (root cause c4); i5 → deploy-1 (named); i4 → deploy-2 (implicit).
    expect(m.changeFailureRate).toEqual({ count: 4, failed: 2, rate: 0.5, band: 'low' });
  });

  it('takes time to restore over incidents resolved in the window', () => {
    const m = metrics(t.db, 'service:acme/app');
    // 10 min, 30 min, 1 h, 12 h → p50 45 min.
    expect(m.timeToRestore).toEqual({ count: 4, p50: 2700, band: 'elite' });
  });

  it('counts rework: hotfixes and deployments made while an incident was open', () => {
    const m = metrics(t.db, 'service:acme/app');
    // deploy-2 is marked rework; deploy-3 and deploy-4 ship while i4 is open.
    expect(m.reworkRate).toEqual({ count: 4, rework: 3, rate: 0.75 });
  });

  it('breaks pull requests into plan, do, check and act', () => {
    const m = metrics(t.db, 'service:acme/app');
    // PR 1: plan 2d, do 2d18h, check 2h, act 4h, loop 5d (Feb 27 to Mar 4). PR 2 (no plan, no CI): do 6h, check 0, act 18h, loop 1d.
    expect(m.stages).toEqual({ count: 2, plan: 2 * D, do: (2 * D + 18 * H + 6 * H) / 2, check: H, act: (4 * H + 18 * H) / 2, loop: (5 * D + D) / 2 });
  });

  it('compares with the baseline (the first 90 days of data) as a speedup', () => {
    const m = metrics(t.db, 'service:acme/app');
    // Baseline from deploy-0: lead times 6h 12h 1d 2d 3d 5d → p50 1.5d; now 1d.
    expect(m.baseline).toMatchObject({ from: '2026-02-25T00:00:00.000Z', leadTimeP50: 1.5 * D, count: 6 });
    expect(m.speedup).toBe(1.5);
    expect(m.band).toBe('low');
    expect(m.bands).toBeUndefined();
  });

  it('rolls a team up over pooled events, never an average of averages, with its services’ bands', () => {
    const m = metrics(t.db, 'team:t1');
    // Lead times pooled: 1h 6h 12h 1d 2d 3d → p50 18h (the mean of the services' p50s would be 12.5h).
    expect(m.leadTime.p50).toBe(18 * H);
    expect(m.leadTime.count).toBe(6);
    // Deploy days: Mar 4, 5, 6 | Mar 11, 14 → median 2.5.
    expect(m.deploymentFrequency.count).toBe(5);
    expect(m.deploymentFrequency.deployDaysPerWeekMedian).toBe(2.5);
    expect(m.changeFailureRate).toMatchObject({ count: 5, failed: 2, rate: 0.4 });
    // acme/app is low (its change failure rate); acme/api medium (1 deploy day in the month); acme/old none.
    expect(m.bands).toEqual({ elite: 0, high: 0, medium: 1, low: 1, none: 1 });
    expect(metrics(t.db, 'department:d1')).toEqual({ ...m, scope: 'department:d1' });
    expect(metrics(t.db, 'org').leadTime).toEqual(m.leadTime);
  });

  it('reports null, never 0, for an empty window', () => {
    const m = metrics(t.db, 'service:acme/app', { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-02-01T00:00:00Z') });
    expect(m.deploymentFrequency).toMatchObject({ count: 0, perDay: 0, perWeek: 0, band: null });
    expect(m.leadTime).toEqual({ count: 0, excluded: 0, p50: null, p85: null, p95: null, band: null });
    expect(m.changeFailureRate).toEqual({ count: 0, failed: 0, rate: null, band: null });
    expect(m.timeToRestore).toEqual({ count: 0, p50: null, band: null });
    expect(m.reworkRate).toEqual({ count: 0, rework: 0, rate: null });
    expect(m.stages).toEqual({ count: 0, plan: null, do: null, check: null, act: null, loop: null });
    expect(m.speedup).toBeNull();
  });
});

describe('order independence', () => {
  it.each([1, 2, 3, 4, 5, 6])('gives the same figures whatever order the events arrive in (seed %i)', (seed) => {
    ingest(t.db, scenarioEvents(), ORG);
    const expected = ['service:acme/app', 'team:t1', 'org'].map((s) => metrics(t.db, s));
    const other = tempDb();
    try {
      const shuffled = shuffle(scenarioEvents(), seed);
      // Arrive in batches of varying size, as webhooks and backfills would.
      for (let i = 0; i < shuffled.length; ) {
        const size = 1 + ((seed + i) % 4);
        ingest(other.db, shuffled.slice(i, i + size), ORG);
        i += size;
      }
      expect(['service:acme/app', 'team:t1', 'org'].map((s) => metrics(other.db, s))).toEqual(expected);
    } finally {
      other.cleanup();
    }
  });
});

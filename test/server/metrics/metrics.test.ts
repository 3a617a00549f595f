import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsIn } from '../../helpers/reads';
import { ingest, tempDb } from '../../helpers/db';
import { ORG, WINDOW, scenarioEvents } from '../../helpers/scenario';
import { shuffle } from '../../helpers/factories';
import type { Db } from '../../../db/connection';

const H = 3600,
  D = 86_400;
let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

const FOUR_WEEKS = { from: Date.parse('2026-02-16T00:00:00Z'), to: WINDOW.to };
const metrics = (db: Db, scope: string, w = WINDOW) => metricsIn(db, scope, w.from, w.to);

describe('the five metrics of one service, hand-computed', () => {
  beforeEach(() => {
    ingest(t.db, scenarioEvents(), ORG);
  });

  it('counts successful production deployments only, with deploy days per week and month', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // deploy-1 (Mar 4), deploy-2 (Mar 5) | deploy-3 (Mar 11), deploy-4 (Mar 14): 2 and 2 days a week.
    // Two weeks are too short a window to band (28 days are needed).
    expect(m.deploymentFrequency).toEqual({
      count: 4,
      perDay: 4 / 14,
      perWeek: 2,
      deployDaysPerWeekMedian: 2,
      deployDaysPerMonthMedian: 4,
      band: null,
      bandReason: 'too few',
    });
    // Feb 16 - Mar 16: weeks of 0, 1 (Feb 25), 2 and 2 deploy days → median 1.5, high.
    expect((await metrics(t.db, 'service:acme/app', FOUR_WEEKS)).deploymentFrequency).toMatchObject({
      count: 5,
      deployDaysPerWeekMedian: 1.5,
      band: 'high',
      bandReason: null,
    });
  });

  it('measures lead time from commit to its first production deployment, excluding negatives', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // c4 6h, c3 12h, c5 1d, c6 2d, c2 3d; c7 committed after it shipped.
    // Five changes are too few to band (10 are needed).
    expect(m.leadTime).toEqual({
      count: 5,
      excluded: 1,
      p50: D,
      p85: 2 * D + 0.4 * D,
      p95: 2 * D + 0.8 * D,
      band: null,
      bandReason: 'too few',
    });
  });

  it('counts a deployment failed once, however many incidents link to it, explicitly or implicitly', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // i1, i3 → deploy-1 (implicit); i2 → deploy-2 (root cause c4); i5 → deploy-1 (named); i4 → deploy-2 (implicit).
    // Its first incident (i1) links to deploy-1: it reports incidents from then on, so all four count.
    expect(m.changeFailureRate).toEqual({
      count: 4,
      failed: 2,
      rate: 0.5,
      band: null,
      bandReason: 'too few',
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
  });

  it('takes time to restore over incidents resolved in the window', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // 10 min, 30 min, 1 h, 12 h → p50 45 min.
    expect(m.timeToRestore).toEqual({
      count: 4,
      p50: 2700,
      band: null,
      bandReason: 'too few',
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
  });

  it('takes failed deployment recovery time over the incidents linked explicitly or by root-cause sha only', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // i5 names deploy-1 (10 min), i2's root cause c4 shipped with deploy-2 (12 h); i1 and i3 are linked only implicitly.
    expect(m.failedDeploymentRecoveryTime).toEqual({
      count: 2,
      p50: (600 + 12 * H) / 2,
      band: null,
      bandReason: 'too few',
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
  });

  it('counts rework: hotfixes and deployments made while an incident was open', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // deploy-2 is marked rework; deploy-3 and deploy-4 ship while i4 is open.
    expect(m.reworkRate).toEqual({ count: 4, rework: 3, rate: 0.75, services: 1, servicesInScope: 1, reason: null });
  });

  it('breaks pull requests into plan, do, check and act', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // PR 1: plan 2d, do 2d18h, check 2h, act 4h, loop 5d (Feb 27 to Mar 4). PR 2 (no plan, no CI): do 6h, check 0, act 18h, loop 1d.
    expect(m.stages).toEqual({
      count: 2,
      plan: 2 * D,
      do: (2 * D + 18 * H + 6 * H) / 2,
      check: H,
      act: (4 * H + 18 * H) / 2,
      loop: (5 * D + D) / 2,
    });
  });

  it('has a baseline without the first deployment’s changes, "now" of 90 days, and no speedup on fewer than 10 changes', async () => {
    const m = await metrics(t.db, 'service:acme/app');
    // Baseline from deploy-0, leaving out c1 (its first deployment's): 6h 12h 1d 2d 3d → p50 1d.
    expect(m.baseline).toEqual({
      from: '2026-02-25T00:00:00.000Z',
      to: '2026-05-26T00:00:00.000Z',
      leadTimeP50: D,
      count: 5,
      leftOut: 1,
      configured: false,
    });
    // Now: the 90 days to Mar 16, c1 included: 6h 12h 1d 2d 3d 5d → 1.5d.
    expect(m.now).toEqual({ from: '2025-12-16T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z', leadTimeP50: 1.5 * D, count: 6 });
    expect(m.speedup).toBeNull();
    // No figure rests on enough evidence for a band.
    expect(m.band).toBeNull();
    expect(m.bands).toBeUndefined();
  });

  it('rolls a team up over pooled events, never an average of averages, with its services’ bands', async () => {
    const m = await metrics(t.db, 'team:t1');
    // Lead times pooled: 1h 6h 12h 1d 2d 3d → p50 18h (the mean of the services' p50s would be 12.5h).
    expect(m.leadTime.p50).toBe(18 * H);
    expect(m.leadTime.count).toBe(6);
    // Deploy days: Mar 4, 5, 6 | Mar 11, 14 → median 2.5.
    expect(m.deploymentFrequency.count).toBe(5);
    expect(m.deploymentFrequency.deployDaysPerWeekMedian).toBe(2.5);
    // Only acme/app reports incidents: the rate pools its deployments alone, and says 1 of 3 services.
    expect(m.changeFailureRate).toMatchObject({ count: 4, failed: 2, rate: 0.5, services: 1, servicesInScope: 3, reason: null });
    expect(m.reworkRate).toMatchObject({ count: 4, rework: 3, services: 1, servicesInScope: 3 });
    expect(m.bands).toEqual({ elite: 0, high: 0, medium: 0, low: 0, none: 3 });
    // Over four weeks: acme/app high (deploy days), acme/api low (half a deploy day a month), acme/old none.
    expect((await metrics(t.db, 'team:t1', FOUR_WEEKS)).bands).toEqual({ elite: 0, high: 1, medium: 0, low: 1, none: 1 });
    expect(await metrics(t.db, 'department:d1')).toEqual({ ...m, scope: 'department:d1' });
    expect((await metrics(t.db, 'org')).leadTime).toEqual(m.leadTime);
  });

  it('reports null, never 0, for an empty window', async () => {
    const m = await metrics(t.db, 'service:acme/app', { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-02-01T00:00:00Z') });
    expect(m.deploymentFrequency).toMatchObject({ count: 0, perDay: 0, perWeek: 0, band: null });
    expect(m.leadTime).toEqual({ count: 0, excluded: 0, p50: null, p85: null, p95: null, band: null, bandReason: null });
    // Wholly before its first incident: no evidence, so no figure.
    expect(m.changeFailureRate).toEqual({
      count: 0,
      failed: 0,
      rate: null,
      band: null,
      bandReason: null,
      services: 0,
      servicesInScope: 1,
      reason: 'no incident source',
    });
    expect(m.timeToRestore).toEqual({
      count: 0,
      p50: null,
      band: null,
      bandReason: null,
      services: 0,
      servicesInScope: 1,
      reason: 'no incident source',
    });
    expect(m.reworkRate).toEqual({ count: 0, rework: 0, rate: null, services: 0, servicesInScope: 1, reason: 'no rework source' });
    expect(m.stages).toEqual({ count: 0, plan: null, do: null, check: null, act: null, loop: null });
    expect(m.speedup).toBeNull();
  });
});

describe('order independence', () => {
  it.each([1, 2, 3, 4, 5, 6])('gives the same figures whatever order the events arrive in (seed %i)', async (seed) => {
    ingest(t.db, scenarioEvents(), ORG);
    const expected = await Promise.all(['service:acme/app', 'team:t1', 'org'].map((s) => metrics(t.db, s)));
    const other = tempDb();
    try {
      const shuffled = shuffle(scenarioEvents(), seed);
      // Arrive in batches of varying size, as webhooks and backfills would.
      for (let i = 0; i < shuffled.length;) {
        const size = 1 + ((seed + i) % 4);
        ingest(other.db, shuffled.slice(i, i + size), ORG);
        i += size;
      }
      expect(await Promise.all(['service:acme/app', 'team:t1', 'org'].map((s) => metrics(other.db, s)))).toEqual(expected);
    } finally {
      other.cleanup();
    }
  });
});

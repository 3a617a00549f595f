/**
 * Issue 15: no figure without evidence, failed deployment recovery time, and a headline that
 * holds still, hand-computed on small histories ingested through the real path.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMetrics, type MetricsOptions } from '../../../server/metrics/read';
import { referenceMetrics } from '../../../server/metrics/reference';
import { readsOf, resolveIn } from '../../helpers/reads';
import type { NativeEventInput } from '../../../common/events';
import type { OrganisationConfig } from '../../../common/org';
import type { Db } from '../../../db/connection';
import { ingest, tempDb } from '../../helpers/db';
import { change, deployment, incident, sha } from '../../helpers/factories';

const H = 3_600_000,
  DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
const JAN1 = Date.parse('2026-01-01T00:00:00Z');
const ORG: OrganisationConfig = [{ id: 'gov', name: 'Gov', teams: [{ id: 'pair', name: 'Pair', services: ['gov/app', 'gov/api'] }] }];

let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

/** One deployment a day at 01:00 from `first`, each shipping one commit made two hours before. */
function daily(service: string, first: number, days: number): NativeEventInput[] {
  const out: NativeEventInput[] = [];
  for (let i = 0; i < days; i++) {
    const deployed = first + i * DAY + H;
    const s = sha(`${service} ${i}`);
    out.push(change({ service, sha: s, committedAt: at(deployed - 2 * H), parents: i > 0 ? [sha(`${service} ${i - 1}`)] : [] }));
    out.push(deployment({ service, id: `${service}-${i}`, sha: s, finishedAt: at(deployed) }));
  }
  return out;
}

async function read(db: Db, scope: string, from: number, to: number, opts: Partial<MetricsOptions> = {}) {
  const r = await resolveIn(db, scope);
  const m = await readMetrics(readsOf(db), r, from, to, { tz: 'UTC', ...opts });
  // The reference path gives the same answer, figure for figure.
  expect(await referenceMetrics(readsOf(db), r, from, to, { tz: 'UTC', ...opts })).toEqual(m);
  return m;
}

describe('no figure without evidence', () => {
  const WINDOW = [JAN1, JAN1 + 60 * DAY] as const; // Jan 1 - Mar 2

  it('answers null with the reason where no service reports incidents, and the overall band ignores it', async () => {
    ingest(t.db, daily('gov/app', JAN1, 60), ORG);
    const m = await read(t.db, 'service:gov/app', ...WINDOW);
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
    expect(m.timeToRestore).toMatchObject({ p50: null, services: 0, reason: 'no incident source' });
    expect(m.failedDeploymentRecoveryTime).toMatchObject({ p50: null, services: 0, reason: 'no incident source' });
    expect(m.reworkRate).toMatchObject({ rate: null, services: 0, reason: 'no rework source' });
    // Daily deployments and two-hour lead times: elite, and no silent "0 % failed" in the band.
    expect(m.deploymentFrequency.band).toBe('elite');
    expect(m.leadTime.band).toBe('elite');
    expect(m.band).toBe('elite');
  });

  it('after one incident, answers numbers from the deployment it is linked to, and null for a window wholly before it', async () => {
    ingest(t.db, daily('gov/app', JAN1, 60), ORG);
    // Opened Feb 10 10:00: linked to the deployment of Feb 10 01:00 (the latest before it).
    const feb10 = JAN1 + 40 * DAY;
    ingest(t.db, [incident({ service: 'gov/app', id: 'inc-1', openedAt: at(feb10 + 10 * H), resolvedAt: at(feb10 + 12 * H) })], ORG);
    const m = await read(t.db, 'service:gov/app', ...WINDOW);
    // Feb 10 to Mar 1: 20 deployments, one failed.
    expect(m.changeFailureRate).toEqual({
      count: 20,
      failed: 1,
      rate: 0.05,
      band: 'elite',
      bandReason: null,
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
    expect(m.reworkRate).toEqual({ count: 20, rework: 0, rate: 0, services: 1, servicesInScope: 1, reason: null });
    // One incident is too few to band (5 are needed).
    expect(m.timeToRestore).toEqual({
      count: 1,
      p50: 7200,
      band: null,
      bandReason: 'too few',
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
    const before = await read(t.db, 'service:gov/app', JAN1, JAN1 + 31 * DAY);
    expect(before.changeFailureRate).toMatchObject({ rate: null, count: 0, reason: 'no incident source' });
    expect(before.reworkRate).toMatchObject({ rate: null, reason: 'no rework source' });
  });

  it('pools only the services that report incidents in a team, and says how many of them', async () => {
    ingest(t.db, [...daily('gov/app', JAN1, 60), ...daily('gov/api', JAN1, 60)], ORG);
    const feb10 = JAN1 + 40 * DAY;
    ingest(t.db, [incident({ service: 'gov/app', id: 'inc-1', openedAt: at(feb10 + 10 * H), resolvedAt: at(feb10 + 12 * H) })], ORG);
    const m = await read(t.db, 'team:pair', ...WINDOW);
    expect(m.deploymentFrequency.count).toBe(120);
    expect(m.changeFailureRate).toMatchObject({ count: 20, failed: 1, rate: 0.05, services: 1, servicesInScope: 2 });
    // Configured: gov/api's incidents are tracked since Feb 20 (it had none): its 10 deployments from then count too.
    const configured = await read(t.db, 'team:pair', ...WINDOW, {
      evidence: { incidents: [{ services: 'gov/a*i', since: JAN1 + 50 * DAY }] },
    });
    expect(configured.changeFailureRate).toMatchObject({ count: 30, failed: 1, rate: 1 / 30, services: 2, servicesInScope: 2 });
  });

  it('gives a band only on enough evidence: 10 changes, 10 deployments, 5 incidents, 28 days', async () => {
    ingest(t.db, daily('gov/app', JAN1, 40), ORG);
    const incidents = [0, 1, 2, 3].map((i) =>
      incident({
        service: 'gov/app',
        id: `inc-${i}`,
        openedAt: at(JAN1 + (30 + i) * DAY + 2 * H),
        resolvedAt: at(JAN1 + (30 + i) * DAY + 3 * H),
      }),
    );
    ingest(t.db, incidents, ORG);
    // From Jan 31 01:00: 9 deployments (to Feb 8), 4 incidents; a 9-day window has 9 changes.
    const nine = await read(t.db, 'service:gov/app', JAN1 + 31 * DAY, JAN1 + 40 * DAY);
    expect(nine.leadTime).toMatchObject({ count: 9, band: null, bandReason: 'too few' });
    expect(nine.deploymentFrequency).toMatchObject({ count: 9, band: null, bandReason: 'too few' });
    const all = await read(t.db, 'service:gov/app', JAN1, JAN1 + 40 * DAY);
    expect(all.changeFailureRate).toMatchObject({ count: 10, failed: 4, band: 'low', bandReason: null });
    expect(all.timeToRestore).toMatchObject({ count: 4, band: null, bandReason: 'too few' });
    ingest(
      t.db,
      [incident({ service: 'gov/app', id: 'inc-5', openedAt: at(JAN1 + 35 * DAY + 2 * H), resolvedAt: at(JAN1 + 35 * DAY + 3 * H) })],
      ORG,
    );
    expect((await read(t.db, 'service:gov/app', JAN1, JAN1 + 40 * DAY)).timeToRestore).toMatchObject({
      count: 5,
      p50: 3600,
      band: 'high',
      bandReason: null,
    });
    expect((await read(t.db, 'service:gov/app', JAN1, JAN1 + 40 * DAY)).leadTime).toMatchObject({
      count: 40,
      band: 'elite',
      bandReason: null,
    });
  });
});

describe('an empty range', () => {
  it('says when the scope last had data, whatever the window', async () => {
    ingest(t.db, daily('gov/app', JAN1, 10), ORG);
    const later = await read(t.db, 'service:gov/app', JAN1 + 100 * DAY, JAN1 + 190 * DAY);
    expect(later.deploymentFrequency.count).toBe(0);
    expect(later.lastDataAt).toBe(at(JAN1 + 9 * DAY + H));
    ingest(t.db, [incident({ service: 'gov/app', id: 'late', openedAt: at(JAN1 + 20 * DAY), resolvedAt: at(JAN1 + 21 * DAY) })], ORG);
    expect((await read(t.db, 'service:gov/app', JAN1 + 100 * DAY, JAN1 + 190 * DAY)).lastDataAt).toBe(at(JAN1 + 21 * DAY));
  });
});

describe('failed deployment recovery time', () => {
  it('counts incidents linked by deployment id or a shipped root-cause sha, never implicitly linked ones', async () => {
    const d = (id: string, day: number, extra = {}) =>
      deployment({ service: 'gov/app', id, sha: sha(id), finishedAt: at(JAN1 + day * DAY), ...extra });
    ingest(
      t.db,
      [
        change({ service: 'gov/app', sha: sha('d1'), committedAt: at(JAN1) }),
        d('d1', 1),
        change({ service: 'gov/app', sha: sha('d2'), committedAt: at(JAN1), parents: [sha('d1')] }),
        d('d2', 2),
        d('staging-1', 2, { environment: 'staging' }),
        // Named deployment: 1 h. Root-cause sha shipped by d2: 2 h. Implicit only: 3 h. Names a staging deployment: 4 h.
        incident({ service: 'gov/app', id: 'named', openedAt: at(JAN1 + 3 * DAY), resolvedAt: at(JAN1 + 3 * DAY + H), deploymentId: 'd1' }),
        incident({
          service: 'gov/app',
          id: 'root',
          openedAt: at(JAN1 + 4 * DAY),
          resolvedAt: at(JAN1 + 4 * DAY + 2 * H),
          rootCauseSha: sha('d2'),
        }),
        incident({ service: 'gov/app', id: 'implicit', openedAt: at(JAN1 + 5 * DAY), resolvedAt: at(JAN1 + 5 * DAY + 3 * H) }),
        incident({
          service: 'gov/app',
          id: 'staging',
          openedAt: at(JAN1 + 6 * DAY),
          resolvedAt: at(JAN1 + 6 * DAY + 4 * H),
          deploymentId: 'staging-1',
        }),
      ],
      ORG,
    );
    const m = await read(t.db, 'service:gov/app', JAN1, JAN1 + 30 * DAY);
    expect(m.failedDeploymentRecoveryTime).toMatchObject({ count: 2, p50: 1.5 * 3600, services: 1, reason: null });
    expect(m.timeToRestore).toMatchObject({ count: 4, p50: 2.5 * 3600 });
  });
});

describe('a headline that holds still', () => {
  /** Two years of untracked history shipped by the first deployment, then daily changes. */
  function history(): NativeEventInput[] {
    const old: NativeEventInput[] = [];
    const start = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 200; i++)
      old.push(
        change({
          service: 'gov/app',
          sha: sha(`old ${i}`),
          committedAt: at(start + i * 3 * DAY),
          parents: i > 0 ? [sha(`old ${i - 1}`)] : [],
        }),
      );
    const tracked = daily('gov/app', JAN1, 120);
    // The first tracked commit's parent is the last untracked one: the first deployment ships all 200 with it.
    (tracked[0] as Extract<NativeEventInput, { type: 'change' }>).parents = [sha('old 199')];
    return [...old, ...tracked];
  }

  it('leaves the first deployment’s changes out of the baseline and says how many', async () => {
    ingest(t.db, history(), ORG);
    const m = await read(t.db, 'service:gov/app', JAN1, JAN1 + 120 * DAY);
    // 90 days from Jan 1 01:00: 90 deployments; the first one's 201 changes left out; every other change took 2 h.
    expect(m.baseline).toMatchObject({ from: at(JAN1 + H), leadTimeP50: 7200, count: 89, leftOut: 201, configured: false });
    expect(m.now).toMatchObject({ leadTimeP50: 7200, count: 90 });
    expect(m.speedup).toBe(1);
  });

  it('gives the same "now" and speedup for a 90-day and an 18-month range ending on the same day', async () => {
    ingest(t.db, history(), ORG);
    const end = JAN1 + 120 * DAY;
    const short = await read(t.db, 'service:gov/app', end - 90 * DAY, end);
    const long = await read(t.db, 'service:gov/app', Date.parse('2024-11-01T00:00:00Z'), end);
    expect(long.leadTime.count).toBeGreaterThan(short.leadTime.count);
    expect(long.now).toEqual(short.now);
    expect(long.speedup).toBe(short.speedup);
    expect(long.baseline).toEqual(short.baseline);
  });

  it('gives no speedup on fewer than 10 changes, and a configured baseline wins', async () => {
    ingest(t.db, history(), ORG);
    const end = JAN1 + 120 * DAY;
    const configured = await read(t.db, 'service:gov/app', end - 90 * DAY, end, {
      baseline: { from: JAN1 + 10 * DAY, to: JAN1 + 19 * DAY },
    });
    expect(configured.baseline).toMatchObject({ from: at(JAN1 + 10 * DAY), count: 9, leftOut: 0, configured: true });
    expect(configured.speedup).toBeNull();
    expect(
      (await read(t.db, 'service:gov/app', end - 90 * DAY, end, { baseline: { from: JAN1 + 10 * DAY, to: JAN1 + 20 * DAY } })).speedup,
    ).toBe(1);
  });
});

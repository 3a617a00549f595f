/**
 * After the first backfill: what happened since (a merge request merged and deployed, a running
 * deployment that finished, a pipeline that completed, an incident closed) is picked up by the
 * next run, which ends where a backfill of the whole history ends; and a project renamed or
 * moved between runs stays one service, its new path kept as an alias.
 */
import { describe, expect, it } from 'vitest';
import { health } from '../../fakes/gitlab/health';
import { ProjectBuilder } from '../../fakes/gitlab/scenario';
import { startFakeGitlab } from '../../fakes/gitlab/server';
import { eitherDb } from '../../helpers/either-store';
import { collect, dumpDb, healthConfig } from './helpers';

const LATER = Date.parse('2026-03-06T12:00:00Z');

describe('the next runs', () => {
  it('store what is new, and end where a backfill of the whole history ends', async () => {
    const scenario = health();
    const fake = await startFakeGitlab(scenario, { tokens: { 'test-token': ['read_api'] } });
    const t = await eitherDb();
    const fresh = await eitherDb();
    try {
      const config = healthConfig(fake.apiUrl);
      await collect(t, config);
      const booking = ProjectBuilder.of(scenario.projects[0]);
      booking.commit('bk-p5a', ['bk-p3a'], '2026-03-05T11:00:00.000Z');
      booking.mergeRequest({
        iid: 5,
        commits: ['bk-p5a'],
        createdAt: '2026-03-05T11:10:00.000Z',
        mergedAt: '2026-03-05T12:00:00.000Z',
        mergeName: 'bk-m5',
      });
      Object.assign(
        booking.project.deployments.find((d) => d.status === 'running')!,
        { status: 'success', finishedAt: '2026-03-05T12:30:00.000Z', updatedAt: '2026-03-05T12:30:00.000Z' },
      );
      booking.deployment({ commit: 'bk-m5', environment: 'live', createdAt: '2026-03-05T12:50:00.000Z' });
      Object.assign(
        booking.project.issues.find((i) => i.iid === 21)!,
        { state: 'closed', closedAt: '2026-03-05T14:00:00.000Z', updatedAt: '2026-03-05T14:00:00.000Z' },
      );
      Object.assign(
        booking.project.pipelines.find((p) => p.status === 'running')!,
        { status: 'success', finishedAt: '2026-03-05T15:00:00.000Z', updatedAt: '2026-03-05T15:00:00.000Z', duration: 600 },
      );

      const from = fake.requests.length;
      const next = await collect(t, config, { now: LATER });
      expect(next.errors).toEqual([]);
      // p5a and m5 (its merge request, then the branch), two deployments, the pipeline, the incident.
      expect(next.projects.find((p) => p.name === 'health/clinics/booking')).toMatchObject({ stored: 7 });
      expect(
        fake.requests
          .slice(from)
          .filter((r) => r.path.includes('/repository/commits'))
          .map((r) => new URLSearchParams(r.query).get('ref_name')?.replace(/^[0-9a-f]{40}/, 'HEAD')),
      ).toEqual(['HEAD..main', 'HEAD..main']);
      const rows = await dumpDb(t);
      expect(rows.incidents.find((i) => String((i as { ext_id: string }).ext_id).endsWith('/issues/21'))).toMatchObject({
        resolved_at: Date.parse('2026-03-05T14:00:00Z'),
      });

      await collect(fresh, config, { now: LATER });
      expect(rows).toEqual(await dumpDb(fresh));
    } finally {
      await fake.close();
      await t.cleanup();
      await fresh.cleanup();
    }
  });

  it('keep a renamed or moved project one service: its events under the name it was first collected by, its new path an alias', async () => {
    const scenario = health();
    const fake = await startFakeGitlab(scenario, { tokens: { 'test-token': ['read_api'] } });
    const t = await eitherDb();
    try {
      const config = healthConfig(fake.apiUrl);
      await collect(t, config);
      const before = await dumpDb(t);
      const portal = scenario.projects.find((p) => p.path === 'health/portal')!;
      portal.path = 'health/citizen-portal';
      const b = ProjectBuilder.of(portal);
      b.commit('pt-a2', ['pt-m1'], '2026-03-05T08:00:00.000Z');
      b.mergeRequest({
        iid: 2,
        commits: ['pt-a2'],
        createdAt: '2026-03-05T07:00:00.000Z',
        mergedAt: '2026-03-05T09:00:00.000Z',
        mergeName: 'pt-m2',
      });
      b.deployment({ commit: 'pt-m2', environment: 'prod', createdAt: '2026-03-05T09:30:00.000Z' });
      const next = await collect(t, config, { now: LATER });
      expect(next.projects.map((p) => p.name)).toEqual(['health/clinics/booking', 'health/portal']);
      const after = await dumpDb(t);
      expect(after.services).toEqual(before.services);
      expect(after.deployments.filter((d) => (d as { service: string }).service === 'health/portal')).toHaveLength(3);
      const [identity] = await t.all<{ cursor: string }>(
        "SELECT cursor FROM collector_cursors WHERE collector = 'gitlab' AND resource LIKE '%/projects/102'",
      );
      expect(JSON.parse(identity.cursor)).toEqual({ service: 'health/portal', path: 'health/citizen-portal', aliases: ['health/portal'] });
    } finally {
      await fake.close();
      await t.cleanup();
    }
  });
});

/**
 * `sources.gitlab.releases`: a project that releases by tagging. Its releases that the
 * release-tag rules count (include and exclude globs, no semantic-version pre-releases) are
 * production deployments; one deleted, turned upcoming or left out by narrower rules is retracted
 * and stops counting; wider rules bring it back; a rule that cannot work stops the start naming its key.
 */
import { describe, expect, it } from 'vitest';
import { NOW } from '../../fakes/gitlab/health';
import { ProjectBuilder, type FakeGitlab } from '../../fakes/gitlab/scenario';
import { startFakeGitlab } from '../../fakes/gitlab/server';
import { eitherDb, type EitherDb } from '../../helpers/either-store';
import { collect, healthConfig } from './helpers';

const t = (day: string, time: string) => `2026-03-${day}T${time}:00.000Z`;

function tagging(): FakeGitlab {
  const b = new ProjectBuilder('health/tags', { id: 301 });
  b.commit('tg-a0', [], t('01', '00:00'));
  b.push('tg-a0', t('01', '00:00'));
  b.commit('tg-a1', ['tg-a0'], t('02', '08:00'));
  b.push('tg-a1', t('02', '08:00'));
  b.release({ tag: 'v1.0.0', commit: 'tg-a1', releasedAt: t('02', '12:00') });
  b.commit('tg-a2', ['tg-a1'], t('03', '08:00'));
  b.push('tg-a2', t('03', '08:00'));
  b.release({ tag: 'v1.1.0-rc.1', commit: 'tg-a2', releasedAt: t('03', '09:00') });
  b.release({ tag: 'nightly-3', commit: 'tg-a2', releasedAt: t('03', '10:00') });
  b.release({ tag: 'v1.1.0', commit: 'tg-a2', releasedAt: t('03', '15:00') });
  b.release({ tag: 'v1.2.0', commit: 'tg-a2', releasedAt: t('09', '00:00'), upcoming: true });
  return { groups: [{ id: 1, path: 'health' }], projects: [b.project] };
}

const deployments = async (db: EitherDb) =>
  (
    await db.all<{ ext_id: string; status: string; production: number; finished_at: number }>(
      'SELECT ext_id, status, is_production AS production, finished_at FROM deployments ORDER BY ext_id',
    )
  ).map(({ ext_id, ...d }) => ({ tag: ext_id.slice(ext_id.indexOf('/releases/') + 10), ...d }));

describe('GitLab releases as deployments', () => {
  it('counts the releases the rules count, retracts one deleted or left out, and brings it back with wider rules', async () => {
    const scenario = tagging();
    const fake = await startFakeGitlab(scenario, { tokens: { 'test-token': ['read_api'] } });
    const db = await eitherDb();
    try {
      const config = healthConfig(fake.apiUrl, { extra: ['    releases: { include: "v*" }'] });
      expect((await collect(db, config)).errors).toEqual([]);
      expect(await deployments(db)).toEqual([
        { tag: 'v1.0.0', status: 'success', production: 1, finished_at: Date.parse(t('02', '12:00')) },
        { tag: 'v1.1.0', status: 'success', production: 1, finished_at: Date.parse(t('03', '15:00')) },
      ]);
      scenario.projects[0].releases.splice(
        scenario.projects[0].releases.findIndex((r) => r.tag === 'v1.0.0'),
        1,
      );
      await collect(db, config);
      expect(await deployments(db)).toEqual([
        { tag: 'v1.0.0', status: 'retracted', production: 1, finished_at: Date.parse(t('02', '12:00')) },
        { tag: 'v1.1.0', status: 'success', production: 1, finished_at: Date.parse(t('03', '15:00')) },
      ]);
      const wider = healthConfig(fake.apiUrl, {
        extra: ['    releases: { include: "v*,nightly-*", exclude: "v1.1.0", includePrereleases: true }'],
      });
      await collect(db, wider);
      expect(await deployments(db)).toEqual([
        { tag: 'nightly-3', status: 'success', production: 1, finished_at: Date.parse(t('03', '10:00')) },
        { tag: 'v1.0.0', status: 'retracted', production: 1, finished_at: Date.parse(t('02', '12:00')) },
        { tag: 'v1.1.0', status: 'retracted', production: 1, finished_at: Date.parse(t('03', '15:00')) },
        { tag: 'v1.1.0-rc.1', status: 'success', production: 1, finished_at: Date.parse(t('03', '09:00')) },
      ]);
      await collect(db, config);
      expect(
        (await deployments(db)).filter((d) => (d as { status: string }).status === 'success').map((d) => (d as { tag: string }).tag),
      ).toEqual(['v1.1.0']);
      expect(NOW).toBeGreaterThan(Date.parse(t('03', '15:00')));
    } finally {
      await fake.close();
      await db.cleanup();
    }
  });

  it('refuses a rule that cannot work, naming the key', () => {
    expect(() => healthConfig('http://127.0.0.1:1/api/v4', { extra: ['    releases: { include: "v[1-" }'] })).toThrow(
      /sources\.gitlab\.releases\.include: "v\[1-" is not a valid glob/,
    );
  });
});

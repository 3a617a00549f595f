/**
 * What happens after the first backfill: new pull requests, deployments, a deployment that
 * finishes, a run that completes and an incident that closes are picked up by the next run,
 * which ends with the same rows as a backfill of the whole history; `--since` reads again.
 */
import { describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { RepoBuilder } from '../../fakes/github/scenario';
import { startFakeGithub } from '../../fakes/github/server';
import { sha } from '../../helpers/factories';
import { eitherDb } from '../../helpers/either-store';
import { acmeConfig, collect, dumpDb } from './helpers';

const LATER = Date.parse('2026-03-06T12:00:00Z');

describe('the next runs', () => {
  it('store exactly what is new, and end where a backfill of the whole history ends', async () => {
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const t = await eitherDb();
    const fresh = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(t, config);
      const web = RepoBuilder.of(scenario.repos[0]);
      web.commit('web-p5a', ['web-m3'], '2026-03-05T11:00:00Z');
      web.pull({
        number: 5,
        commits: ['web-p5a'],
        createdAt: '2026-03-05T11:10:00Z',
        mergedAt: '2026-03-05T12:00:00Z',
        mergeName: 'web-m5',
      });
      web.repo.deployments.at(-1)!.statuses.push({ id: 1, state: 'success', createdAt: '2026-03-05T12:30:00Z' });
      web.deployment({ commit: 'web-m5', createdAt: '2026-03-05T12:50:00Z', statuses: [['success', '2026-03-05T13:00:00Z']] });
      Object.assign(
        web.repo.issues.find((i) => i.number === 21)!,
        { state: 'closed', closedAt: '2026-03-05T14:00:00Z', updatedAt: '2026-03-05T14:00:00Z' },
      );
      Object.assign(
        web.repo.runs.find((r) => r.conclusion === null)!,
        { status: 'completed', conclusion: 'success', updatedAt: '2026-03-05T15:00:00Z' },
      );

      const from = fake.requests.length;
      const next = await collect(t, config, { now: LATER });
      const asked = fake.requests.slice(from);
      expect(next.repositories.find((r) => r.name === 'acme/web')).toMatchObject({ stored: 6 });
      // The REST probes say what changed; GraphQL reads it; only the deployment still running is asked about alone.
      expect(asked.filter((r) => r.status === 200).map((r) => r.endpoint)).toEqual([
        'GET /repos/{owner}/{repo}/pulls',
        'POST /graphql pullRequestsPage',
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        'GET /repos/{owner}/{repo}/deployments',
        'POST /graphql deploymentsPage',
        'GET /repos/{owner}/{repo}/actions/runs',
        'GET /repos/{owner}/{repo}/issues',
      ]);
      expect(asked.find((r) => r.endpoint.endsWith('/statuses'))?.path).toBe('/repos/acme/web/deployments/1018/statuses');
      const rows = await dumpDb(t);
      expect(rows.deployments.filter((d) => (d as { sha: string }).sha === sha('web-m5'))).toHaveLength(1);
      expect(rows.incidents.find((i) => (i as { ext_id: string }).ext_id === 'acme/web/issues/21')).toMatchObject({
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

  it('read everything from --since again, without conditional requests, and store nothing twice', async () => {
    const fake = await startFakeGithub(acme(), { tokens: ['test-token'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(t, config);
      const events = await t.count('raw_events');
      const from = fake.requests.length;
      const again = await collect(t, config, { since: Date.parse('2026-03-03T00:00:00Z'), only: ['acme/web'] });
      const asked = fake.requests.slice(from);
      expect(asked.every((r) => !r.conditional && r.status === 200)).toBe(true);
      // Deployments come with their statuses through GraphQL; only the one still running is asked about through REST.
      expect(asked.filter((r) => r.endpoint.startsWith('POST /graphql deploymentsPage'))).toHaveLength(1);
      expect(asked.filter((r) => r.path.endsWith('/statuses'))).toHaveLength(1);
      expect(again).toMatchObject({ stored: 0, errors: [] });
      expect(await t.count('raw_events')).toBe(events);
    } finally {
      await fake.close();
      await t.cleanup();
    }
  });
});

/**
 * A change to a source's declared environments re-maps what it stored (issue 16): acme/jobs
 * deploys by a workflow, first declared to deploy to staging (no production deployment), then to
 * production. At the next start its stored run is sent again through the ingest path with the
 * environment declared now, linked, and the figures equal a fresh collection under the new
 * declaration; the raw log keeps both versions; a start with the same configuration does nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { startFakeGithub } from '../../fakes/github/server';
import { eitherDb } from '../../helpers/either-store';
import { get, startTestServer } from '../../helpers/server';
import { acmeConfig, collect, dumpDb } from './helpers';
import { loadConfig } from '../../../server/config';

const jobsRows = (rows: Record<string, unknown[]>) => ({
  deployments: (rows.deployments as { service: string; ext_id: string }[]).filter((d) => d.service === 'acme/jobs'),
  shipped: (rows.shipped as { service: string }[]).filter((s) => s.service === 'acme/jobs'),
});

const range = 'scope=service:acme/jobs&from=2026-02-01&to=2026-03-06';

async function figures(url: string) {
  const metrics = (await get(`${url}/api/v1/metrics?${range}`)).body;
  const changes = ((await get(`${url}/api/v1/changes?${range}`)).body.items as { sha: string; deploymentId: string }[]).map((c) => [
    c.sha,
    c.deploymentId,
  ]);
  return { deploymentFrequency: metrics.deploymentFrequency, leadTime: metrics.leadTime, changes: changes.sort() };
}

describe("a change to a GitHub workflow's declared environment", () => {
  it('maps the runs stored under the old declaration again at start, and the figures equal a fresh collection', async () => {
    const fake = await startFakeGithub(acme(), { tokens: ['test-token'] });
    const t = await eitherDb();
    const fresh = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      const newer = readFileSync(config.file, 'utf8');
      const older = newer.replace('workflow: deploy.yml }', 'workflow: deploy.yml, environment: staging }');
      expect(older).not.toBe(newer);
      writeFileSync(config.file, older);
      const env = { ...t.env, DEMING_CONFIG: config.file };

      await collect(t, loadConfig({ ...env }));
      // A start under the declaration the runs were collected with changes nothing.
      const logged: string[] = [];
      let server = await startTestServer(env, undefined, (m) => logged.push(m));
      const before = await figures(server.url);
      await server.stop();
      expect(logged.filter((m) => m.includes('declared environments'))).toEqual([]);
      expect(jobsRows(await dumpDb(t)).deployments).toMatchObject([{ environment: 'staging', is_production: 0 }]);
      expect(before.deploymentFrequency.count).toBe(0);

      // The workflow is declared to deploy to production now.
      writeFileSync(config.file, newer);
      server = await startTestServer(env, undefined, (m) => logged.push(m));
      const after = await figures(server.url);
      await server.stop();
      expect(logged.join('\n')).toMatch(
        /sources\.github: the declared environments changed; 1 of \d+ stored deployments mapped again and linked/,
      );
      const remapped = jobsRows(await dumpDb(t));
      expect(remapped.deployments).toMatchObject([{ environment: 'production', is_production: 1 }]);
      expect(remapped.shipped.length).toBeGreaterThan(0);
      expect(after.deploymentFrequency.count).toBe(1);

      // The same as collecting afresh under the new declaration.
      await collect(fresh, loadConfig({ ...fresh.env, DEMING_CONFIG: config.file }));
      expect(await dumpDb(t)).toEqual(await dumpDb(fresh));
      const freshServer = await startTestServer({ ...fresh.env, DEMING_CONFIG: config.file });
      try {
        expect(after).toEqual(await figures(freshServer.url));
      } finally {
        await freshServer.stop();
      }

      // The raw log keeps both versions; the next start with this configuration sends nothing.
      const id = remapped.deployments[0].ext_id;
      const versions = (
        await t.all<{ payload: string }>("SELECT payload FROM raw_events WHERE type = 'deployment' AND event_id = ? ORDER BY id", id)
      ).map((r) => (JSON.parse(r.payload) as { environment: string }).environment);
      expect(versions).toEqual(['staging', 'production']);
      logged.length = 0;
      server = await startTestServer(env, undefined, (m) => logged.push(m));
      await server.stop();
      expect(logged.filter((m) => m.includes('declared environments'))).toEqual([]);
    } finally {
      await t.cleanup();
      await fresh.cleanup();
      await fake.close();
    }
  });
});

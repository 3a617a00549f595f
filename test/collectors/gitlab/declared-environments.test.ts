/**
 * A change to GitLab's declared production environments (`sources.gitlab.environments`, for
 * environments without a tier) re-maps the deployments stored under the old pattern at the next
 * start (issue 16): health/portal's `prod` has no tier, so the pattern decides; booking's `live`
 * has the production tier, which decides whatever the pattern says. The figures equal a fresh
 * collection under the new declaration, and the raw log keeps both versions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { health } from '../../fakes/gitlab/health';
import { startFakeGitlab } from '../../fakes/gitlab/server';
import { eitherDb } from '../../helpers/either-store';
import { get, startTestServer } from '../../helpers/server';
import { loadConfig } from '../../../server/config';
import { collect, dumpDb, healthConfig } from './helpers';

const production = (rows: Record<string, unknown[]>) =>
  (rows.deployments as { service: string; environment: string; is_production: number }[]).map(
    (d) => `${d.service} ${d.environment} ${d.is_production}`,
  );

const figures = async (url: string, service: string) =>
  (await get(`${url}/api/v1/metrics?scope=service:${service}&from=2026-02-01&to=2026-03-06`)).body as Record<string, unknown>;

describe("a change to GitLab's declared production environments", () => {
  it('maps the deployments without a tier again at start, leaves those with a tier, and the figures equal a fresh collection', async () => {
    const fake = await startFakeGitlab(health(), { tokens: { 'test-token': ['read_api'] } });
    const t = await eitherDb();
    const fresh = await eitherDb();
    try {
      const config = healthConfig(fake.apiUrl, { extra: ['    environments: "^(live|never)$"'] });
      const env = { ...t.env, DEMING_CONFIG: config.file };
      await collect(t, loadConfig(env));
      const before = production(await dumpDb(t));
      expect(before.filter((d) => d.startsWith('health/portal'))).toEqual(['health/portal prod 0', 'health/portal prod 0']);

      // The declaration removed: the top-level pattern (^prod(uction)?$) decides for `prod`.
      writeFileSync(config.file, readFileSync(config.file, 'utf8').replace('    environments: "^(live|never)$"\n', ''));
      const logged: string[] = [];
      const server = await startTestServer(env, undefined, (m) => logged.push(m));
      const portal = await figures(server.url, 'health/portal');
      const booking = await figures(server.url, 'health/clinics/booking');
      await server.stop();
      expect(logged.join('\n')).toMatch(
        /sources\.gitlab: the declared environments changed; 2 of \d+ stored deployments mapped again and linked/,
      );
      const after = production(await dumpDb(t));
      expect(after.filter((d) => d.startsWith('health/portal'))).toEqual(['health/portal prod 1', 'health/portal prod 1']);
      // Booking's tiers decided, so nothing of it moved.
      expect(after.filter((d) => d.startsWith('health/clinics'))).toEqual(before.filter((d) => d.startsWith('health/clinics')));

      await collect(fresh, loadConfig({ ...fresh.env, DEMING_CONFIG: config.file }));
      expect(await dumpDb(t)).toEqual(await dumpDb(fresh));
      const freshServer = await startTestServer({ ...fresh.env, DEMING_CONFIG: config.file });
      try {
        expect(portal).toEqual(await figures(freshServer.url, 'health/portal'));
        expect(booking).toEqual(await figures(freshServer.url, 'health/clinics/booking'));
      } finally {
        await freshServer.stop();
      }
      expect((portal.deploymentFrequency as { count: number }).count).toBe(2);

      const versions = (await t.all<{ payload: string }>("SELECT payload FROM raw_events WHERE type = 'deployment' ORDER BY id"))
        .map((r) => JSON.parse(r.payload) as { service: string; production?: boolean })
        .filter((p) => p.service === 'health/portal')
        .map((p) => p.production ?? null);
      expect(versions).toEqual([false, false, null, null]);
    } finally {
      await t.cleanup();
      await fresh.cleanup();
      await fake.close();
    }
  });
});

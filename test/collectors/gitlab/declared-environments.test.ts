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
import { tempDb } from '../../helpers/db';
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
    const t = tempDb();
    const fresh = tempDb();
    try {
      const config = healthConfig(fake.apiUrl, { extra: ['    environments: "^(live|never)$"'] });
      const env = { DEMING_DB: t.file, DEMING_CONFIG: config.file };
      await collect(t.db, loadConfig(env));
      const before = production(dumpDb(t.db));
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
      const after = production(dumpDb(t.db));
      expect(after.filter((d) => d.startsWith('health/portal'))).toEqual(['health/portal prod 1', 'health/portal prod 1']);
      // Booking's tiers decided, so nothing of it moved.
      expect(after.filter((d) => d.startsWith('health/clinics'))).toEqual(before.filter((d) => d.startsWith('health/clinics')));

      await collect(fresh.db, loadConfig({ DEMING_DB: fresh.file, DEMING_CONFIG: config.file }));
      expect(dumpDb(t.db)).toEqual(dumpDb(fresh.db));
      const freshServer = await startTestServer({ DEMING_DB: fresh.file, DEMING_CONFIG: config.file });
      try {
        expect(portal).toEqual(await figures(freshServer.url, 'health/portal'));
        expect(booking).toEqual(await figures(freshServer.url, 'health/clinics/booking'));
      } finally {
        await freshServer.stop();
      }
      expect((portal.deploymentFrequency as { count: number }).count).toBe(2);

      const versions = (
        t.db
          .prepare(
            "SELECT payload FROM raw_events WHERE type = 'deployment' AND json_extract(payload, '$.service') = 'health/portal' ORDER BY id",
          )
          .pluck()
          .all() as string[]
      ).map((p) => (JSON.parse(p) as { production?: boolean }).production ?? null);
      expect(versions).toEqual([false, false, null, null]);
    } finally {
      t.cleanup();
      fresh.cleanup();
      await fake.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../common/api';
import { startInstances, type Instances } from '../helpers/instances';
import { deployment } from '../helpers/factories';
import { figurePaths, figuresOf, figuresOnBoth, postEvents } from '../helpers/figures';

/**
 * Two real Deming processes on one real PostgreSQL database (issue 23): the connection on which an
 * instance hears the other's commits is killed (pg_terminate_backend) and held down; the instance
 * says so, drops what it holds, answers 503 to a load balancer meanwhile, listens again, and its
 * figures stay those of the other instance throughout.
 */
const ORG = [{ id: 'd1', name: 'Department One', teams: [{ id: 't1', name: 'Team One', services: ['acme/app', 'acme/api'] }] }];
const SCOPES = ['org', 'department:d1', 'team:t1', 'service:acme/app', 'service:acme/api'];

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const r = await fetch(`${url}/api/v1/health`);
  return { status: r.status, body: (await r.json()) as HealthResponse };
}

describe('an instance that loses the connection hearing the others', () => {
  let two: Instances;
  let dir: string;
  let admin: pg.Client;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deming-multi-lost-'));
    const config = join(dir, 'deming.config.yaml');
    writeFileSync(config, JSON.stringify({ organisation: ORG }));
    two = await startInstances(2, { DEMING_CONFIG: config });
    admin = new pg.Client({ connectionString: two.db.url });
    await admin.connect();
    await postEvents(two.servers[0].url, [
      deployment({ id: 'seed-app', service: 'acme/app', finishedAt: '2026-03-02T00:00:00Z' }),
      deployment({ id: 'seed-api', service: 'acme/api', finishedAt: '2026-03-03T00:00:00Z' }),
    ]);
    for (const s of two.servers) await figuresOf(s.url, figurePaths(SCOPES));
  });
  afterAll(async () => {
    await admin?.end();
    await two?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says so, answers 503 while it cannot hear, drops what it holds, listens again, and its figures stay right', async () => {
    const [a, b] = two.servers;
    const before = await health(b.url);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ ready: true, notReady: [], instances: { listening: true, lost: 0 } });
    const instance = before.body.instances!.instance;
    // Kill B's listening connection, and every new one it opens, for 1.5 s; meanwhile A takes a batch B cannot hear.
    const kill = () =>
      admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'deming-listen ' || $1",
        [instance],
      );
    expect((await kill()).rowCount).toBe(1);
    let sawNotReady: HealthResponse | null = null;
    let posted = false;
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      await kill();
      const h = await health(b.url);
      if (h.status === 503) sawNotReady ??= h.body;
      if (h.status === 503 && !posted) {
        posted = true;
        await postEvents(a.url, [deployment({ id: 'unheard-1', service: 'acme/api', finishedAt: '2026-03-12T00:00:00Z' })]);
        // While it cannot hear, B reads from the database every time: its figures are already right.
        expect(await figuresOf(b.url, figurePaths(SCOPES))).toEqual(await figuresOf(a.url, figurePaths(SCOPES)));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(posted).toBe(true);
    expect(sawNotReady).toMatchObject({ status: 'error', ready: false, instances: { listening: false } });
    expect(sawNotReady!.notReady.join(' ')).toContain("does not hear the other instances' commits");
    // Let go: B listens again (its back-off is at most a few seconds by now) and says it is ready.
    let after = await health(b.url);
    for (let i = 0; i < 100 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await health(b.url);
    }
    expect(after.status).toBe(200);
    expect(after.body.instances!.listening).toBe(true);
    expect(after.body.instances!.lost).toBeGreaterThanOrEqual(1);
    expect(b.output()).toContain("lost the connection that hears other instances' commits");
    expect(b.output()).toContain('every figure, answer and organisation tree kept in memory is dropped');
    expect(b.output()).toContain("hearing other instances' commits again");
    // Heard again: a batch posted to A now moves B's (cached) figures too.
    await postEvents(a.url, [deployment({ id: 'heard-1', service: 'acme/app', finishedAt: '2026-03-13T00:00:00Z' })]);
    const paths = figurePaths(SCOPES);
    const { fromA, fromB } = await figuresOnBoth(a.url, b.url, paths);
    expect(fromB).toEqual(fromA);
    const org = fromA[paths[1]] as { deploymentFrequency: { count: number } };
    expect(org.deploymentFrequency.count).toBe(4);
  });
});

/**
 * The collectors run on one instance of two on one PostgreSQL database (issue 23): the holder of
 * the collectors' lock. Killed with SIGKILL, the other takes over within the retry interval
 * (DEMING_COLLECTOR_RETRY, 1 s here) and collects from the fake GitHub; `npx deming collect`
 * refuses while a server holds the lock, naming it, or with --wait takes it once the server stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../common/api';
import { acme, acmeSourcesYaml, ORGANISATION_YAML } from '../fakes/github/acme';
import { startFakeGithub, type FakeGithubServer } from '../fakes/github/server';
import { startInstances, type Instances } from '../helpers/instances';
import { runCli } from '../helpers/cli-child';
import type { ServerProcess } from '../helpers/process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RETRY_S = 1;

let fake: FakeGithubServer;
let two: Instances;
let configFile: string;

const health = async (s: ServerProcess): Promise<HealthResponse> =>
  (await fetch(`${s.url}/api/v1/health`)).json() as Promise<HealthResponse>;
const until = async <T>(f: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const collect = (args: string[] = []) =>
  runCli(['collect', ...args], { DEMING_CONFIG: configFile, DEMING_DATABASE_URL: two.db.url }, ['GITHUB_TOKEN', 'DEMING_DB']);

beforeAll(async () => {
  fake = await startFakeGithub(acme(), { tokens: ['test-token'] });
  configFile = join(mkdtempSync(join(tmpdir(), 'deming-lock-')), 'deming.config.yaml');
  writeFileSync(configFile, `${ORGANISATION_YAML}\n${acmeSourcesYaml(fake.apiUrl, '    interval: 10m\n    backfillDays: 3650')}\n`);
  two = await startInstances(2, { DEMING_CONFIG: configFile, DEMING_COLLECTOR_RETRY: `${RETRY_S}s` });
}, 120_000);
afterAll(async () => {
  await two?.stop();
  await fake?.close();
});

describe("the collectors' lock across two instances", () => {
  let holder: ServerProcess;
  let standby: ServerProcess;

  it('one instance runs the collectors, and health says which', async () => {
    const [a, b] = await until(async () => {
      const [ha, hb] = await Promise.all(two.servers.map(health));
      return ha.collectorLock?.here !== hb.collectorLock?.here ? [ha, hb] : undefined;
    }, 'one holder');
    expect(a.collectorLock?.retrySeconds).toBe(RETRY_S);
    expect(b.collectorLock?.retrySeconds).toBe(RETRY_S);
    [holder, standby] = a.collectorLock!.here ? two.servers : [two.servers[1], two.servers[0]];
    // The holder collects (its first run a second after it took the lock); the standby does not.
    await until(async () => (fake.requests.length > 0 ? true : undefined), 'the first collection');
    expect(holder.output()).toMatch(/collectors: this instance runs them/);
    expect(standby.output()).not.toMatch(/collectors: this instance runs them/);
  });

  it('npx deming collect refuses while a server holds the lock, and names it', async () => {
    const run = await collect().done;
    expect(run.code).toBe(3);
    expect(run.err).toContain(`pid ${holder.child.pid} port ${new URL(holder.url).port}`);
    expect(run.err).toMatch(/--wait/);
  });

  it('moves to the survivor within the retry interval when the holder is killed, and the survivor collects', async () => {
    const before = fake.requests.length;
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    await until(async () => ((await health(standby)).collectorLock?.here ? true : undefined), 'the takeover');
    const takeover = Date.now() - killedAt;
    // Stated: one retry interval (the killed process's connection drops at once), with room for a loaded machine.
    expect(takeover).toBeLessThan(RETRY_S * 1000 + 4000);
    await until(async () => (fake.requests.length > before ? true : undefined), "the survivor's collection");
    expect(standby.output()).toMatch(/collectors: this instance runs them/);
    // It keeps serving.
    expect((await health(standby)).status).toBe('ok');
  });

  it('collect --wait waits for the lock, and collects once the server holding it stops', async () => {
    const waiting = collect(['--wait']);
    let err = '';
    waiting.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await until(async () => (err.includes('waiting for the collectors') ? true : undefined), 'the wait');
    expect(waiting.child.exitCode).toBeNull();
    standby.child.kill('SIGTERM');
    await standby.exited;
    const run = await waiting.done;
    expect(run.err).toMatch(/took the collectors' lock; collecting/);
    // acme/gone answers 404: the run exits 1 with the rest collected.
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Collected 4 repositories/);
  }, 30_000);
});

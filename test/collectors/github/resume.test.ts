/**
 * `npx deming collect` for real, in a child process: killed with SIGKILL after its first
 * committed batch and started again, it ends with the same database as a run that was never
 * interrupted; no gaps, no duplicates. Also what the command prints.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import { rowReader } from '../../helpers/either-store';
import { acmeConfig, dumpWithCursors } from './helpers';
import { killAfterFirstCommit, runCli } from '../../helpers/cli-child';

let fake: FakeGithubServer;
let configFile: string;

const cli = (db: string, args: string[] = []) =>
  runCli(['collect', ...args], { DEMING_CONFIG: configFile, DEMING_DB: db }, ['GITHUB_TOKEN']);

const dbFile = () => join(mkdtempSync(join(tmpdir(), 'deming-cli-')), 'deming.db');
const dump = async (file: string) => {
  const rows = rowReader(file, null);
  try {
    return await dumpWithCursors(rows);
  } finally {
    await rows.close();
  }
};

beforeAll(async () => {
  fake = await startFakeGithub(acme(), { tokens: ['test-token'], latencyMs: 30 });
  configFile = acmeConfig(fake.apiUrl, { extra: '    backfillDays: 3650' }).file;
});
afterAll(() => fake.close());

describe('npx deming collect', () => {
  let reference: { file: string; out: string; code: number | null };

  beforeAll(async () => {
    const file = dbFile();
    const run = await cli(file).done;
    reference = { file, out: run.out, code: run.code };
  }, 30_000);

  it('prints a line per repository and a summary, and exits 1 when a repository failed', () => {
    expect(reference.code).toBe(1);
    const lines = reference.out.trim().split('\n');
    expect(lines[0]).toMatch(/^acme\/api\s+\d+ requests \(0 answered 304\)\s+\d+ stored\s+rate limit [\d,]+ left$/);
    expect(lines.find((l) => l.startsWith('acme/gone'))).toMatch(/failed: not found \(404\)/);
    expect(lines.find((l) => l.startsWith('acme/web'))).toMatch(/\d+ stored/);
    expect(reference.out).toMatch(
      /Collected 4 repositories in [\d.]+ s: \d+ requests \(0 answered 304\), \d+ events stored, rate limit [\d,]+ left; 1 failed:\n {2}acme\/gone: not found/,
    );
  });

  it('killed after its first committed batch and run again, ends with the same database', async () => {
    const file = dbFile();
    const killed = await killAfterFirstCommit(cli(file), file);
    expect(killed.signal).toBe('SIGKILL');
    const partial = await dump(file);
    expect(partial.raw_events.length).toBeGreaterThan(0);
    expect(partial.raw_events.length).toBeLessThan((await dump(reference.file)).raw_events.length);

    const second = await cli(file).done;
    expect(second.code).toBe(1);
    expect(await dump(file)).toEqual(await dump(reference.file));
  }, 30_000);

  it('--plan prints the repositories, the requests and the time from the rate limit, and collects nothing', async () => {
    const file = dbFile();
    const from = fake.requests.length;
    const plan = await cli(file, ['--plan']).done;
    expect(plan.out).toMatch(/^Plan: 4 repositories, since \d{4}-\d\d-\d\d\n/);
    expect(plan.out).toMatch(/\n {2}acme\/web +3 merged pull requests, 7 deployments, \d+ runs\n/);
    expect(plan.out).toMatch(
      /\nEstimated: \d+ requests \(\d+ REST, \d+ GraphQL costing about \d+ points\)\.\nRate limit: REST [\d,]+ of 5,000 left, resets at \d\d:\d\d UTC; GraphQL/,
    );
    expect(plan.out).toMatch(/It fits in what is left: about \d+ s/);
    expect(plan.out).toMatch(/acme\/gone: not found/);
    expect(plan.code).toBe(1);
    expect(fake.requests.slice(from).filter((r) => r.path.endsWith('/pulls') || r.path.endsWith('/deployments'))).toEqual([]);
    expect((await dump(file)).raw_events).toEqual([]);
  }, 30_000);

  it('with nothing new, asks only conditional requests and stores nothing', async () => {
    const again = await cli(reference.file, ['--repo', 'acme/web']).done;
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^acme\/web\s+(\d+) requests \(\1 answered 304\)\s+0 stored/);
  }, 30_000);
});

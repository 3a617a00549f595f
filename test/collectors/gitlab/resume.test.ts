/**
 * `npx deming collect gitlab` for real, in a child process: what it prints (a line per project
 * and a summary), killed with SIGKILL after its first committed batch and started again it ends
 * with the same database as a run that was never interrupted, and a run with nothing new stores nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health } from '../../fakes/gitlab/health';
import { startFakeGitlab, type FakeGitlabServer } from '../../fakes/gitlab/server';
import { killAfterFirstCommit, runCli } from '../../helpers/cli-child';
import { dumpWithCursors, healthConfig } from './helpers';
import { rowReader } from '../../helpers/either-store';

let fake: FakeGitlabServer;
let configFile: string;

const cli = (db: string, args: string[] = []) =>
  runCli(['collect', 'gitlab', ...args], { DEMING_CONFIG: configFile, DEMING_DB: db }, [
    'GITLAB_TOKEN',
    'HTTP_PROXY',
    'http_proxy',
    'HTTPS_PROXY',
    'https_proxy',
  ]);
const dbFile = () => join(mkdtempSync(join(tmpdir(), 'deming-glcli-')), 'deming.db');
const dump = async (file: string) => {
  const rows = rowReader(file, null);
  try {
    return await dumpWithCursors(rows);
  } finally {
    await rows.close();
  }
};

beforeAll(async () => {
  fake = await startFakeGitlab(health(), { tokens: { 'test-token': ['read_api'] }, latencyMs: 25 });
  configFile = healthConfig(fake.apiUrl, { extra: ['    backfillDays: 3650', '    projects: [health/gone]'] }).file;
});
afterAll(() => fake.close());

describe('npx deming collect gitlab', () => {
  let reference: { file: string; out: string; code: number | null };

  beforeAll(async () => {
    const file = dbFile();
    const run = await cli(file).done;
    reference = { file, out: run.out, code: run.code };
  }, 60_000);

  it('prints a line per project and a summary, and exits 1 when a project failed', () => {
    expect(reference.code).toBe(1);
    const lines = reference.out.trim().split('\n');
    expect(lines[0]).toMatch(/^health\/clinics\/booking\s+\d+ requests\s+\d+ stored\s+rate limit [\d,]+ left$/);
    expect(lines[1]).toMatch(/^health\/portal\s+\d+ requests\s+\d+ stored/);
    expect(reference.out).toMatch(
      /Collected 2 projects in [\d.]+ s: \d+ requests, \d+ events stored, rate limit [\d,]+ left; 1 failed:\n {2}health\/gone: not found \(404\)/,
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
  }, 60_000);

  it('with nothing new, stores nothing', async () => {
    const again = await cli(reference.file, ['--project', 'health/clinics/booking']).done;
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^health\/clinics\/booking\s+\d+ requests\s+0 stored/);
  }, 60_000);
});

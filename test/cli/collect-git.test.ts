import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { get, startTestServer } from '../helpers/server';
import { buildHistory, createRepo } from '../collectors/git/repo';

const bin = new URL('../../bin/deming.js', import.meta.url).pathname;
const made: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-cli-git-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Runs `npx deming …` as a user would, in a separate process. */
function deming(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, DEMING_DEMO: 'off', ...env }, cwd: tmpdir() },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npx deming collect git', () => {
  it('reads a repository into the database: exact lead times in GET /api/v1/metrics, nothing new on a re-run', async () => {
    const repo = createRepo();
    made.push(repo.dir);
    buildHistory(repo);
    const db = join(tempDir(), 'deming.db');
    const first = await deming(['collect', 'git', repo.dir, '--service', 'acme/app', '--release-tags', 'v*'], { DEMING_DB: db });
    expect(first.stderr).toMatch(/git acme\/app: stored 7 commits, 3 release tags from .* \(release tags v\* on main\)/);
    expect(first.code).toBe(0);
    const again = await deming(['collect', 'git', repo.dir, '--service', 'acme/app', '--release-tags', 'v*'], { DEMING_DB: db });
    expect(again).toMatchObject({ code: 0, stderr: expect.stringMatching(/nothing new/) });

    const s = await startTestServer({ DEMING_DB: db });
    try {
      const m = await get(`${s.url}/api/v1/metrics?scope=service:acme/app&from=2026-03-01&to=2026-03-10`);
      expect(m.body.leadTime).toMatchObject({ count: 7, p50: 86_400, p85: 172_800, p95: 172_800 });
      expect(m.body.deploymentFrequency.count).toBe(3);
    } finally {
      await s.stop();
    }
  });

  it.each([
    ['a folder that is not a repository', () => [tmpdir(), '--service', 'a/b'], /is not a git repository/],
    ['a path that does not exist', () => [join(tmpdir(), 'deming-no-such-dir'), '--service', 'a/b'], /is not a git repository/],
    ['no service', () => [tmpdir()], /--service is required/],
  ])('exits 2 with a clear message for %s', async (_name, args, message) => {
    const r = await deming(['collect', 'git', ...args()], { DEMING_DB: join(tempDir(), 'deming.db') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

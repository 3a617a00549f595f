/**
 * `leadTimeFrom: author` (issue 16, DESIGN.md "The metrics", 2.): a read-time setting. A commit
 * rebased (or cherry-picked) days after it was written keeps its author time; with the setting,
 * its lead time starts there, whichever collector stored the change, and nothing is collected again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/process';
import { get, post, startTestServer } from '../helpers/server';
import { eitherDb } from '../helpers/either-store';
import { createRepo } from '../collectors/git/repo';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-lead-from-'));
  made.push(d);
  return d;
};
const day = 86_400;

function configFile(text: string): string {
  const file = join(tempDir(), 'deming.config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('leadTimeFrom', () => {
  it("author: a rebased commit's lead time runs from its author time, for changes from git and from the API alike; commit (the default) from its commit time", async () => {
    // Written on March 1, rebased onto main on March 6, released on March 7.
    const repo = createRepo();
    made.push(repo.dir);
    repo.commit('base', '2026-02-20T00:00:00Z');
    const rebased = repo.commit('rebased', '2026-03-06T00:00:00Z', 'file.txt', '2026-03-01T00:00:00Z');
    repo.tag('v1.0.0', '2026-03-07T00:00:00Z');
    const db = await eitherDb();
    onTestFinished(() => db.cleanup());
    const collected = await runCli(['collect', 'git', repo.dir, '--service', 'acme/app', '--include', 'v*'], {
      ...db.env,
      DEMING_DEMO: 'off',
    });
    expect(collected.code).toBe(0);

    const figures = async (url: string) => {
      const scope = (s: string) => get(`${url}/api/v1/metrics?scope=service:${s}&from=2026-03-01&to=2026-03-10`);
      type Item = { sha: string; leadTime: number; committedAt: string; leadTimeFrom: string };
      const list = async (extra: string) =>
        (await get(`${url}/api/v1/changes?scope=service:acme/app&from=2026-03-01&to=2026-03-10${extra}`)).body.items as Item[];
      const item = (items: Item[]) => {
        const c = items.find((i) => i.sha === rebased)!;
        return { leadTime: c.leadTime, committedAt: c.committedAt, leadTimeFrom: c.leadTimeFrom };
      };
      const csv = await fetch(`${url}/api/v1/changes?scope=service:acme/app&from=2026-03-01&to=2026-03-10&format=csv`).then((r) =>
        r.text(),
      );
      return {
        app: (await scope('acme/app')).body.leadTime,
        api: (await scope('acme/api')).body.leadTime,
        listed: item(await list('')).leadTime,
        item: item(await list('')),
        // The list by pull request (the dashboard's): a change without one stands alone, timed the same way.
        grouped: item(await list('&groupBy=pullRequest')),
        csvHeader: csv.split('\n')[0],
      };
    };

    const byCommit = await startTestServer({ ...db.env, DEMING_CONFIG: configFile('timezone: UTC\n') });
    let commit;
    try {
      // Another source (the API, as GitHub's collector sends them): authored March 2, committed March 5, deployed March 6.
      const sent = await post(`${byCommit.url}/api/v1/events`, [
        {
          type: 'change',
          source: 'github',
          service: 'acme/api',
          sha: 'a'.repeat(40),
          committedAt: '2026-03-05T00:00:00Z',
          authoredAt: '2026-03-02T00:00:00Z',
        },
        {
          type: 'deployment',
          source: 'github',
          id: 'api-1',
          service: 'acme/api',
          environment: 'production',
          status: 'success',
          sha: 'a'.repeat(40),
          finishedAt: '2026-03-06T00:00:00Z',
        },
      ]);
      expect(sent.status).toBe(200);
      commit = await figures(byCommit.url);
    } finally {
      await byCommit.stop();
    }
    // The tag shipped both commits: base (15 days) and the rebased one (1 day from its commit).
    expect(commit.app).toMatchObject({ count: 2, p50: 8 * day });
    expect(commit.listed).toBe(day);
    expect(commit.item).toEqual({ leadTime: day, committedAt: '2026-03-06T00:00:00.000Z', leadTimeFrom: 'commit' });
    expect(commit.grouped).toEqual(commit.item);
    expect(commit.csvHeader).toContain('committedAt,leadTimeFrom,deployedAt');
    expect(commit.api).toMatchObject({ count: 1, p50: day });

    const byAuthor = await startTestServer({ ...db.env, DEMING_CONFIG: configFile('leadTimeFrom: author\n') });
    try {
      const author = await figures(byAuthor.url);
      // 6 days from the rebased commit's author time; base was never rebased: 15 days either way.
      expect(author.app).toMatchObject({ count: 2, p50: 10.5 * day });
      // The changes list says the same as the figures.
      expect(author.listed).toBe(6 * day);
      // And says which time it starts from: the author time, under the field the list has always had.
      expect(author.item).toEqual({ leadTime: 6 * day, committedAt: '2026-03-01T00:00:00.000Z', leadTimeFrom: 'author' });
      expect(author.grouped).toEqual(author.item);
      expect(author.api).toMatchObject({ count: 1, p50: 4 * day });
    } finally {
      await byAuthor.stop();
    }
  });

  it('refuses a value it does not know, naming the key and the choices', async () => {
    await expect(startTestServer({ DEMING_CONFIG: configFile('leadTimeFrom: authored\n') })).rejects.toThrow(
      /leadTimeFrom: expected commit \(lead time from the commit time, the default\) or author/,
    );
  });
});

/**
 * Which tags are releases, and taking them back (issue 16): `npx deming collect git` run as a
 * user would, on a repository built here with real git, into a database a real server reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/process';
import { get, startTestServer } from '../../helpers/server';
import { buildReleaseHistory, createRepo } from './repo';

const made: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-releases-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Runs `npx deming …` in its own process, its output not a terminal. */
const deming = (args: string[], env: Record<string, string>) => runCli(args, { DEMING_DEMO: 'off', ...env });

const day = 86_400;

function releaseRepo() {
  const repo = createRepo();
  made.push(repo.dir);
  const history = buildReleaseHistory(repo);
  return { repo, ...history };
}

/** The raw log's versions of one deployment, oldest first. */
function rawVersions(dbFile: string, id: string): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT payload FROM raw_events WHERE payload LIKE \'%"type":"deployment"%\' ORDER BY id').pluck().all() as string[])
      .map((p) => JSON.parse(p) as { id: string; status: string })
      .filter((e) => e.id === id)
      .map((e) => e.status);
  } finally {
    db.close();
  }
}

describe('collect git: release tags', () => {
  it('counts stable tags on the default branch only; a narrower pattern retracts, a wider one restores, the figures follow and the raw log keeps every version', async () => {
    const { repo } = releaseRepo();
    repo.git(['remote', 'add', 'origin', 'git@github.com:acme/app.git']);
    const db = join(tempDir(), 'deming.db');
    const collect = (...more: string[]) => deming(['collect', 'git', repo.dir, '--service', 'acme/app', ...more], { DEMING_DB: db });

    const first = await collect();
    expect(first.code).toBe(0);
    // 6 commits (the backport too: it is history, only its tag does not count), 3 release tags.
    expect(first.stderr).toMatch(/git acme\/app: stored 6 commits, 3 release tags from .* \(release tags v\* on main\)/);
    // Honest progress without a terminal: plain lines, no redraws, ending at all of the work.
    expect(first.stderr).toMatch(/\[#+\] 100% {2}9\/9 events\n/);
    expect(first.stderr).not.toMatch(/\r|\x1b/);

    const server = await startTestServer({ DEMING_DB: db });
    try {
      const figures = async () => (await get(`${server.url}/api/v1/metrics?scope=service:acme/app&from=2026-03-01&to=2026-03-10`)).body;
      const deployments = async () =>
        (await get(`${server.url}/api/v1/deployments?scope=service:acme/app&from=2026-03-01&to=2026-03-10`)).body.items as {
          id: string;
          status: string;
          url: string;
        }[];

      // v1.0.0 ships c1, c2 (2 and 1 days); v1.1.0 ships c3, c4 (2 and 1); v1.2.0 ships c5 (0).
      // Not v1.1.0-rc.1 (a pre-release) nor v1.0.1 (on the support branch only).
      let m = await figures();
      expect(m.deploymentFrequency.count).toBe(3);
      expect(m.leadTime).toMatchObject({ count: 5, p50: day, p95: 2 * day });
      const listed = await deployments();
      expect(listed.map((d) => [d.id, d.status]).sort()).toEqual([
        ['v1.0.0', 'success'],
        ['v1.1.0', 'success'],
        ['v1.2.0', 'success'],
      ]);
      // Linked to the repository's host: the remote is GitHub.
      expect(listed.find((d) => d.id === 'v1.1.0')!.url).toBe('https://github.com/acme/app/releases/tag/v1.1.0');

      // Narrower: v1.1.0 no longer matches, so it is retracted and v1.2.0 ships c3, c4 and c5.
      const narrow = await collect('--include', 'v1.0*,v1.2*');
      expect(narrow.code).toBe(0);
      expect(narrow.stderr).toMatch(/stored 0 commits, 0 release tags, 1 tag retracted/);
      m = await figures();
      expect(m.deploymentFrequency.count).toBe(2);
      expect(m.leadTime).toMatchObject({ count: 5, p50: 2 * day, p95: expect.closeTo(2.8 * day, 6) });
      expect((await deployments()).find((d) => d.id === 'v1.1.0')!.status).toBe('retracted');

      // Wider again: restored, and the figures are those of the first run.
      const wide = await collect();
      expect(wide.stderr).toMatch(/stored 0 commits, 1 release tag from/);
      m = await figures();
      expect(m.deploymentFrequency.count).toBe(3);
      expect(m.leadTime).toMatchObject({ count: 5, p50: day, p95: 2 * day });

      // The pre-release and the backport count when asked for.
      const all = await collect('--include-prereleases', '--all-branches');
      expect(all.stderr).toMatch(/stored 0 commits, 2 release tags from .*on every branch, pre-releases included/);
      expect((await figures()).deploymentFrequency.count).toBe(5);
    } finally {
      await server.stop();
    }
    expect(rawVersions(db, 'v1.1.0')).toEqual(['success', 'retracted', 'success']);
  });

  it('warns when no tag matches, and exits 1 with --strict', async () => {
    const { repo } = releaseRepo();
    const db = join(tempDir(), 'deming.db');
    const r = await deming(['collect', 'git', repo.dir, '--service', 'acme/app', '--include', 'release-*'], { DEMING_DB: db });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no tag counts as a release \(5 tags: 5 not matching --include 'release-\*'\)/);
    const strict = await deming(['collect', 'git', repo.dir, '--service', 'acme/app', '--include', 'v1.1.0-*', '--strict'], {
      DEMING_DB: db,
    });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/warning: no tag counts as a release \(5 tags: 4 not matching --include 'v1.1.0-\*', 1 pre-release\)/);
  });

  it.each([
    [
      'an exclude pattern that excludes every tag',
      ['--exclude', 'v*'],
      /--exclude: "v\*" excludes every tag that --include "v\*" matches \(5\).*narrow the exclude pattern/,
    ],
    [
      'an include pattern that is not a valid glob',
      ['--include', 'v[1-'],
      /--include: "v\[1-" is not a valid glob: the \[ at position 2 is not closed with \]/,
    ],
    ['an empty pattern', ['--exclude', 'v0*,'], /--exclude: "v0\*," has an empty pattern between commas/],
    [
      'a link pattern without its placeholder',
      ['--commit-url', 'https://git.example.gov/acme/app/commit/'],
      /--commit-url: .* is not a link pattern: give an http\(s\) URL with \{sha\}/,
    ],
    ['a branch that does not exist', ['--branch', 'trunk'], /--branch: the repository has no branch "trunk"/],
  ])('refuses %s: exit 2, the option and the fix named, nothing stored', async (_name, more, message) => {
    const { repo } = releaseRepo();
    const db = join(tempDir(), 'deming.db');
    const r = await deming(['collect', 'git', repo.dir, '--service', 'acme/app', ...more], { DEMING_DB: db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    const s = await startTestServer({ DEMING_DB: db });
    try {
      expect((await get(`${s.url}/api/v1/org`)).body.services).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it("prints its own usage for --help, not the GitHub collector's", async () => {
    const r = await deming(['collect', 'git', '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npx deming collect git <path-or-url> --service <name>/);
    expect(r.stdout).toMatch(/--include-prereleases/);
    expect(r.stdout).toMatch(/Refs read:/);
    expect(r.stdout).not.toMatch(/sources\.github/);
  });
});

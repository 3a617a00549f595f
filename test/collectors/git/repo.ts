/** Builds real git repositories for tests, with fixed dates so every lead time is exact. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const baseEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.org',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.org',
};

export interface TestRepo {
  dir: string;
  git(args: string[], date?: string, authorDate?: string): string;
  /** Commits a change to `file` at `date` (author and committer, or authored at `authorDate`: a rebased commit); returns its sha. */
  commit(message: string, date: string, file?: string, authorDate?: string): string;
  /** An annotated tag dated `date`. */
  tag(name: string, date: string, target?: string): void;
  lightweightTag(name: string, target?: string): void;
  /** Deletes the repository. */
  remove(): void;
}

export function createRepo(): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'deming-git-'));
  const git = (args: string[], date = '2026-01-01T00:00:00Z', authorDate = date) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { ...baseEnv, GIT_AUTHOR_DATE: authorDate, GIT_COMMITTER_DATE: date },
      encoding: 'utf8',
    }).trim();
  git(['init', '--quiet', '-b', 'main']);
  let n = 0;
  return {
    dir,
    git,
    commit(message, date, file = 'file.txt', authorDate = date) {
      writeFileSync(join(dir, file), `${message} ${++n}\n`);
      git(['add', file]);
      git(['commit', '--quiet', '-m', message], date, authorDate);
      return git(['rev-parse', 'HEAD']);
    },
    tag(name, date, target = 'HEAD') {
      git(['tag', '-a', name, '-m', `release ${name}`, target], date);
    },
    lightweightTag(name, target = 'HEAD') {
      git(['tag', name, target]);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const day = 86_400;

/**
 * main: c1 (Mar 1), c2 (Mar 2), v1.0 annotated Mar 3; a branch f1 (Mar 4) merged (m, Mar 5)
 * after c3 (Mar 4 12:00), v1.1 annotated Mar 6; c4 (Mar 6 12:00), c5 (Mar 7) tagged v1.2
 * lightweight (so dated by c5); and a tag that is not a release.
 */
export function buildHistory(repo: TestRepo) {
  const c1 = repo.commit('c1', '2026-03-01T00:00:00Z');
  const c2 = repo.commit('c2', '2026-03-02T00:00:00Z');
  repo.tag('v1.0', '2026-03-03T00:00:00Z');
  repo.git(['checkout', '--quiet', '-b', 'feature']);
  const f1 = repo.commit('f1', '2026-03-04T00:00:00Z', 'feature.txt');
  repo.git(['checkout', '--quiet', 'main']);
  const c3 = repo.commit('c3', '2026-03-04T12:00:00Z');
  repo.git(['merge', '--quiet', '--no-ff', '-m', 'merge feature', 'feature'], '2026-03-05T00:00:00Z');
  const m = repo.git(['rev-parse', 'HEAD']);
  repo.tag('v1.1', '2026-03-06T00:00:00Z');
  const c4 = repo.commit('c4', '2026-03-06T12:00:00Z');
  const c5 = repo.commit('c5', '2026-03-07T00:00:00Z');
  repo.lightweightTag('v1.2');
  repo.lightweightTag('nightly-7');
  return {
    shas: { c1, c2, f1, c3, m, c4, c5 },
    /** Lead times in seconds, sorted. */
    leadTimes: [0, 0.5 * day, day, day, 1.5 * day, 2 * day, 2 * day],
    deployments: 3,
  };
}

/**
 * Releases by tag, as a project that also tags pre-releases and backports does. main: c1 (Mar 1),
 * c2 (Mar 2), v1.0.0 (annotated, Mar 3); c3 (Mar 4), v1.1.0-rc.1 (Mar 4 12:00); c4 (Mar 5),
 * v1.1.0 (Mar 6); c5 (Mar 7) tagged v1.2.0 (lightweight, so Mar 7). A support branch from
 * v1.0.0: s1 (Mar 5 06:00) tagged v1.0.1 (Mar 7), which main never reaches.
 */
export function buildReleaseHistory(repo: TestRepo) {
  const c1 = repo.commit('c1', '2026-03-01T00:00:00Z');
  const c2 = repo.commit('c2', '2026-03-02T00:00:00Z');
  repo.tag('v1.0.0', '2026-03-03T00:00:00Z');
  const c3 = repo.commit('c3', '2026-03-04T00:00:00Z');
  repo.tag('v1.1.0-rc.1', '2026-03-04T12:00:00Z');
  const c4 = repo.commit('c4', '2026-03-05T00:00:00Z');
  repo.tag('v1.1.0', '2026-03-06T00:00:00Z');
  repo.git(['checkout', '--quiet', '-b', 'support/1.0', 'v1.0.0']);
  const s1 = repo.commit('s1', '2026-03-05T06:00:00Z', 'backport.txt');
  repo.tag('v1.0.1', '2026-03-07T00:00:00Z');
  repo.git(['checkout', '--quiet', 'main']);
  const c5 = repo.commit('c5', '2026-03-07T00:00:00Z');
  repo.lightweightTag('v1.2.0');
  return { shas: { c1, c2, c3, c4, c5, s1 } };
}

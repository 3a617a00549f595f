/**
 * The in-memory GitHub behind the fake server: repositories with a commit graph, pull requests,
 * deployments with statuses, releases, workflow runs and issues, built with a small builder so
 * a test reads like the history it describes.
 */
import { sha as shaOf } from '../../helpers/factories';

export interface FakeCommit {
  sha: string;
  parents: string[];
  committedAt: string;
  authoredAt: string;
  message: string;
}
export interface FakeStatus {
  id: number;
  state: string;
  createdAt: string;
  logUrl?: string;
}
export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  createdAt: string;
  statuses: FakeStatus[];
}
export interface FakePull {
  number: number;
  title: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeSha: string | null;
  commits: string[];
  closingIssues: number[];
  headRef: string;
  baseRef: string;
}
export interface FakeRelease {
  id: number;
  tag: string;
  targetCommitish: string;
  sha: string;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
}
export interface FakeRun {
  id: number;
  name: string;
  path: string;
  headSha: string;
  headBranch: string;
  event: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  startedAt: string;
  updatedAt: string;
}
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}
export interface FakePush {
  before: string;
  after: string;
  commits: string[];
  at: string;
}

export interface FakeRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  archived: boolean;
  commits: Map<string, FakeCommit>;
  branches: Map<string, string>;
  pulls: FakePull[];
  deployments: FakeDeployment[];
  releases: FakeRelease[];
  runs: FakeRun[];
  issues: FakeIssue[];
  pushes: FakePush[];
}

export interface FakeGithub {
  repos: FakeRepo[];
  orgs: Map<string, string[]>;
}

export const fullName = (r: FakeRepo) => `${r.owner}/${r.name}`;
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

let ids = 1000;
/** A new id, unique in this process (GitHub's ids are unique per host). */
export const nextId = () => ++ids;

/** Builds one repository's history. Shas are `sha(name)` of test/helpers/factories. */
export class RepoBuilder {
  readonly repo: FakeRepo;

  /** Goes on building a repository that already exists (history that happens after a sync). */
  static of(repo: FakeRepo): RepoBuilder {
    const b = new RepoBuilder(repo.owner, repo.name);
    (b as { repo: FakeRepo }).repo = repo;
    return b;
  }

  constructor(owner: string, name: string, opts: { defaultBranch?: string; archived?: boolean } = {}) {
    this.repo = {
      owner,
      name,
      defaultBranch: opts.defaultBranch ?? 'main',
      archived: opts.archived ?? false,
      commits: new Map(),
      branches: new Map(),
      pulls: [],
      deployments: [],
      releases: [],
      runs: [],
      issues: [],
      pushes: [],
    };
  }

  /** A commit named `name` (its sha is `sha(name)`), not yet on any branch. */
  commit(name: string, parents: string[], committedAt: string, authoredAt = committedAt): string {
    const sha = shaOf(name);
    this.repo.commits.set(sha, {
      sha,
      parents: parents.map(shaOf),
      committedAt,
      authoredAt,
      message: `${name}: a change\n\nSigned-off-by: Ada Lovelace <ada@example.org>`,
    });
    return sha;
  }

  /** Moves the default branch to `head` (a commit name), as a push of the commits it adds. */
  push(head: string, commits: string[], at: string): void {
    const branch = this.repo.defaultBranch;
    const before = this.repo.branches.get(branch) ?? '0'.repeat(40);
    this.repo.branches.set(branch, shaOf(head));
    this.repo.pushes.push({ before, after: shaOf(head), commits: commits.map(shaOf), at });
  }

  /** A pull request of branch commits `commits`, merged by `method` into the default branch at `mergedAt` (or left open). */
  pull(o: {
    number: number;
    commits: string[];
    createdAt: string;
    mergedAt?: string;
    method?: 'merge' | 'squash' | 'rebase';
    mergeName?: string;
    closes?: number[];
    updatedAt?: string;
  }): void {
    const base = this.repo.branches.get(this.repo.defaultBranch)!;
    let mergeSha: string | null = null;
    if (o.mergedAt) {
      const method = o.method ?? 'merge';
      const name = o.mergeName ?? `merge-${o.number}`;
      const head = o.commits[o.commits.length - 1];
      mergeSha = this.commitSha(name, method === 'merge' ? [base, shaOf(head)] : [base], o.mergedAt);
      const added = method === 'merge' ? [...o.commits.map(shaOf), mergeSha] : [mergeSha];
      const before = this.repo.branches.get(this.repo.defaultBranch)!;
      this.repo.branches.set(this.repo.defaultBranch, mergeSha);
      this.repo.pushes.push({ before, after: mergeSha, commits: added, at: o.mergedAt });
    }
    this.repo.pulls.push({
      number: o.number,
      title: `Change ${o.number}`,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt ?? o.mergedAt ?? o.createdAt,
      closedAt: o.mergedAt ?? null,
      mergedAt: o.mergedAt ?? null,
      mergeSha,
      commits: o.commits.map(shaOf),
      closingIssues: o.closes ?? [],
      headRef: `feature-${o.number}`,
      baseRef: this.repo.defaultBranch,
    });
  }

  private commitSha(name: string, parents: string[], at: string): string {
    const sha = shaOf(name);
    this.repo.commits.set(sha, { sha, parents, committedAt: at, authoredAt: at, message: `Merge ${name}` });
    return sha;
  }

  /** A deployment of commit `commit` with its statuses, each `[state, at]`. */
  deployment(o: { commit: string; environment?: string; createdAt: string; statuses: [string, string][] }): FakeDeployment {
    const d: FakeDeployment = {
      id: nextId(),
      sha: shaOf(o.commit),
      ref: this.repo.defaultBranch,
      environment: o.environment ?? 'production',
      createdAt: o.createdAt,
      statuses: o.statuses.map(([state, at]) => ({
        id: nextId(),
        state,
        createdAt: at,
        logUrl: `https://ci.example.org/deploys/${state}-${at}`,
      })),
    };
    this.repo.deployments.push(d);
    return d;
  }

  release(o: {
    tag: string;
    commit: string;
    createdAt: string;
    publishedAt?: string | null;
    draft?: boolean;
    prerelease?: boolean;
    targetIsSha?: boolean;
  }): void {
    const sha = shaOf(o.commit);
    this.repo.releases.push({
      id: nextId(),
      tag: o.tag,
      targetCommitish: o.targetIsSha ? sha : this.repo.defaultBranch,
      sha,
      draft: o.draft ?? false,
      prerelease: o.prerelease ?? false,
      createdAt: o.createdAt,
      publishedAt: o.publishedAt === undefined ? o.createdAt : o.publishedAt,
    });
  }

  run(o: {
    commit: string;
    name?: string;
    path?: string;
    branch?: string;
    event?: string;
    conclusion: string | null;
    createdAt: string;
    minutes?: number;
  }): FakeRun {
    const run: FakeRun = {
      id: nextId(),
      name: o.name ?? 'CI',
      path: o.path ?? '.github/workflows/ci.yml',
      headSha: shaOf(o.commit),
      headBranch: o.branch ?? this.repo.defaultBranch,
      event: o.event ?? 'push',
      status: o.conclusion === null ? 'in_progress' : 'completed',
      conclusion: o.conclusion,
      createdAt: o.createdAt,
      startedAt: later(o.createdAt, 1),
      updatedAt: later(o.createdAt, o.minutes ?? 10),
    };
    this.repo.runs.push(run);
    return run;
  }

  issue(o: { number: number; labels: string[]; createdAt: string; closedAt?: string; body?: string; title?: string }): void {
    this.repo.issues.push({
      number: o.number,
      title: o.title ?? `Issue ${o.number}`,
      body: o.body ?? 'Reported by Grace Hopper <grace@example.org>.',
      labels: o.labels,
      state: o.closedAt ? 'closed' : 'open',
      createdAt: o.createdAt,
      updatedAt: o.closedAt ?? o.createdAt,
      closedAt: o.closedAt ?? null,
    });
  }
}

/** The commits reachable from `head`, less those reachable from `base`, oldest first. */
export function commitsBetween<C extends { sha: string; parents: string[]; committedAt: string }>(
  repo: { commits: Map<string, C> },
  base: string,
  head: string,
): C[] {
  const reach = (from: string) => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s) || !repo.commits.has(s)) continue;
      seen.add(s);
      stack.push(...repo.commits.get(s)!.parents);
    }
    return seen;
  };
  const excluded = reach(base);
  return [...reach(head)]
    .filter((s) => !excluded.has(s))
    .map((s) => repo.commits.get(s)!)
    .sort((a, b) => a.committedAt.localeCompare(b.committedAt) || a.sha.localeCompare(b.sha));
}

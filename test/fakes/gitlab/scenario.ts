/**
 * The in-memory GitLab behind the fake server: groups and subgroups, projects with a commit
 * graph, merged merge requests (merge commit, squash or fast-forward), pipelines with test
 * report summaries, environments with tiers, deployments and incident issues, built with a small
 * builder so a test reads like the history it describes. Shas are `sha(name)` of test/helpers/factories.
 */
import { sha as shaOf } from '../../helpers/factories';
import { commitsBetween as oldestFirst } from '../github/scenario';

export interface FakeCommit {
  sha: string;
  parents: string[];
  committedAt: string;
  authoredAt: string;
  message: string;
}
export interface FakeMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  method: 'merge' | 'squash' | 'ff';
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  headSha: string;
  commits: string[];
}
export interface FakePipeline {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  duration: number | null;
  tests: { count: number; success: number; failed: number; skipped: number; error: number } | null;
}
export interface FakeEnvironment {
  id: number;
  name: string;
  tier: string | null;
}
export interface FakeDeployment {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  environment: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  jobId: number;
}
export interface FakeIssue {
  id: number;
  iid: number;
  title: string;
  description: string;
  type: 'issue' | 'incident';
  labels: string[];
  severity: string | null;
  state: 'opened' | 'closed';
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
export interface FakeRelease {
  tag: string;
  sha: string;
  createdAt: string;
  releasedAt: string;
  upcoming: boolean;
}

export interface FakeProject {
  id: number;
  path: string;
  defaultBranch: string;
  archived: boolean;
  commits: Map<string, FakeCommit>;
  head: string | null;
  mergeRequests: FakeMergeRequest[];
  pipelines: FakePipeline[];
  environments: FakeEnvironment[];
  deployments: FakeDeployment[];
  issues: FakeIssue[];
  pushes: FakePush[];
  releases: FakeRelease[];
}
export interface FakeGroup {
  id: number;
  path: string;
}
export interface FakeGitlab {
  groups: FakeGroup[];
  projects: FakeProject[];
}

let ids = 5000;
/** A new id, unique in this process (GitLab's ids are unique per instance). */
export const nextId = () => ++ids;
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** Builds one project's history. */
export class ProjectBuilder {
  readonly project: FakeProject;

  static of(project: FakeProject): ProjectBuilder {
    const b = Object.create(ProjectBuilder.prototype) as ProjectBuilder;
    (b as { project: FakeProject }).project = project;
    return b;
  }

  constructor(path: string, opts: { id?: number; defaultBranch?: string; archived?: boolean } = {}) {
    this.project = {
      id: opts.id ?? nextId(),
      path,
      defaultBranch: opts.defaultBranch ?? 'main',
      archived: opts.archived ?? false,
      commits: new Map(),
      head: null,
      mergeRequests: [],
      pipelines: [],
      environments: [],
      deployments: [],
      issues: [],
      pushes: [],
      releases: [],
    };
  }

  /** A commit named `name`, not yet on the default branch. */
  commit(name: string, parents: string[], committedAt: string, authoredAt = committedAt): string {
    const sha = shaOf(name);
    this.project.commits.set(sha, {
      sha,
      parents: parents.map(shaOf),
      committedAt,
      authoredAt,
      message: `${name}: a change\n\nSigned-off-by: Ada Lovelace <ada@example.org>`,
    });
    return sha;
  }

  /** Moves the default branch to `head` (a commit name) by a push. */
  push(head: string, at: string, commits: string[] = [head]): void {
    const before = this.project.head ?? '0'.repeat(40);
    this.project.head = shaOf(head);
    this.project.pushes.push({ before, after: shaOf(head), commits: commits.map(shaOf), at });
  }

  /** A merge request of `commits`, merged by `method` at `mergedAt` (or left open). */
  mergeRequest(o: {
    iid: number;
    commits: string[];
    createdAt: string;
    mergedAt?: string;
    method?: 'merge' | 'squash' | 'ff';
    mergeName?: string;
    description?: string;
    updatedAt?: string;
  }): FakeMergeRequest {
    const method = o.method ?? 'merge';
    const head = shaOf(o.commits[o.commits.length - 1]);
    let mergeCommitSha: string | null = null;
    let squashCommitSha: string | null = null;
    if (o.mergedAt) {
      const base = this.project.head!;
      const before = base;
      const name = o.mergeName ?? `${this.project.path}-merge-${o.iid}`;
      if (method === 'merge') {
        mergeCommitSha = this.commit(name, [], o.mergedAt);
        this.project.commits.get(mergeCommitSha)!.parents = [base, head];
      } else if (method === 'squash') {
        squashCommitSha = this.commit(name, [], o.mergedAt);
        this.project.commits.get(squashCommitSha)!.parents = [base];
      }
      const after = mergeCommitSha ?? squashCommitSha ?? head;
      this.project.head = after;
      const added = method === 'merge' ? [...o.commits.map(shaOf), after] : method === 'squash' ? [after] : o.commits.map(shaOf);
      this.project.pushes.push({ before, after, commits: added, at: o.mergedAt });
    }
    const mr: FakeMergeRequest = {
      id: nextId(),
      iid: o.iid,
      title: `Change ${o.iid}`,
      description: o.description ?? `Made by Grace Hopper <grace@example.org>.`,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt ?? o.mergedAt ?? o.createdAt,
      mergedAt: o.mergedAt ?? null,
      method,
      mergeCommitSha,
      squashCommitSha,
      headSha: head,
      commits: o.commits.map(shaOf),
    };
    this.project.mergeRequests.push(mr);
    return mr;
  }

  environment(name: string, tier: string | null): FakeEnvironment {
    const env = { id: nextId(), name, tier };
    this.project.environments.push(env);
    return env;
  }

  /** A pipeline of commit `commit`; `status` null while it runs. */
  pipeline(o: {
    commit: string;
    ref?: string;
    status: string | null;
    createdAt: string;
    minutes?: number;
    tests?: { success: number; failed: number; skipped?: number };
  }): FakePipeline {
    const finished = o.status === null ? null : later(o.createdAt, (o.minutes ?? 10) + 1);
    const p: FakePipeline = {
      id: nextId(),
      iid: this.project.pipelines.length + 1,
      sha: shaOf(o.commit),
      ref: o.ref ?? this.project.defaultBranch,
      status: o.status ?? 'running',
      createdAt: o.createdAt,
      updatedAt: finished ?? later(o.createdAt, 1),
      startedAt: later(o.createdAt, 1),
      finishedAt: finished,
      duration: finished ? (o.minutes ?? 10) * 60 : null,
      tests: o.tests
        ? {
            count: o.tests.success + o.tests.failed + (o.tests.skipped ?? 0),
            success: o.tests.success,
            failed: o.tests.failed,
            skipped: o.tests.skipped ?? 0,
            error: 0,
          }
        : null,
    };
    this.project.pipelines.push(p);
    return p;
  }

  /** A deployment of commit `commit` to `environment`; finished `minutes` after it was created unless still running. */
  deployment(o: { commit: string; environment?: string; createdAt: string; status?: string; minutes?: number }): FakeDeployment {
    const status = o.status ?? 'success';
    const finished = status === 'running' || status === 'created' ? null : later(o.createdAt, o.minutes ?? 10);
    const d: FakeDeployment = {
      id: nextId(),
      iid: this.project.deployments.length + 1,
      sha: shaOf(o.commit),
      ref: this.project.defaultBranch,
      environment: o.environment ?? 'production',
      status,
      createdAt: o.createdAt,
      updatedAt: finished ?? o.createdAt,
      finishedAt: finished,
      jobId: nextId(),
    };
    this.project.deployments.push(d);
    return d;
  }

  /** A release of tag `tag` on commit `commit`; `upcoming` when its release date is still ahead. */
  release(o: { tag: string; commit: string; releasedAt: string; upcoming?: boolean }): FakeRelease {
    const r = { tag: o.tag, sha: shaOf(o.commit), createdAt: o.releasedAt, releasedAt: o.releasedAt, upcoming: o.upcoming ?? false };
    this.project.releases.push(r);
    return r;
  }

  issue(o: {
    iid: number;
    type?: 'issue' | 'incident';
    labels?: string[];
    severity?: string | null;
    createdAt: string;
    closedAt?: string;
    description?: string;
    title?: string;
  }): FakeIssue {
    const i: FakeIssue = {
      id: nextId(),
      iid: o.iid,
      title: o.title ?? `Issue ${o.iid}`,
      description: o.description ?? 'Reported by Grace Hopper <grace@example.org>.',
      type: o.type ?? 'issue',
      labels: o.labels ?? [],
      severity: o.type === 'incident' ? (o.severity ?? 'UNKNOWN') : null,
      state: o.closedAt ? 'closed' : 'opened',
      createdAt: o.createdAt,
      updatedAt: o.closedAt ?? o.createdAt,
      closedAt: o.closedAt ?? null,
    };
    this.project.issues.push(i);
    return i;
  }
}

/** The commits reachable from `head`, less those reachable from `base`, newest first (as `git log`). */
export const commitsBetween = (p: FakeProject, base: string, head: string): FakeCommit[] => oldestFirst(p, base, head).reverse();

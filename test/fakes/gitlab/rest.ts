/**
 * GitLab's objects as its REST API and GraphQL answer them, with the personal fields real
 * answers carry (names, usernames, e-mails), so tests can check Deming drops them.
 */
import type { FakeCommit, FakeDeployment, FakeEnvironment, FakeIssue, FakeMergeRequest, FakePipeline, FakeProject } from './scenario';

const user = { id: 1, username: 'ada', name: 'Ada Lovelace', state: 'active', avatar_url: null, web_url: 'https://gitlab.example/ada' };

/** `web` is the instance's page root, such as http://127.0.0.1:1234/gitlab. */
export const projectJson = (web: string, p: FakeProject) => ({
  id: p.id,
  name: p.path.split('/').pop(),
  path: p.path.split('/').pop(),
  path_with_namespace: p.path,
  name_with_namespace: p.path.replace(/\//g, ' / '),
  web_url: `${web}/${p.path}`,
  default_branch: p.defaultBranch,
  archived: p.archived,
  visibility: 'internal',
  namespace: { id: 1, name: p.path.split('/').slice(0, -1).join('/'), full_path: p.path.split('/').slice(0, -1).join('/'), kind: 'group' },
  created_at: '2025-01-01T00:00:00.000Z',
  last_activity_at: '2026-03-01T00:00:00.000Z',
});

export const commitJson = (web: string, p: FakeProject, c: FakeCommit) => ({
  id: c.sha,
  short_id: c.sha.slice(0, 8),
  created_at: c.committedAt,
  parent_ids: c.parents,
  title: c.message.split('\n')[0],
  message: c.message,
  author_name: 'Ada Lovelace',
  author_email: 'ada@example.org',
  authored_date: c.authoredAt,
  committer_name: 'Ada Lovelace',
  committer_email: 'ada@example.org',
  committed_date: c.committedAt,
  web_url: `${web}/${p.path}/-/commit/${c.sha}`,
});

export const environmentJson = (e: FakeEnvironment) => ({
  id: e.id,
  name: e.name,
  slug: e.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
  external_url: null,
  state: 'available',
  tier: e.tier,
});

export function deploymentJson(web: string, p: FakeProject, d: FakeDeployment) {
  const env = p.environments.find((e) => e.name === d.environment);
  return {
    id: d.id,
    iid: d.iid,
    ref: d.ref,
    sha: d.sha,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    finished_at: d.finishedAt,
    status: d.status,
    user,
    // The list embeds the environment without its tier, as GitLab does.
    environment: {
      id: env?.id ?? 0,
      name: d.environment,
      slug: d.environment,
      external_url: null,
      created_at: d.createdAt,
      updated_at: d.createdAt,
    },
    deployable: {
      id: d.jobId,
      status: d.status,
      stage: 'deploy',
      name: 'deploy',
      ref: d.ref,
      created_at: d.createdAt,
      started_at: d.createdAt,
      finished_at: d.finishedAt,
      user,
      web_url: `${web}/${p.path}/-/jobs/${d.jobId}`,
    },
  };
}

export const issueJson = (web: string, p: FakeProject, i: FakeIssue) => ({
  id: i.id,
  iid: i.iid,
  project_id: p.id,
  title: i.title,
  description: i.description,
  state: i.state,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
  closed_at: i.closedAt,
  closed_by: i.closedAt ? user : null,
  labels: i.labels,
  author: user,
  assignees: [user],
  issue_type: i.type,
  type: i.type.toUpperCase(),
  severity: i.severity,
  web_url: `${web}/${p.path}/-/issues/${i.iid}`,
});

export const mergeRequestGraphql = (web: string, p: FakeProject, mr: FakeMergeRequest, commits: FakeCommit[]) => ({
  iid: String(mr.iid),
  createdAt: mr.createdAt,
  updatedAt: mr.updatedAt,
  mergedAt: mr.mergedAt,
  mergeCommitSha: mr.mergeCommitSha,
  squashCommitSha: mr.squashCommitSha,
  squash: mr.method === 'squash',
  diffHeadSha: mr.headSha,
  webUrl: `${web}/${p.path}/-/merge_requests/${mr.iid}`,
  description: mr.description,
  author: { username: 'ada', name: 'Ada Lovelace' },
  commits: {
    nodes: commits.map((c) => ({
      sha: c.sha,
      authoredDate: c.authoredAt,
      committedDate: c.committedAt,
      authorName: 'Ada Lovelace',
      authorEmail: 'ada@example.org',
    })),
  },
});

export const pipelineGraphql = (p: FakePipeline) => ({
  id: `gid://gitlab/Ci::Pipeline/${p.id}`,
  iid: String(p.iid),
  sha: p.sha,
  ref: p.ref,
  status: p.status.toUpperCase(),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  startedAt: p.startedAt,
  finishedAt: p.finishedAt,
  duration: p.duration,
  user: { username: 'ada' },
  testReportSummary: {
    total: p.tests
      ? { time: 12.5, ...p.tests, suiteError: null }
      : { time: 0, count: 0, success: 0, failed: 0, skipped: 0, error: 0, suiteError: null },
  },
});

export const testReportSummaryJson = (p: FakePipeline) => ({
  total: p.tests
    ? { time: 12.5, ...p.tests, suite_error: null }
    : { time: 0, count: 0, success: 0, failed: 0, skipped: 0, error: 0, suite_error: null },
  test_suites: [],
});

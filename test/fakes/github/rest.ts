/**
 * GitHub's REST shapes for the fake's objects, as GitHub documents them (fields Deming does not
 * read included, people too, so tests can check that none of it is stored).
 */
import type { FakeCommit, FakeDeployment, FakeIssue, FakePull, FakeRelease, FakeRepo, FakeRun, FakeStatus } from './scenario';
import { fullName } from './scenario';

export const WEB = 'https://github.com';
const person = (login: string, id: number) => ({
  login,
  id,
  node_id: `MDQ6VXNlcj${id}`,
  avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
  gravatar_id: '',
  url: `https://api.github.com/users/${login}`,
  html_url: `${WEB}/${login}`,
  type: 'User',
  site_admin: false,
});
const octocat = person('octocat', 1);

export function repoJson(api: string, r: FakeRepo) {
  return {
    id: r.name.length * 1000 + r.owner.length,
    node_id: `R_${r.owner}_${r.name}`,
    name: r.name,
    full_name: fullName(r),
    private: true,
    owner: { ...person(r.owner, 9), type: 'Organization' },
    html_url: `${WEB}/${fullName(r)}`,
    description: null,
    fork: false,
    url: `${api}/repos/${fullName(r)}`,
    archived: r.archived,
    disabled: false,
    default_branch: r.defaultBranch,
    visibility: 'private',
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    pushed_at: '2026-01-01T00:00:00Z',
  };
}

export function commitJson(api: string, r: FakeRepo, c: FakeCommit) {
  const who = (date: string) => ({ name: 'Ada Lovelace', email: 'ada@example.org', date });
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: `${api}/repos/${fullName(r)}/commits/${c.sha}`,
    html_url: `${WEB}/${fullName(r)}/commit/${c.sha}`,
    commit: {
      author: who(c.authoredAt),
      committer: who(c.committedAt),
      message: c.message,
      comment_count: 0,
      tree: { sha: c.sha.split('').reverse().join(''), url: `${api}/repos/${fullName(r)}/git/trees/x` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
    },
    author: octocat,
    committer: octocat,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/repos/${fullName(r)}/commits/${p}`,
      html_url: `${WEB}/${fullName(r)}/commit/${p}`,
    })),
  };
}

export function pullJson(api: string, r: FakeRepo, p: FakePull) {
  const head = p.commits[p.commits.length - 1];
  return {
    url: `${api}/repos/${fullName(r)}/pulls/${p.number}`,
    id: 5000 + p.number,
    node_id: `PR_${p.number}`,
    html_url: `${WEB}/${fullName(r)}/pull/${p.number}`,
    number: p.number,
    state: p.closedAt ? 'closed' : 'open',
    locked: false,
    title: p.title,
    user: octocat,
    body: 'Please review.',
    labels: [],
    milestone: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    draft: false,
    head: { label: `${r.owner}:${p.headRef}`, ref: p.headRef, sha: head, user: octocat },
    base: { label: `${r.owner}:${p.baseRef}`, ref: p.baseRef, sha: head, user: octocat },
    author_association: 'MEMBER',
  };
}

export function deploymentJson(api: string, r: FakeRepo, d: FakeDeployment) {
  const updated = d.statuses.length ? d.statuses[d.statuses.length - 1].createdAt : d.createdAt;
  return {
    url: `${api}/repos/${fullName(r)}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: 'Deploy request from hubot',
    creator: octocat,
    created_at: d.createdAt,
    updated_at: updated,
    statuses_url: `${api}/repos/${fullName(r)}/deployments/${d.id}/statuses`,
    repository_url: `${api}/repos/${fullName(r)}`,
    transient_environment: false,
    production_environment: /^prod/i.test(d.environment),
  };
}

export function statusJson(api: string, r: FakeRepo, d: FakeDeployment, s: FakeStatus) {
  return {
    url: `${api}/repos/${fullName(r)}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: octocat,
    description: `Deployment ${s.state}`,
    environment: d.environment,
    target_url: s.logUrl ?? '',
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/repos/${fullName(r)}/deployments/${d.id}`,
    repository_url: `${api}/repos/${fullName(r)}`,
    environment_url: 'https://app.example.org',
    log_url: s.logUrl ?? '',
  };
}

export function releaseJson(api: string, r: FakeRepo, x: FakeRelease) {
  return {
    url: `${api}/repos/${fullName(r)}/releases/${x.id}`,
    html_url: `${WEB}/${fullName(r)}/releases/tag/${x.tag}`,
    id: x.id,
    node_id: `RE_${x.id}`,
    tag_name: x.tag,
    target_commitish: x.targetCommitish,
    name: x.tag,
    body: 'Notes',
    draft: x.draft,
    prerelease: x.prerelease,
    created_at: x.createdAt,
    published_at: x.publishedAt,
    author: octocat,
    assets: [],
    tarball_url: `${api}/repos/${fullName(r)}/tarball/${x.tag}`,
    zipball_url: `${api}/repos/${fullName(r)}/zipball/${x.tag}`,
  };
}

export function runJson(api: string, r: FakeRepo, x: FakeRun) {
  const repo = repoJson(api, r);
  return {
    id: x.id,
    name: x.name,
    node_id: `WFR_${x.id}`,
    head_branch: x.headBranch,
    head_sha: x.headSha,
    path: x.path,
    display_title: 'A change by Ada',
    run_number: x.id % 1000,
    event: x.event,
    status: x.status,
    conclusion: x.conclusion,
    workflow_id: x.path.length,
    check_suite_id: x.id * 3,
    url: `${api}/repos/${fullName(r)}/actions/runs/${x.id}`,
    html_url: `${WEB}/${fullName(r)}/actions/runs/${x.id}`,
    pull_requests: [],
    created_at: x.createdAt,
    updated_at: x.updatedAt,
    actor: octocat,
    triggering_actor: octocat,
    run_attempt: 1,
    run_started_at: x.startedAt,
    head_commit: {
      id: x.headSha,
      tree_id: x.headSha,
      message: 'A change',
      timestamp: x.createdAt,
      author: { name: 'Ada Lovelace', email: 'ada@example.org' },
      committer: { name: 'Ada Lovelace', email: 'ada@example.org' },
    },
    repository: repo,
    head_repository: repo,
  };
}

export function issueJson(api: string, r: FakeRepo, i: FakeIssue) {
  return {
    id: 7000 + i.number,
    node_id: `I_${i.number}`,
    url: `${api}/repos/${fullName(r)}/issues/${i.number}`,
    repository_url: `${api}/repos/${fullName(r)}`,
    html_url: `${WEB}/${fullName(r)}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.state === 'closed' ? 'completed' : null,
    title: i.title,
    body: i.body,
    user: octocat,
    labels: i.labels.map((name, k) => ({ id: k + 1, node_id: `L_${k}`, name, color: 'd73a4a', default: false, description: null })),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: 0,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: 'MEMBER',
  };
}

/** The pure mappers from GitHub payloads to native events, each payload type to its exact event. */
import { describe, expect, it } from 'vitest';
import { adaptCommit, commitFromRest } from '../../../collectors/github/adapt-commit';
import { adaptDeployment } from '../../../collectors/github/adapt-deployment';
import { adaptIssue, rootCauseOf, severityOf } from '../../../collectors/github/adapt-issue';
import { adaptPullRequest } from '../../../collectors/github/adapt-pull-request';
import { adaptRelease } from '../../../collectors/github/adapt-release';
import { adaptRun, adaptRunAsDeployment } from '../../../collectors/github/adapt-run';
import {
  deploymentPayload,
  deploymentStatusPayload,
  graphqlPullRequest,
  issuePayload,
  releasePayload,
  restCommitPayload,
  workflowRunPayload,
} from '../../../collectors/github/payloads';
import { nativeEvent } from '../../../common/events';

const repo = { fullName: 'acme/web', htmlUrl: 'https://github.com/acme/web' };
const A = 'a'.repeat(40),
  B = 'b'.repeat(40),
  C = 'c'.repeat(40),
  M = 'd'.repeat(40);
const octocat = { login: 'octocat', id: 1, type: 'User' };
const valid = (e: unknown) => expect(nativeEvent.safeParse(e).success).toBe(true);

const deployment = deploymentPayload.parse({
  url: 'https://api.github.com/repos/acme/web/deployments/42',
  id: 42,
  sha: A.toUpperCase(),
  ref: 'main',
  task: 'deploy',
  payload: {},
  environment: 'production',
  description: 'Deploy request from hubot',
  creator: octocat,
  created_at: '2026-03-02T09:50:00Z',
});
const status = (id: number, state: string, at: string) =>
  deploymentStatusPayload.parse({
    id,
    state,
    creator: octocat,
    created_at: at,
    log_url: `https://ci.example.org/${id}`,
    target_url: '',
    environment: 'production',
  });

describe('deployments', () => {
  // updatedAt: the newest status of any state (inactive too), or the deployment's creation while it has none.
  it.each([
    [
      'the latest status that says how it went',
      [
        status(1, 'in_progress', '2026-03-02T09:55:00Z'),
        status(2, 'success', '2026-03-02T10:00:00Z'),
        status(3, 'inactive', '2026-03-04T00:00:00Z'),
      ],
      'success',
      '2026-03-02T10:00:00.000Z',
      'https://ci.example.org/2',
      '2026-03-04T00:00:00.000Z',
    ],
    [
      'error as a failure',
      [status(1, 'error', '2026-03-02T10:05:00Z')],
      'failure',
      '2026-03-02T10:05:00.000Z',
      'https://ci.example.org/1',
      '2026-03-02T10:05:00.000Z',
    ],
    [
      'queued as in progress',
      [status(1, 'queued', '2026-03-02T09:51:00Z')],
      'in_progress',
      undefined,
      'https://ci.example.org/1',
      '2026-03-02T09:51:00.000Z',
    ],
    ['no status as in progress', [], 'in_progress', undefined, undefined, '2026-03-02T09:50:00.000Z'],
  ] as const)('takes %s', (_name, statuses, expected, finishedAt, url, updatedAt) => {
    const e = adaptDeployment(repo, deployment, [...statuses]);
    expect(e).toEqual({
      type: 'deployment',
      source: 'github',
      id: 'acme/web/deployments/42',
      service: 'acme/web',
      environment: 'production',
      status: expected,
      startedAt: '2026-03-02T09:50:00.000Z',
      sha: A,
      ...(finishedAt ? { finishedAt } : {}),
      ...(url ? { url } : {}),
      updatedAt,
    });
    valid(e);
  });

  it("dates a deployment by its statuses, not by the deployment's own updated_at, which a delivery of an early status may carry from later", () => {
    const later = deploymentPayload.parse({ ...deployment, updated_at: '2026-03-05T00:00:00Z' });
    expect(adaptDeployment(repo, later, [status(1, 'in_progress', '2026-03-02T09:55:00Z')]).updatedAt).toBe('2026-03-02T09:55:00.000Z');
  });
});

const pr = graphqlPullRequest.parse({
  number: 7,
  createdAt: '2026-03-02T09:30:00Z',
  updatedAt: '2026-03-02T12:05:00Z',
  mergedAt: '2026-03-02T12:00:00Z',
  url: 'https://github.com/acme/web/pull/7',
  mergeCommit: {
    oid: M,
    committedDate: '2026-03-02T12:00:00Z',
    authoredDate: '2026-03-02T12:00:00Z',
    parents: { nodes: [{ oid: C }, { oid: B }] },
  },
  commits: {
    pageInfo: { hasNextPage: true, endCursor: 'Y3Vyc29yOjA=' },
    nodes: [
      { commit: { oid: A, committedDate: '2026-03-02T09:00:00Z', authoredDate: '2026-03-01T17:00:00Z', parents: { nodes: [{ oid: C }] } } },
    ],
  },
  closingIssuesReferences: { nodes: [{ createdAt: '2026-02-27T10:00:00Z' }, { createdAt: '2026-02-25T10:00:00Z' }] },
});

describe('pull requests', () => {
  it("gives one change per commit (further pages included) and the merge commit, each with the loop facts and the pull request's updatedAt", () => {
    const more = [
      { oid: B, committedDate: '2026-03-02T11:00:00Z', authoredDate: '2026-03-02T10:30:00Z', parents: { nodes: [{ oid: A }] } },
    ];
    const events = adaptPullRequest(repo, pr, more);
    const info = {
      number: 7,
      openedAt: '2026-03-02T09:30:00.000Z',
      url: 'https://github.com/acme/web/pull/7',
      mergedAt: '2026-03-02T12:00:00.000Z',
      mergeSha: M,
      firstCommitAt: '2026-03-01T17:00:00.000Z',
      planStartedAt: '2026-02-25T10:00:00.000Z',
    };
    const updatedAt = '2026-03-02T12:05:00.000Z';
    expect(events).toEqual([
      {
        type: 'change',
        source: 'github',
        service: 'acme/web',
        sha: A,
        committedAt: '2026-03-02T09:00:00.000Z',
        authoredAt: '2026-03-01T17:00:00.000Z',
        parents: [C],
        url: `https://github.com/acme/web/commit/${A}`,
        pullRequest: info,
        updatedAt,
      },
      {
        type: 'change',
        source: 'github',
        service: 'acme/web',
        sha: B,
        committedAt: '2026-03-02T11:00:00.000Z',
        authoredAt: '2026-03-02T10:30:00.000Z',
        parents: [A],
        url: `https://github.com/acme/web/commit/${B}`,
        pullRequest: info,
        updatedAt,
      },
      {
        type: 'change',
        source: 'github',
        service: 'acme/web',
        sha: M,
        committedAt: '2026-03-02T12:00:00.000Z',
        authoredAt: '2026-03-02T12:00:00.000Z',
        parents: [C, B],
        url: `https://github.com/acme/web/commit/${M}`,
        pullRequest: info,
        updatedAt,
      },
    ]);
    events.forEach(valid);
  });

  it('gives nothing for a pull request that was closed without merging', () => {
    expect(adaptPullRequest(repo, { ...pr, mergedAt: null, mergeCommit: null })).toEqual([]);
  });
});

const run = (o: Record<string, unknown> = {}) =>
  workflowRunPayload.parse({
    id: 99,
    name: 'Deploy',
    path: '.github/workflows/deploy.yml',
    head_branch: 'main',
    head_sha: B,
    event: 'push',
    status: 'completed',
    conclusion: 'success',
    html_url: 'https://github.com/acme/web/actions/runs/99',
    created_at: '2026-03-02T12:00:00Z',
    updated_at: '2026-03-02T12:10:00Z',
    run_started_at: '2026-03-02T12:01:00Z',
    actor: octocat,
    head_commit: { id: B, author: { name: 'Ada Lovelace', email: 'ada@example.org' } },
    ...o,
  });

describe('workflow runs', () => {
  it.each([
    ['success', 'success'],
    ['neutral', 'success'],
    ['failure', 'failure'],
    ['timed_out', 'failure'],
    ['startup_failure', 'failure'],
    ['cancelled', 'cancelled'],
    ['skipped', 'cancelled'],
  ])('maps the conclusion %s to %s', (conclusion, status) => {
    const e = adaptRun(repo, run({ conclusion }));
    expect(e).toEqual({
      type: 'ci_run',
      source: 'github',
      id: 'acme/web/actions/runs/99',
      service: 'acme/web',
      name: 'Deploy',
      status,
      startedAt: '2026-03-02T12:01:00.000Z',
      finishedAt: '2026-03-02T12:10:00.000Z',
      sha: B,
      branch: 'main',
      url: 'https://github.com/acme/web/actions/runs/99',
      updatedAt: '2026-03-02T12:10:00.000Z',
    });
    valid(e);
  });

  it('gives nothing for a run that has not finished or waits for approval', () => {
    expect(adaptRun(repo, run({ status: 'in_progress', conclusion: null }))).toBeNull();
    expect(adaptRun(repo, run({ conclusion: 'action_required' }))).toBeNull();
  });

  it('counts a successful run of the deployment workflow on the default branch as a deployment, and nothing else', () => {
    const source = { from: 'workflow' as const, workflow: 'deploy.yml' };
    expect(adaptRunAsDeployment(repo, run(), source, 'main')).toEqual({
      type: 'deployment',
      source: 'github',
      id: 'acme/web/actions/runs/99',
      service: 'acme/web',
      environment: 'production',
      status: 'success',
      startedAt: '2026-03-02T12:01:00.000Z',
      finishedAt: '2026-03-02T12:10:00.000Z',
      sha: B,
      url: 'https://github.com/acme/web/actions/runs/99',
      updatedAt: '2026-03-02T12:10:00.000Z',
    });
    expect(adaptRunAsDeployment(repo, run(), { ...source, environment: 'live' }, 'main')?.environment).toBe('live');
    expect(adaptRunAsDeployment(repo, run({ head_branch: 'feature' }), source, 'main')).toBeNull();
    expect(adaptRunAsDeployment(repo, run({ conclusion: 'failure' }), source, 'main')).toBeNull();
    expect(adaptRunAsDeployment(repo, run({ path: '.github/workflows/ci.yml', name: 'CI' }), source, 'main')).toBeNull();
    expect(adaptRunAsDeployment(repo, run(), { from: 'deployments' }, 'main')).toBeNull();
  });
});

const release = (o: Record<string, unknown> = {}) =>
  releasePayload.parse({
    id: 5,
    tag_name: 'v1.2.0',
    target_commitish: 'main',
    name: 'v1.2.0',
    draft: false,
    prerelease: false,
    author: octocat,
    created_at: '2026-03-03T14:00:00Z',
    published_at: '2026-03-03T15:00:00Z',
    html_url: 'https://github.com/acme/web/releases/tag/v1.2.0',
    ...o,
  });

describe('releases', () => {
  it("counts a published release as a successful production deployment of its tag's commit", () => {
    const e = adaptRelease(repo, release(), A, { from: 'releases', tagPattern: '^v' });
    expect(e).toEqual({
      type: 'deployment',
      source: 'github',
      id: 'acme/web/releases/5',
      service: 'acme/web',
      environment: 'production',
      status: 'success',
      startedAt: '2026-03-03T15:00:00.000Z',
      finishedAt: '2026-03-03T15:00:00.000Z',
      sha: A,
      url: 'https://github.com/acme/web/releases/tag/v1.2.0',
    });
    valid(e);
  });

  it.each([
    ['a draft', { draft: true, published_at: null }],
    ['a pre-release', { prerelease: true }],
    ['a tag that does not match', { tag_name: 'nightly-4' }],
  ])('leaves out %s', (_name, o) => {
    expect(adaptRelease(repo, release(o), A, { from: 'releases', tagPattern: '^v' })).toBeNull();
  });
});

const issue = (o: Record<string, unknown> = {}) =>
  issuePayload.parse({
    id: 1,
    number: 20,
    title: 'Checkout is down',
    body: `It broke.\r\n\r\nRoot cause: ${C.slice(0, 12)}\r\n`,
    state: 'closed',
    user: octocat,
    labels: [
      { id: 1, name: 'Incident', color: 'f00' },
      { id: 2, name: 'sev2' },
    ],
    created_at: '2026-03-03T13:00:00Z',
    updated_at: '2026-03-03T15:00:00Z',
    closed_at: '2026-03-03T15:00:00Z',
    html_url: 'https://github.com/acme/web/issues/20',
    ...o,
  });

describe('incident issues', () => {
  it('maps an issue with an incident label to an incident with its severity and root cause', () => {
    const e = adaptIssue(repo, issue(), ['incident']);
    expect(e).toEqual({
      type: 'incident',
      source: 'github',
      id: 'acme/web/issues/20',
      service: 'acme/web',
      openedAt: '2026-03-03T13:00:00.000Z',
      resolvedAt: '2026-03-03T15:00:00.000Z',
      title: 'Checkout is down',
      severity: 'sev2',
      rootCauseSha: C.slice(0, 12),
      url: 'https://github.com/acme/web/issues/20',
      updatedAt: '2026-03-03T15:00:00.000Z',
    });
    valid(e);
  });

  it('is open again when the issue is reopened, and is nothing without the label or for a pull request', () => {
    expect(adaptIssue(repo, issue({ state: 'open' }), ['incident'])?.resolvedAt).toBeUndefined();
    expect(adaptIssue(repo, issue({ labels: ['bug'] }), ['incident'])).toBeNull();
    expect(adaptIssue(repo, issue({ pull_request: { url: 'x' } }), ['incident'])).toBeNull();
  });

  it.each([
    ['root cause: 1a2b3c4d', '1a2b3c4d'],
    ['> Root-Cause: `ABCDEF1234567`', 'abcdef1234567'],
    ['the root cause was abc', undefined],
    [null, undefined],
  ])('reads the root cause from %j', (body, sha) => expect(rootCauseOf(body)).toBe(sha));

  it.each([
    [['sev1'], 'sev1'],
    [['severity: high'], 'severity: high'],
    [['several'], undefined],
  ])('reads the severity from %j', (labels, s) => {
    expect(severityOf(labels)).toBe(s);
  });
});

describe('commits from the compare API', () => {
  it('keeps the committer date as the commit time and no names or e-mails', () => {
    const c = restCommitPayload.parse({
      sha: A,
      commit: {
        author: { name: 'Ada Lovelace', email: 'ada@example.org', date: '2026-03-01T10:00:00Z' },
        committer: { name: 'GitHub', email: 'noreply@github.com', date: '2026-03-02T10:00:00+01:00' },
        message: 'x',
      },
      author: octocat,
      parents: [{ sha: B, url: 'u' }],
    });
    const e = adaptCommit(repo, commitFromRest(c));
    expect(e).toEqual({
      type: 'change',
      source: 'github',
      service: 'acme/web',
      sha: A,
      committedAt: '2026-03-02T09:00:00.000Z',
      authoredAt: '2026-03-01T10:00:00.000Z',
      parents: [B],
      url: `https://github.com/acme/web/commit/${A}`,
    });
    expect(JSON.stringify(e)).not.toMatch(/Ada|ada@|octocat/);
  });
});

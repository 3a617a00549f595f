/**
 * The webhook deliveries GitHub would have sent while the scenario's history happened, in the
 * order it happened, shaped as GitHub documents them (the same REST objects, plus `action`,
 * `repository` and `sender`), with events Deming does not use mixed in.
 */
import { createHmac } from 'node:crypto';
import { commitJson, deploymentJson, issueJson, pullJson, releaseJson, repoJson, runJson, statusJson } from './rest';
import type { FakeGithub, FakeRepo } from './scenario';

export interface Delivery {
  event: string;
  at: string;
  payload: Record<string, unknown>;
}

const sender = { login: 'octocat', id: 1, type: 'User' };

export function deliveries(gh: FakeGithub, api: string): Delivery[] {
  const out: Delivery[] = [];
  for (const r of gh.repos.filter((x) => !x.archived)) out.push(...repoDeliveries(r, api));
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.at.localeCompare(b.d.at) || a.i - b.i)
    .map(({ d }) => d);
}

function repoDeliveries(r: FakeRepo, api: string): Delivery[] {
  const repository = repoJson(api, r);
  const out: Delivery[] = [];
  const add = (event: string, at: string, payload: Record<string, unknown>) =>
    out.push({ event, at, payload: { ...payload, repository, sender } });
  for (const p of r.pushes) {
    const commits = p.commits.map((sha) => {
      const c = commitJson(api, r, r.commits.get(sha)!);
      return {
        id: sha,
        tree_id: sha,
        distinct: true,
        message: c.commit.message,
        timestamp: c.commit.committer.date,
        url: c.html_url,
        author: { name: 'Ada Lovelace', email: 'ada@example.org', username: 'ada' },
        committer: { name: 'Ada Lovelace', email: 'ada@example.org' },
        added: [],
        removed: [],
        modified: ['README.md'],
      };
    });
    add('push', p.at, {
      ref: `refs/heads/${r.defaultBranch}`,
      before: p.before,
      after: p.after,
      created: /^0+$/.test(p.before),
      deleted: false,
      forced: false,
      compare: 'https://github.com/x',
      commits,
      head_commit: commits[commits.length - 1] ?? null,
      pusher: { name: 'ada', email: 'ada@example.org' },
    });
  }
  for (const p of r.pulls) {
    add('pull_request', p.createdAt, {
      action: 'opened',
      number: p.number,
      pull_request: { ...pullJson(api, r, p), state: 'open', closed_at: null, merged_at: null, merge_commit_sha: null, merged: false },
    });
    if (p.mergedAt)
      add('pull_request', p.mergedAt, { action: 'closed', number: p.number, pull_request: { ...pullJson(api, r, p), merged: true } });
  }
  for (const d of r.deployments) {
    add('deployment', d.createdAt, { action: 'created', deployment: deploymentJson(api, r, d) });
    for (const s of d.statuses)
      add('deployment_status', s.createdAt, {
        action: 'created',
        deployment_status: statusJson(api, r, d, s),
        deployment: deploymentJson(api, r, d),
      });
  }
  for (const x of r.runs) {
    const run = runJson(api, r, x);
    add('workflow_run', x.createdAt, {
      action: 'requested',
      workflow_run: { ...run, status: 'queued', conclusion: null, updated_at: x.createdAt },
      workflow: { id: 1, path: x.path },
    });
    add('workflow_run', x.status === 'completed' ? x.updatedAt : x.startedAt, {
      action: x.status === 'completed' ? 'completed' : 'in_progress',
      workflow_run: run,
      workflow: { id: 1, path: x.path },
    });
    add('check_suite', x.createdAt, { action: 'requested', check_suite: { id: x.id * 3, head_sha: x.headSha } });
  }
  for (const i of r.issues) {
    const open = { ...issueJson(api, r, i), state: 'open', closed_at: null, updated_at: i.createdAt };
    add('issues', i.createdAt, { action: 'opened', issue: open });
    for (const name of i.labels) add('issues', i.createdAt, { action: 'labeled', issue: open, label: { name } });
    if (i.closedAt) add('issues', i.closedAt, { action: 'closed', issue: issueJson(api, r, i) });
  }
  for (const x of r.releases) {
    add('release', x.createdAt, { action: 'created', release: { ...releaseJson(api, r, x), published_at: null, draft: x.draft } });
    if (x.publishedAt) add('release', x.publishedAt, { action: 'published', release: releaseJson(api, r, x) });
  }
  add('star', '2026-01-01T00:00:00Z', { action: 'created', starred_at: '2026-01-01T00:00:00Z' });
  return out;
}

/** The X-Hub-Signature-256 GitHub sends for a body. */
export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

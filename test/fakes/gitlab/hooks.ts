/**
 * The webhook deliveries GitLab would have sent while the scenario's history happened, in the
 * order it happened, shaped as GitLab's webhook documentation shows them (hooks spell times
 * `2026-03-02 10:00:00 UTC`, a deployment names its commit by a short sha, people's names and
 * e-mails included), with hook types and actions Deming does not use mixed in.
 */
import { projectJson } from './rest';
import type { FakeGitlab, FakeProject } from './scenario';

export interface Hook {
  event: string;
  at: string;
  payload: Record<string, unknown>;
}

const user = { id: 1, name: 'Ada Lovelace', username: 'ada', avatar_url: 'https://gitlab.example/ada.png', email: 'ada@example.org' };
/** GitLab's hook time: `2026-03-02 10:00:00 UTC`. */
const hookTime = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : null);
/** A hook time with an offset, as a deployment hook may give it: `2026-03-02 12:00:00 +0200`. */
const offsetTime = (iso: string) => {
  const d = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} +0200`;
};

function hookProject(web: string, p: FakeProject) {
  const j = projectJson(web, p);
  return {
    id: p.id,
    name: j.name,
    description: 'The booking service',
    web_url: j.web_url,
    avatar_url: null,
    git_ssh_url: `git@example:${p.path}.git`,
    git_http_url: `${j.web_url}.git`,
    namespace: j.namespace.name,
    visibility_level: 10,
    path_with_namespace: p.path,
    default_branch: p.defaultBranch,
    ci_config_path: '',
    homepage: j.web_url,
    url: `git@example:${p.path}.git`,
    ssh_url: `git@example:${p.path}.git`,
    http_url: `${j.web_url}.git`,
  };
}

export function hooks(gl: FakeGitlab, web: string, opts: { archived?: boolean } = {}): Hook[] {
  const out: Hook[] = [];
  for (const p of gl.projects.filter((x) => opts.archived || !x.archived)) out.push(...projectHooks(p, web));
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.at.localeCompare(b.d.at) || a.i - b.i)
    .map(({ d }) => d);
}

export function projectHooks(p: FakeProject, web: string): Hook[] {
  const project = hookProject(web, p);
  const repository = { name: project.name, url: project.url, description: project.description, homepage: project.homepage };
  const out: Hook[] = [];
  const add = (event: string, at: string, payload: Record<string, unknown>) => out.push({ event, at, payload: { ...payload, project } });
  const base = `${web}/${p.path}`;
  for (const push of p.pushes) {
    const commits = push.commits.map((s) => {
      const c = p.commits.get(s)!;
      return {
        id: s,
        message: c.message,
        title: c.message.split('\n')[0],
        timestamp: c.committedAt.replace('.000Z', '+00:00'),
        url: `${base}/-/commit/${s}`,
        author: { name: 'Ada Lovelace', email: 'ada@example.org' },
        added: [],
        modified: ['README.md'],
        removed: [],
      };
    });
    add('Push Hook', push.at, {
      object_kind: 'push',
      event_name: 'push',
      before: push.before,
      after: push.after,
      ref: `refs/heads/${p.defaultBranch}`,
      ref_protected: true,
      checkout_sha: push.after,
      user_id: 1,
      user_name: 'Ada Lovelace',
      user_username: 'ada',
      user_email: 'ada@example.org',
      user_avatar: null,
      project_id: p.id,
      repository,
      commits,
      total_commits_count: commits.length,
    });
  }
  for (const mr of p.mergeRequests) {
    const attrs = (state: string, action: string, updatedAt: string) => ({
      id: mr.id,
      iid: mr.iid,
      target_branch: p.defaultBranch,
      source_branch: `feature-${mr.iid}`,
      source_project_id: p.id,
      author_id: 1,
      assignee_ids: [1],
      title: mr.title,
      created_at: mr.createdAt.replace('.000Z', 'Z'),
      updated_at: updatedAt.replace('.000Z', 'Z'),
      state,
      merge_status: 'can_be_merged',
      detailed_merge_status: 'mergeable',
      target_project_id: p.id,
      description: mr.description,
      url: `${base}/-/merge_requests/${mr.iid}`,
      draft: false,
      work_in_progress: false,
      merge_commit_sha: state === 'merged' ? mr.mergeCommitSha : null,
      squash_commit_sha: state === 'merged' ? mr.squashCommitSha : null,
      squash: mr.method === 'squash',
      last_commit: {
        id: mr.headSha,
        message: 'a change',
        title: 'a change',
        timestamp: mr.createdAt,
        url: `${base}/-/commit/${mr.headSha}`,
        author: { name: 'Ada Lovelace', email: 'ada@example.org' },
      },
      action,
    });
    add('Merge Request Hook', mr.createdAt, {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user,
      repository,
      object_attributes: attrs('opened', 'open', mr.createdAt),
      labels: [],
      changes: {},
    });
    add('Merge Request Hook', mr.createdAt, {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user,
      repository,
      object_attributes: attrs('opened', 'approved', mr.createdAt),
      labels: [],
      changes: {},
    });
    if (mr.mergedAt)
      add('Merge Request Hook', mr.mergedAt, {
        object_kind: 'merge_request',
        event_type: 'merge_request',
        user,
        repository,
        object_attributes: attrs('merged', 'merge', mr.updatedAt),
        labels: [],
        changes: { state_id: { previous: 1, current: 3 } },
      });
  }
  for (const pl of p.pipelines) {
    const attrs = (status: string, finished: string | null, duration: number | null) => ({
      id: pl.id,
      iid: pl.iid,
      name: null,
      ref: pl.ref,
      tag: false,
      sha: pl.sha,
      before_sha: '0'.repeat(40),
      source: 'push',
      status,
      detailed_status: status,
      stages: ['build', 'test'],
      created_at: hookTime(pl.createdAt),
      finished_at: hookTime(finished),
      duration,
      queued_duration: 1,
      variables: [],
      url: `${base}/-/pipelines/${pl.id}`,
    });
    const commit = {
      id: pl.sha,
      message: 'a change',
      title: 'a change',
      timestamp: pl.createdAt,
      url: `${base}/-/commit/${pl.sha}`,
      author: { name: 'Ada Lovelace', email: 'ada@example.org' },
    };
    add('Pipeline Hook', pl.createdAt, {
      object_kind: 'pipeline',
      object_attributes: attrs('running', null, null),
      merge_request: null,
      user,
      commit,
      builds: [],
    });
    if (pl.finishedAt)
      add('Pipeline Hook', pl.finishedAt, {
        object_kind: 'pipeline',
        object_attributes: attrs(pl.status, pl.finishedAt, pl.duration),
        merge_request: null,
        user,
        commit,
        builds: [{ id: pl.id + 1, stage: 'test', name: 'rspec', status: pl.status, user }],
      });
    add('Job Hook', pl.createdAt, {
      object_kind: 'build',
      ref: pl.ref,
      build_id: pl.id + 1,
      build_name: 'rspec',
      build_status: 'running',
      pipeline_id: pl.id,
      user,
      project_id: p.id,
    });
  }
  for (const d of p.deployments) {
    const env = p.environments.find((e) => e.name === d.environment);
    const hook = (status: string, at: string) => ({
      object_kind: 'deployment',
      status,
      status_changed_at: offsetTime(at),
      deployment_id: d.id,
      deployable_id: d.jobId,
      deployable_url: `${base}/-/jobs/${d.jobId}`,
      environment: d.environment,
      environment_tier: env?.tier ?? undefined,
      environment_slug: d.environment,
      environment_external_url: null,
      short_sha: d.sha.slice(0, 8),
      user,
      user_url: `${web}/ada`,
      commit_url: `${base}/-/commit/${d.sha}`,
      commit_title: 'a change',
      ref: d.ref,
    });
    add('Deployment Hook', d.createdAt, hook('running', d.createdAt));
    if (d.finishedAt) add('Deployment Hook', d.finishedAt, hook(d.status, d.finishedAt));
  }
  for (const i of p.issues) {
    const labels = i.labels.map((title, n) => ({
      id: n + 1,
      title,
      color: '#d9534f',
      project_id: p.id,
      type: 'ProjectLabel',
      group_id: null,
    }));
    const attrs = (state: string, action: string, updatedAt: string) => ({
      id: i.id,
      iid: i.iid,
      title: i.title,
      description: i.description,
      state,
      action,
      created_at: i.createdAt.replace('.000Z', 'Z'),
      updated_at: updatedAt.replace('.000Z', 'Z'),
      closed_at: state === 'closed' ? i.closedAt!.replace('.000Z', 'Z') : null,
      url: `${base}/-/issues/${i.iid}`,
      confidential: false,
      author_id: 1,
      assignee_ids: [1],
      type: i.type === 'incident' ? 'Incident' : 'Issue',
      severity: i.severity ? i.severity.toLowerCase() : undefined,
      labels,
    });
    add('Issue Hook', i.createdAt, {
      object_kind: 'issue',
      event_type: 'issue',
      user,
      repository,
      object_attributes: attrs('opened', 'open', i.createdAt),
      labels,
      changes: {},
    });
    add('Note Hook', i.createdAt, {
      object_kind: 'note',
      event_type: 'note',
      user,
      project_id: p.id,
      repository,
      object_attributes: { id: i.id + 7, note: 'Looking into it, Ada.', noteable_type: 'Issue' },
      issue: { iid: i.iid },
    });
    if (i.closedAt)
      add('Issue Hook', i.closedAt, {
        object_kind: 'issue',
        event_type: 'issue',
        user,
        repository,
        object_attributes: attrs('closed', 'close', i.closedAt),
        labels,
        changes: {},
      });
  }
  add('Tag Push Hook', '2026-03-01T00:00:00.000Z', {
    object_kind: 'tag_push',
    event_name: 'tag_push',
    before: '0'.repeat(40),
    after: '1'.repeat(40),
    ref: 'refs/tags/v1.0.0',
    user_name: 'Ada Lovelace',
    project_id: p.id,
    commits: [],
  });
  add('Wiki Page Hook', '2026-03-01T00:00:00.000Z', {
    object_kind: 'wiki_page',
    user,
    wiki: { web_url: `${base}/-/wikis/home` },
    object_attributes: { title: 'Home', action: 'update' },
  });
  add('Release Hook', '2026-03-01T00:00:00.000Z', {
    object_kind: 'release',
    id: 1,
    tag: 'v1.0.0',
    action: 'create',
    released_at: '2026-03-01 00:00:00 UTC',
  });
  add('Emoji Hook', '2026-03-01T00:00:00.000Z', {
    object_kind: 'emoji',
    event_type: 'award',
    user,
    object_attributes: { name: 'thumbsup', awardable_type: 'Issue' },
  });
  return out;
}

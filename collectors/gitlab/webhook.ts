/**
 * GitLab webhook payloads → native events, through the same adapters as the collector, so a
 * hook and a pull of the same object store the same event. Hooks carry GitLab's own shapes
 * (`2026-03-02 10:00:00 UTC` times, a deployment's short sha); where a hook lacks what the pull
 * reads (a merge request's commits, a pipeline's test summary, a deployment's start, a push's
 * parents) and a token is configured, it asks GitLab the way the collector does; without one it
 * stores what the hook says.
 */
import { z } from 'zod';
import type { NativeEventInput } from '../../common/events';
import type { CollectorStore } from '../types';
import {
  adaptCommit,
  adaptDeployment,
  adaptIssue,
  adaptMergeRequest,
  adaptPipeline,
  adaptRelease,
  gitlabTime,
  mergeShaOf,
  type DeploymentFacts,
  type PipelineFacts,
  type ProjectRef,
} from './adapt';
import type { GitlabClient } from './client';
import { globRegExp, isIncluded, type GitlabSettings } from './config';
import { fetchMergeRequest } from './graphql';
import { deploymentPayload, projectPayload, type GraphqlMergeRequest, type IssuePayload } from './payloads';
import { isKnownProject, projectRefOf } from './projects';
import { branchCommits, commitsBetween, mergeRequestEvents } from './sync';

/** The events a hook means, or why it is ignored; `partial` when GitLab could not be asked what the hook lacks. */
export interface HookOutcome {
  events: NativeEventInput[];
  ignored?: string;
  partial?: boolean;
}

/** A hook of a type Deming uses whose body is not shaped as GitLab documents it. */
export class HookPayloadError extends Error {}
/** A hook for a project outside the configured groups and projects. */
export class OutsideProjectError extends Error {}

const hookProject = projectPayload.extend({ default_branch: z.string().nullish() }).partial({ archived: true });
const time = z.string();
const optionalTime = z.string().nullish();

const schemas = {
  merge_request: z.object({
    project: hookProject,
    object_attributes: z.object({
      id: z.number(),
      iid: z.number(),
      action: z.string().nullish(),
      state: z.string(),
      created_at: time,
      updated_at: time,
      merged_at: optionalTime,
      merge_commit_sha: z.string().nullish(),
      squash_commit_sha: z.string().nullish(),
      squash: z.boolean().nullish(),
      last_commit: z.object({ id: z.string() }).nullish(),
      url: z.string(),
      description: z.string().nullish(),
    }),
  }),
  pipeline: z.object({
    project: hookProject,
    object_attributes: z.object({
      id: z.number(),
      iid: z.number().nullish(),
      sha: z.string().nullish(),
      ref: z.string().nullish(),
      status: z.string(),
      created_at: time,
      finished_at: optionalTime,
      duration: z.number().nullish(),
    }),
  }),
  deployment: z.object({
    project: hookProject,
    status: z.string(),
    status_changed_at: time,
    deployment_id: z.number(),
    deployable_url: z.string().nullish(),
    environment: z.string(),
    environment_tier: z.string().nullish(),
    short_sha: z.string().nullish(),
    commit_url: z.string().nullish(),
  }),
  issue: z.object({
    project: hookProject,
    labels: z.array(z.object({ title: z.string() })).nullish(),
    object_attributes: z.object({
      id: z.number(),
      iid: z.number(),
      title: z.string(),
      description: z.string().nullish(),
      state: z.string(),
      created_at: time,
      updated_at: time,
      closed_at: optionalTime,
      url: z.string(),
      type: z.string().nullish(),
      issue_type: z.string().nullish(),
      severity: z.string().nullish(),
      labels: z.array(z.object({ title: z.string() })).nullish(),
      action: z.string().nullish(),
    }),
  }),
  push: z.object({ project: hookProject, ref: z.string(), before: z.string(), after: z.string() }),
  /** A Release Hook: a release created, updated or deleted (used with `sources.gitlab.releases`). */
  release: z.object({
    project: hookProject,
    id: z.number(),
    tag: z.string().min(1).max(255),
    action: z.string(),
    created_at: z.string().nullish(),
    released_at: z.string().nullish(),
    url: z.string().nullish(),
    commit: z.object({ id: z.string().regex(/^[0-9a-f]{40}$/i) }).nullish(),
  }),
};

export type HookKind = keyof typeof schemas;

function parse<K extends HookKind>(kind: K, payload: unknown): z.infer<(typeof schemas)[K]> {
  const r = schemas[kind].safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HookPayloadError(`${kind} hook: ${i.path.join('.') || '(body)'}: ${i.message}`);
  }
  return r.data as z.infer<(typeof schemas)[K]>;
}

/** The hook's `object_kind`, when it has one. */
export function kindOf(payload: unknown): string | undefined {
  const k =
    typeof payload === 'object' && payload !== null
      ? ((payload as { object_kind?: unknown; event_name?: unknown }).object_kind ?? (payload as { event_name?: unknown }).event_name)
      : undefined;
  return typeof k === 'string' ? k.slice(0, 60) : undefined;
}

/**
 * What makes two deliveries of a hook the same object in the same state, for GitLab before 17.4
 * (no `Idempotency-Key`): its kind, project, own id and `updated_at` (or its status and when it changed).
 */
export function identityOf(kind: string, payload: unknown): string | null {
  const p = payload as Record<string, any> | null;
  const o = p?.object_attributes as Record<string, unknown> | undefined;
  const project = (p?.project as { id?: unknown } | undefined)?.id ?? p?.project_id;
  switch (kind) {
    case 'merge_request':
    case 'issue':
      return o ? `${kind}:${project}:${o.id}:${o.updated_at}:${o.action ?? ''}` : null;
    case 'pipeline':
      return o ? `${kind}:${project}:${o.id}:${o.status}:${o.finished_at ?? ''}` : null;
    case 'deployment':
      return `${kind}:${project}:${p?.deployment_id}:${p?.status}:${p?.status_changed_at}`;
    case 'push':
    case 'tag_push':
      return `${kind}:${project}:${p?.ref}:${p?.before}:${p?.after}`;
    case 'release':
      return `${kind}:${project}:${p?.id}:${p?.action}:${p?.released_at ?? ''}`;
    default:
      return null;
  }
}

/** Whether the project is one the configuration collects (by group, path or id), or was collected before. */
async function isConfigured(
  store: Pick<CollectorStore, 'getCursor'>,
  settings: GitlabSettings,
  project: { id: number; path_with_namespace: string },
): Promise<boolean> {
  if (settings.groups.length === 0 && settings.projects.length === 0) return isIncluded(settings, project.path_with_namespace);
  const path = project.path_with_namespace.toLowerCase();
  const inGroup = settings.groups.some((g) => typeof g === 'string' && path.startsWith(`${g.toLowerCase()}/`));
  const named = settings.projects.some((p) => String(p).toLowerCase() === path || p === project.id);
  if (named) return true;
  if (inGroup && isIncluded(settings, project.path_with_namespace)) return true;
  return (
    (await isKnownProject(store, settings.baseUrl, project.id)) &&
    !settings.exclude.some((g) => globRegExp(g).test(project.path_with_namespace))
  );
}

const ignored = (reason: string): HookOutcome => ({ events: [], ignored: reason });

type Ask = <T>(what: string, fn: (c: GitlabClient) => Promise<T>) => Promise<T | undefined>;

/** The native events a hook means, or why it is ignored. */
export async function eventsFromHook(
  payload: unknown,
  settings: GitlabSettings,
  client: GitlabClient | null,
  store: Pick<CollectorStore, 'getCursor'>,
  now: number,
  log: (m: string) => void = () => {},
): Promise<HookOutcome> {
  let failed = false;
  const ask: Ask = async (what, fn) => {
    if (!client) return undefined;
    try {
      return await fn(client);
    } catch (e) {
      failed = true;
      log(`gitlab webhook: could not read ${what} from GitLab (${(e as Error).message}); stored what the hook says`);
      return undefined;
    }
  };
  const outcome = await outcomeOf(payload, settings, client, store, now, ask);
  return failed ? { ...outcome, partial: true } : outcome;
}

async function outcomeOf(
  payload: unknown,
  settings: GitlabSettings,
  client: GitlabClient | null,
  store: Pick<CollectorStore, 'getCursor'>,
  now: number,
  ask: Ask,
): Promise<HookOutcome> {
  const kind = kindOf(payload);
  if (!kind || !(kind in schemas)) return ignored(`GitLab "${kind ?? 'unknown'}" hooks are not used`);
  // Actions that cannot change what Deming stores are acknowledged before their shape is read.
  const attrs = (payload as { object_attributes?: { action?: unknown; state?: unknown } }).object_attributes;
  if (kind === 'merge_request' && attrs?.action !== 'merge' && attrs?.state !== 'merged')
    return ignored('only merged merge requests are used');
  const hook = parse(kind as HookKind, payload);
  const { project } = hook;
  if (!(await isConfigured(store, settings, project))) {
    throw new OutsideProjectError(
      `the project ${project.path_with_namespace} (id ${project.id}) is outside sources.gitlab's groups and projects: add it there, or remove this hook from it.`,
    );
  }
  const { ref } = await projectRefOf(store, settings, { ...project, web_url: project.web_url, archived: false });
  switch (kind) {
    case 'merge_request':
      return mergeRequest(parse('merge_request', payload), ref, ask);
    case 'pipeline': {
      const o = parse('pipeline', payload).object_attributes;
      const facts: PipelineFacts = {
        id: o.id,
        sha: o.sha,
        ref: o.ref,
        status: o.status,
        createdAt: o.created_at,
        finishedAt: o.finished_at,
        duration: o.duration,
      };
      const event0 = adaptPipeline(ref, facts);
      if (!event0) return ignored(`the pipeline is ${o.status.slice(0, 30)}: only finished pipelines are used`);
      const summary = await ask('the test report summary', (c) =>
        c.get(`/projects/${ref.id}/pipelines/${o.id}/test_report_summary`, {}, testSummary),
      );
      return { events: [adaptPipeline(ref, { ...facts, tests: summary?.data.total ?? null })!] };
    }
    case 'deployment': {
      const h = parse('deployment', payload);
      const fetched = await ask(`deployment ${h.deployment_id}`, (c) =>
        c.get(`/projects/${ref.id}/deployments/${h.deployment_id}`, {}, deploymentPayload),
      );
      let facts: DeploymentFacts;
      if (fetched) {
        const d = fetched.data;
        facts = {
          id: d.id,
          sha: d.sha,
          status: d.status,
          environment: d.environment.name,
          tier: h.environment_tier ?? d.environment.tier ?? null,
          createdAt: d.created_at,
          finishedAt: d.finished_at ?? d.deployable?.finished_at ?? null,
          updatedAt: d.updated_at,
          url: d.deployable?.web_url ?? null,
        };
      } else {
        // The hook names the commit by its short sha; its commit URL ends in the full one.
        const full = /\/commit\/([0-9a-f]{40})$/i.exec(h.commit_url ?? '')?.[1];
        if (!full) return ignored('the hook names the commit by a short sha only: give sources.gitlab a token to read the deployment');
        facts = {
          id: h.deployment_id,
          sha: full,
          status: h.status,
          environment: h.environment,
          tier: h.environment_tier ?? null,
          finishedAt: h.status_changed_at,
          updatedAt: h.status_changed_at,
          url: h.deployable_url ?? null,
        };
      }
      return { events: [adaptDeployment(ref, facts, settings)] };
    }
    case 'issue': {
      const o = parse('issue', payload);
      const a = o.object_attributes;
      const issue: IssuePayload = {
        id: a.id,
        iid: a.iid,
        title: a.title,
        description: a.description,
        state: a.state === 'closed' ? 'closed' : 'opened',
        labels: (o.labels ?? a.labels ?? []).map((l) => l.title),
        created_at: a.created_at,
        updated_at: a.updated_at,
        closed_at: a.closed_at,
        web_url: a.url,
        issue_type: a.issue_type ?? a.type ?? null,
        type: a.type ?? null,
        severity: a.severity ?? null,
      };
      const event = adaptIssue(ref, issue, settings.incidentLabels);
      return event
        ? { events: [event] }
        : ignored('the issue is not an incident (of type incident, or with one of sources.gitlab.incidents.labels)');
    }
    case 'push': {
      const p = parse('push', payload);
      const branch = project.default_branch;
      if (!branch || p.ref !== `refs/heads/${branch}` || /^0+$/.test(p.after)) return ignored('only pushes to the default branch are used');
      if (!client) return ignored("a push is used only when sources.gitlab has a token, to read the commits' parents");
      // The branch's first push brings its history: what the pull reads from the backfill horizon.
      const events = /^0+$/.test(p.before)
        ? await ask('the pushed commits', (c) =>
            branchCommits(c, ref, {
              ref_name: p.after.toLowerCase(),
              since: new Date(now - settings.backfillDays * 86_400_000).toISOString(),
            }),
          )
        : await ask('the pushed commits', (c) => commitsBetween(c, ref, p.before.toLowerCase(), p.after.toLowerCase()));
      return events && events.length > 0 ? { events } : ignored('no commits could be read');
    }
    case 'release': {
      // As the pull does (sync.ts, syncReleases): a release the rules count is a deployment; one deleted is retracted.
      const releases = settings.releases;
      if (!releases) return ignored('releases are deployments only with sources.gitlab.releases configured');
      const r = parse('release', payload);
      const at = r.released_at ?? r.created_at;
      if (!at) return ignored('the release hook has no release time');
      if (releases.rules.isRelease(r.tag, true) !== 'release')
        return ignored(`the tag ${r.tag} is not a release by sources.gitlab.releases`);
      const release = { tag: r.tag, sha: r.commit?.id ?? null, releasedAt: at, url: r.url ?? null };
      if (r.action === 'delete') return { events: [adaptRelease(ref, release, releases.environment, 'retracted')] };
      if (Date.parse(gitlabTime(at)) > now) return ignored('an upcoming release counts once it is released');
      return { events: [adaptRelease(ref, release, releases.environment)] };
    }
  }
  return ignored(`GitLab "${kind}" hooks are not used`);
}

const testSummary = z.object({
  total: z
    .object({
      count: z.number().nullish(),
      success: z.number().nullish(),
      failed: z.number().nullish(),
      skipped: z.number().nullish(),
      error: z.number().nullish(),
    })
    .nullish(),
});

async function mergeRequest(h: z.infer<(typeof schemas)['merge_request']>, ref: ProjectRef, ask: Ask): Promise<HookOutcome> {
  const o = h.object_attributes;
  const path = h.project.path_with_namespace;
  const fetched = await ask(`merge request !${o.iid}`, async (c) => {
    const mr = await fetchMergeRequest(c, path, o.iid);
    return mr ? mergeRequestEvents(c, ref, path, [mr]) : null;
  });
  if (fetched && fetched.length > 0) return { events: fetched };
  // What the hook says: the merge request and the commit it put on the branch, at the time it merged.
  const mergedAt = o.merged_at ?? o.updated_at;
  const mr: GraphqlMergeRequest = {
    iid: String(o.iid),
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    mergedAt,
    mergeCommitSha: o.merge_commit_sha,
    squashCommitSha: o.squash_commit_sha,
    squash: o.squash,
    diffHeadSha: o.last_commit?.id ?? null,
    webUrl: o.url,
    description: o.description,
  };
  const sha = mergeShaOf(mr);
  if (!sha) return ignored('the merge request names no commit');
  return { events: adaptMergeRequest(ref, mr, [{ sha, committedAt: gitlabTime(mergedAt) }], []) };
}

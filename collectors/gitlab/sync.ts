/**
 * One project's sync: merged merge requests (GraphQL, with their commits), deployments (with
 * their environments' tiers), pipelines (GraphQL, with their test report summary) and incident
 * issues, each from its own cursor (`updated_after`), each batch stored with the cursor it
 * reaches in one transaction; then the commits between production deployments where the graph
 * has gaps. A re-sync with nothing new asks one list per resource.
 */
import { z } from 'zod';
import type { NativeEventInput } from '../../common/events';
import type { Cursor } from '../../db/queries/cursors';
import { collectorCursorRow, parseCollectorCursor } from '../shared/cursors';
import { fillGraphGaps } from '../shared/graph-gaps';
import type { CollectorContext } from '../types';
import {
  adaptCommit,
  adaptDeployment,
  adaptRelease,
  adaptIssue,
  adaptMergeRequest,
  adaptPipeline,
  closedIssues,
  commitFromGraphql,
  commitFromRest,
  deploymentFromRest,
  pipelineFromGraphql,
  type ProjectRef,
} from './adapt';
import { statusOf, type GitlabClient, type Page, type Query } from './client';
import type { GitlabSettings } from './config';
import { commitsOf, mergeRequestsPage, pipelinesPage } from './graphql';
import { before, listAll, updatedSince } from './listing';
import {
  deploymentPayload,
  environmentPayload,
  issuePayload,
  releasePayload,
  restCommitPayload,
  type GraphqlMergeRequest,
  type RestCommitPayload,
} from './payloads';
import { COLLECTOR } from './projects';

export interface ProjectSync {
  client: GitlabClient;
  ctx: CollectorContext;
  settings: GitlabSettings;
  project: ProjectRef;
  /** The project's path now, for GraphQL (which finds projects by path). */
  path: string;
  /** Nothing older than this is wanted (epoch ms): the backfill horizon, or `--since`. */
  horizon: number;
  /** Set by `--since`: read from the horizon again, whatever the cursors say. */
  rewind: boolean;
  /** When the run started (epoch ms). */
  startedAt: number;
  stored: number;
}

const watermarkCursor = z.object({ watermark: z.string().nullable() });
/** A pass over a list GitLab orders newest first: where it got to, and the newest time seen. */
const passCursor = z.object({
  watermark: z.string().nullable(),
  pass: z.object({ after: z.string(), from: z.string(), newest: z.string().nullable() }).nullable().default(null),
});
/** `tiers`: every environment's tier as last seen (null: none, an instance without tiers), which the start's re-mapping reads (declared.ts). */
export const deploymentsCursor = z.object({
  watermark: z.string().nullable(),
  tiers: z.record(z.string(), z.string().nullable()).default({}),
});
const gapsCursor = z.object({ through: z.number() });

const resourceOf = (sync: ProjectSync, name: string) => `${sync.project.key}:${name}`;
const read = async <T>(sync: ProjectSync, name: string, schema: z.ZodType<T>) =>
  parseCollectorCursor(await sync.ctx.store.getCursor(COLLECTOR, resourceOf(sync, name)), schema).state;
const row = (sync: ProjectSync, name: string, state: unknown): Cursor => collectorCursorRow(COLLECTOR, resourceOf(sync, name), state, null);

/** Stores one batch and the cursors it covers in one transaction, and reports progress. */
async function commit(sync: ProjectSync, resource: string, events: NativeEventInput[], cursors: Cursor[]): Promise<void> {
  const r = await sync.ctx.ingest(events, cursors);
  sync.stored += r.accepted + r.updated;
  sync.ctx.progress?.({
    resource: `${sync.project.service}:${resource}`,
    requests: sync.client.stats.requests,
    stored: sync.stored,
    rateLimitRemaining: sync.client.rateLimitRemaining(),
  });
}

/** The time to read from: the stored watermark, unless rewinding or it is before the horizon. */
function startFrom(sync: ProjectSync, stored: string | null | undefined): string {
  if (!stored || sync.rewind || Date.parse(stored) < sync.horizon) return new Date(sync.horizon).toISOString();
  return stored;
}

const later = (a: string | null, b: string): string => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

/** The opening times of issues of the project, by iid (one request per 100). */
async function openedTimes(client: GitlabClient, project: ProjectRef, iids: number[], signal?: AbortSignal): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < iids.length; i += 100) {
    const issues = await listAll(
      client,
      `/projects/${project.id}/issues`,
      { iids: iids.slice(i, i + 100), scope: 'all', state: 'all' },
      issuePayload,
      signal,
    );
    for (const x of issues) out.set(x.iid, x.created_at);
  }
  return out;
}

/** The change events of merge requests (the pull's and a hook's alike): their commits, with the opening time of the issues they close. */
export async function mergeRequestEvents(
  client: GitlabClient,
  project: ProjectRef,
  path: string,
  mrs: GraphqlMergeRequest[],
  signal?: AbortSignal,
): Promise<NativeEventInput[]> {
  const wanted = [...new Set(mrs.flatMap((mr) => closedIssues(mr.description)))];
  const opened = wanted.length > 0 ? await openedTimes(client, project, wanted, signal) : new Map<number, string>();
  const events: NativeEventInput[] = [];
  for (const mr of mrs) {
    const commits = (await commitsOf(client, path, mr)).map(commitFromGraphql);
    const planned = closedIssues(mr.description)
      .map((n) => opened.get(n))
      .filter((t): t is string => t !== undefined);
    events.push(...adaptMergeRequest(project, mr, commits, planned));
  }
  return events;
}

/** Where the merge requests got to: the newest time stored, and the iids stored at that time. */
const mergeRequestsCursor = z.object({ watermark: z.string().nullable(), iids: z.array(z.string()).default([]) });

/**
 * Merged merge requests updated since the watermark, 50 per GraphQL request, oldest updated
 * first. Those the last run stored (up to the watermark, and at it by iid) are not sent again:
 * their commits were since completed with parents by the commits API, and sending the request's
 * version again would only flip the stored version back and forth.
 */
async function syncMergeRequests(sync: ProjectSync): Promise<void> {
  const saved = sync.rewind ? null : await read(sync, 'merge_requests', mergeRequestsCursor);
  const from = startFrom(sync, saved?.watermark);
  const done = (mr: GraphqlMergeRequest) =>
    saved?.watermark != null &&
    (Date.parse(mr.updatedAt) < Date.parse(saved.watermark) ||
      (Date.parse(mr.updatedAt) === Date.parse(saved.watermark) && saved.iids.includes(mr.iid)));
  let after: string | null = null;
  let watermark = saved?.watermark ?? null;
  let iids = saved?.iids ?? [];
  for (;;) {
    const page = await mergeRequestsPage(sync.client, sync.path, before(from), after);
    const fresh = page.nodes.filter((mr) => !done(mr));
    const merged = fresh.filter((mr) => mr.mergedAt && Date.parse(mr.mergedAt) >= sync.horizon);
    const events = await mergeRequestEvents(sync.client, sync.project, sync.path, merged, sync.ctx.signal);
    for (const mr of fresh) {
      if (watermark === null || Date.parse(mr.updatedAt) > Date.parse(watermark)) {
        watermark = mr.updatedAt;
        iids = [mr.iid];
      } else if (Date.parse(mr.updatedAt) === Date.parse(watermark) && !iids.includes(mr.iid)) iids = [...iids, mr.iid];
    }
    await commit(sync, 'merge_requests', events, [row(sync, 'merge_requests', { watermark, iids })]);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
    sync.ctx.signal?.throwIfAborted();
  }
}

/** Where the default branch was read to: its head then. */
const branchCursor = z.object({ head: z.string().nullable() });

/**
 * The default branch's commits with their parents, so the commit graph between deployments has
 * no gaps: on the first run those since the horizon, then only those after the head read last
 * (a range, `head..branch`, one cheap request when nothing was pushed). A head GitLab no longer
 * has (a force push) reads from the horizon again.
 */
async function syncBranch(sync: ProjectSync): Promise<void> {
  const branch = sync.project.defaultBranch;
  if (!branch) return;
  const saved = sync.rewind ? null : await read(sync, 'branch', branchCursor);
  const read1 = async (query: Query): Promise<string | null> => {
    let page: string | null = '1';
    let head: string | null = null;
    while (page) {
      const res: Page<RestCommitPayload[]> = await sync.client.get(
        `/projects/${sync.project.id}/repository/commits`,
        { ...query, per_page: 100, page: page === '1' ? undefined : page },
        z.array(restCommitPayload),
      );
      head ??= res.data[0]?.id.toLowerCase() ?? null;
      await commit(
        sync,
        'branch',
        res.data.map((c) => adaptCommit(sync.project, commitFromRest(c))),
        [],
      );
      page = res.nextPage;
      sync.ctx.signal?.throwIfAborted();
    }
    return head;
  };
  const fromHorizon = { ref_name: branch, since: new Date(sync.horizon).toISOString() };
  let head: string | null;
  if (saved?.head) {
    try {
      head = (await read1({ ref_name: `${saved.head}..${branch}` })) ?? saved.head;
    } catch (e) {
      if (statusOf(e) !== 404 && statusOf(e) !== 400) throw e;
      head = await read1(fromHorizon);
    }
  } else head = await read1(fromHorizon);
  if (head !== (saved?.head ?? null)) await commit(sync, 'branch', [], [row(sync, 'branch', { head })]);
}

/** The tiers of the project's environments, by name. */
async function environmentTiers(sync: ProjectSync): Promise<Record<string, string | null>> {
  const envs = await listAll(sync.client, `/projects/${sync.project.id}/environments`, {}, environmentPayload, sync.ctx.signal);
  return Object.fromEntries(envs.map((e) => [e.name, e.tier ?? null]));
}

/** Deployments updated since the watermark (a deployment is updated when it finishes); the environments list only when one is new. */
async function syncDeployments(sync: ProjectSync): Promise<void> {
  const saved = await read(sync, 'deployments', deploymentsCursor);
  const from = startFrom(sync, saved?.watermark);
  let watermark = saved?.watermark ?? null;
  let tiers = saved?.tiers ?? {};
  for await (const page of updatedSince(
    sync.client,
    `/projects/${sync.project.id}/deployments`,
    {},
    deploymentPayload,
    from,
    sync.ctx.signal,
  )) {
    if (page.some((d) => d.environment.tier === undefined && !(d.environment.name in tiers)))
      tiers = { ...tiers, ...(await environmentTiers(sync)) };
    for (const d of page) if (d.environment.tier !== undefined) tiers = { ...tiers, [d.environment.name]: d.environment.tier ?? null };
    const known = new Map(Object.entries(tiers));
    const events = page
      .filter((d) => Date.parse(d.created_at) >= sync.horizon)
      .map((d) => adaptDeployment(sync.project, deploymentFromRest(d, known), sync.settings));
    for (const d of page) watermark = later(watermark, d.updated_at);
    await commit(sync, 'deployments', events, [row(sync, 'deployments', { watermark, tiers })]);
  }
}

/** A pipeline still running after this long is not waited for: the watermark moves past it. */
const SETTLE_MS = 10 * 60_000;

/**
 * Pipelines updated since the watermark, 100 per GraphQL request. GitLab lists them newest first,
 * so a pass keeps its place (the page cursor) and moves the watermark only when it is complete,
 * to the newest time it saw, but not later than shortly before it started (a pipeline updated
 * on a page already read is then read again next time).
 */
async function syncPipelines(sync: ProjectSync): Promise<void> {
  const saved = await read(sync, 'pipelines', passCursor);
  const watermark = sync.rewind ? null : (saved?.watermark ?? null);
  const resume = !sync.rewind && saved?.pass ? saved.pass : null;
  const from = resume?.from ?? startFrom(sync, watermark);
  let after = resume?.after ?? null;
  let newest = resume?.newest ?? null;
  for (;;) {
    const page = await pipelinesPage(sync.client, sync.path, before(from), after);
    const events = page.nodes
      .filter((p) => Date.parse(p.createdAt) >= sync.horizon)
      .map((p) => adaptPipeline(sync.project, pipelineFromGraphql(p)))
      .filter((e): e is NonNullable<typeof e> => e !== null);
    for (const p of page.nodes) newest = later(newest, p.updatedAt);
    const done = !page.pageInfo.hasNextPage || !page.pageInfo.endCursor;
    const settled = new Date(sync.startedAt - SETTLE_MS).toISOString();
    const state = done
      ? {
          watermark: newest === null ? watermark : later(watermark, Date.parse(newest) < Date.parse(settled) ? newest : settled),
          pass: null,
        }
      : { watermark, pass: { after: page.pageInfo.endCursor!, from, newest } };
    await commit(sync, 'pipelines', events, [row(sync, 'pipelines', state)]);
    if (done) return;
    after = page.pageInfo.endCursor!;
    sync.ctx.signal?.throwIfAborted();
  }
}

/** Incident issues (of type incident, or with a configured label) updated since each list's watermark. */
async function syncIncidents(sync: ProjectSync): Promise<void> {
  const lists: [string, Record<string, string>][] = [
    ['incidents', { issue_type: 'incident' }],
    ...sync.settings.incidentLabels.map((l): [string, Record<string, string>] => [`incidents:${l.toLowerCase()}`, { labels: l }]),
  ];
  for (const [name, filter] of lists) {
    const saved = await read(sync, name, watermarkCursor);
    let watermark = saved?.watermark ?? null;
    for await (const page of updatedSince(
      sync.client,
      `/projects/${sync.project.id}/issues`,
      { ...filter, scope: 'all', state: 'all' },
      issuePayload,
      startFrom(sync, watermark),
      sync.ctx.signal,
    )) {
      const events = page
        .map((i) => adaptIssue(sync.project, i, sync.settings.incidentLabels))
        .filter((e): e is NonNullable<typeof e> => e !== null);
      for (const i of page) watermark = later(watermark, i.updated_at);
      await commit(sync, 'incidents', events, [row(sync, name, { watermark })]);
    }
  }
}

/** The commits a commits-API query names (a ref, a range `base..head`, `since`), with their parents, as changes. */
export async function branchCommits(
  client: GitlabClient,
  project: ProjectRef,
  query: Query,
  signal?: AbortSignal,
): Promise<NativeEventInput[]> {
  const commits = await listAll(client, `/projects/${project.id}/repository/commits`, query, restCommitPayload, signal);
  return commits.map((c) => adaptCommit(project, commitFromRest(c)));
}

/** The commits in `head` and not in `base`, with their parents (the commits API takes a range); none when GitLab no longer has either. */
export async function commitsBetween(
  client: GitlabClient,
  project: ProjectRef,
  base: string,
  head: string,
  signal?: AbortSignal,
): Promise<NativeEventInput[]> {
  try {
    return await branchCommits(client, project, { ref_name: `${base}..${head}` }, signal);
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 400) return [];
    throw e;
  }
}

/** The releases sent as deployments, by tag, and the rules they were sent under. */
const releasesCursor = z.object({
  rules: z.string(),
  sent: z.record(z.string(), z.tuple([z.string().nullable(), z.string(), z.string().nullable()])),
});

/**
 * Releases as deployments, for `sources.gitlab.releases`: every release since the horizon is read
 * on each run (a project has few; one request), those the release-tag rules count are sent as
 * successful deployments, and one sent before that no longer counts (deleted, turned upcoming, or
 * left out by changed rules) is sent again as `retracted` (DESIGN.md), so it stops counting.
 */
async function syncReleases(sync: ProjectSync): Promise<void> {
  const releases = sync.settings.releases;
  if (!releases) return;
  const rules = JSON.stringify({ ...releases.rules.rules, environment: releases.environment });
  const saved = await read(sync, 'releases', releasesCursor);
  const all = await listAll(
    sync.client,
    `/projects/${sync.project.id}/releases`,
    { order_by: 'released_at', sort: 'desc' },
    releasePayload,
    sync.ctx.signal,
  );
  const events: NativeEventInput[] = [];
  const sent: Record<string, [string | null, string, string | null]> = {};
  for (const r of all) {
    const at = r.released_at ?? r.created_at;
    if (r.upcoming_release || Date.parse(at) < sync.horizon || releases.rules.isRelease(r.tag_name, true) !== 'release') continue;
    const release = { tag: r.tag_name, sha: r.commit?.id ?? null, releasedAt: at, url: r._links?.self ?? null };
    events.push(adaptRelease(sync.project, release, releases.environment));
    sent[r.tag_name] = [release.sha, release.releasedAt, release.url];
  }
  for (const [tag, [sha, releasedAt, url]] of Object.entries(saved?.sent ?? {})) {
    if (!(tag in sent)) events.push(adaptRelease(sync.project, { tag, sha, releasedAt, url }, releases.environment, 'retracted'));
  }
  if (events.length > 0 || saved?.rules !== rules) await commit(sync, 'releases', events, [row(sync, 'releases', { rules, sent })]);
}

/** Collects one project; answers the events it stored. */
export async function syncProject(sync: ProjectSync): Promise<number> {
  await syncMergeRequests(sync);
  await syncBranch(sync);
  await syncDeployments(sync);
  await syncReleases(sync);
  await syncPipelines(sync);
  await syncIncidents(sync);
  const saved = await read(sync, 'gaps', gapsCursor);
  await fillGraphGaps({
    ctx: sync.ctx,
    service: sync.project.service,
    through: sync.rewind ? sync.horizon - 1 : (saved?.through ?? -1),
    between: (base, head) => commitsBetween(sync.client, sync.project, base, head, sync.ctx.signal),
    commit: (events, through) => commit(sync, 'gaps', events, [row(sync, 'gaps', { through })]),
  });
  return sync.stored;
}

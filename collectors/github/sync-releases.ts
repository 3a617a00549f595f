/**
 * Published releases as deployments, for repositories configured with `deployments.from:
 * releases`. Every release since the horizon is read on each run (a repository has few, and an
 * unchanged list is one conditional request answered 304), and the cursor keeps those sent as
 * deployments: one turned pre-release or draft, no longer matching the rules, or deleted, is
 * sent again as `retracted` (DESIGN.md), so it stops counting. Only releases whose tag is
 * reachable from the default branch count, unless `includeOtherBranches`.
 */
import { z } from 'zod';
import { adaptRelease, isDeployedRelease, retractedRelease, shaOfTarget, type SentRelease } from './adapt-release';
import { statusOf, type GithubClient } from './client';
import { tagsReachableFrom } from './graphql';
import { cursorRow, readCursor } from './cursors';
import { chunks, listNewestFirst } from './listing';
import { releasePayload, type ReleasePayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

/** The releases cursor: the newest release read, and the releases sent as deployments by id (tag, sha, publication time, page). */
const releasesCursor = z.object({
  watermark: z.string().nullable(),
  /** The rules the releases were sent under (`deployments` of the repository): other rules read the list again, whatever its ETag says. */
  rules: z.string().optional(),
  sent: z.record(z.string(), z.tuple([z.string(), z.string().nullable(), z.string(), z.string()])).optional(),
  /** Commits known to be reachable from the default branch (kept: history does not lose them), by sha. */
  reach: z.record(z.string(), z.boolean()).optional(),
});

/**
 * Whether each release's commit is reachable from the default branch (issue 16: a support
 * branch's tags are not production of the main line), unless `includeOtherBranches`. A commit
 * once reachable stays so and is not asked again; the others are asked again, in one GraphQL
 * query for 50 tags, whenever the releases list has changed. Answers the map to keep.
 */
async function reachable(
  sync: RepoSync,
  candidates: { r: ReleasePayload; sha: string | undefined }[],
  known: Record<string, boolean>,
): Promise<Record<string, boolean>> {
  const branch = sync.repo.defaultBranch;
  if (sync.source.includeOtherBranches || !branch) return {};
  const out: Record<string, boolean> = {};
  const ask = new Map<string, string>();
  for (const { r, sha } of candidates) {
    if (!sha) continue;
    if (known[sha]) out[sha] = true;
    else ask.set(r.tag_name, sha);
  }
  if (ask.size === 0) return out;
  const answers = await tagsReachableFrom(sync.client, sync.repo.owner, sync.repo.name, branch, [...ask.keys()]);
  for (const [tag, sha] of ask) out[sha] = (answers.get(tag) ?? false) || out[sha] === true;
  return out;
}

const PER_BATCH = 50;

/** The commit a tag points at (annotated tags followed), or undefined when it is gone. */
export async function tagSha(client: GithubClient, repo: Pick<RepoInfo, 'owner' | 'name'>, tag: string): Promise<string | undefined> {
  try {
    const res = await client.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
      owner: repo.owner,
      repo: repo.name,
      ref: tag,
      headers: { accept: 'application/vnd.github.sha' },
    });
    const sha = String(res.data).trim().toLowerCase();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 422) return undefined;
    throw e;
  }
}

/** The sha a release shipped: its target when that is a sha, else its tag's commit. */
export async function releaseSha(
  client: GithubClient,
  repo: Pick<RepoInfo, 'owner' | 'name'>,
  r: ReleasePayload,
): Promise<string | undefined> {
  return shaOfTarget(r) ?? tagSha(client, repo, r.tag_name);
}

/** Reads the releases since the horizon: those that count become deployments, those sent before that no longer count are retracted. */
export async function syncReleases(sync: RepoSync): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'releases');
  const saved = await readCursor(ctx.store, resource, releasesCursor);
  const sent = saved.state?.sent ?? {};
  const rules = JSON.stringify(sync.source);
  const list = await listNewestFirst(client, 'GET /repos/{owner}/{repo}/releases', { owner: repo.owner, repo: repo.name }, releasePayload, {
    etag: saved.state?.rules === rules ? etagFor(sync, saved.etag) : null,
    isOlder: (r) => Date.parse(r.created_at) < sync.horizon,
    loose: true,
    signal: ctx.signal,
  });
  if (list.notModified) return;
  const items = oldestFirst(
    list.items,
    (r) => r.created_at,
    (r) => r.id,
  );
  const events: NativeEventInput[] = [];
  const nowSent: Record<string, [string, string | null, string, string]> = {};
  const candidates: { r: ReleasePayload; sha: string | undefined }[] = [];
  for (const r of items) {
    if (!isDeployedRelease(r, sync.source) || Date.parse(r.published_at!) < sync.horizon) continue;
    const before = sent[String(r.id)];
    // A tag's commit is asked for once: a release sent before with the same tag keeps its sha.
    candidates.push({ r, sha: before && before[0] === r.tag_name && before[1] ? before[1] : await releaseSha(client, repo, r) });
  }
  const reach = await reachable(sync, candidates, saved.state?.reach ?? {});
  for (const { r, sha } of candidates) {
    if (sha && reach[sha] === false) continue;
    const event = adaptRelease(repo, r, sha, sync.source);
    if (!event) continue;
    events.push(event);
    nowSent[String(r.id)] = [r.tag_name, sha ?? null, r.published_at!, r.html_url];
  }
  for (const [id, [tag, sha, publishedAt, url]] of Object.entries(sent)) {
    if (!(id in nowSent))
      events.push(retractedRelease(repo, { id: Number(id), tag, sha, publishedAt, url } satisfies SentRelease, sync.source));
  }
  const cursor = cursorRow(
    resource,
    { watermark: items.at(-1)?.created_at ?? saved.state?.watermark ?? null, rules, sent: nowSent, reach },
    list.etag,
  );
  const batches = chunks(events, PER_BATCH);
  if (batches.length === 0) return commit(sync, 'releases', [], [cursor]);
  for (const [i, batch] of batches.entries()) {
    await commit(sync, 'releases', batch, i === batches.length - 1 ? [cursor] : []);
    ctx.signal?.throwIfAborted();
  }
}

/** Published releases as deployments, for repositories configured with `deployments.from: releases`. */
import { adaptRelease, isDeployedRelease, shaOfTarget } from './adapt-release';
import { statusOf, type GithubClient } from './client';
import { cursorRow, readCursor, watermarkCursor } from './cursors';
import { chunks, listNewestFirst } from './listing';
import { releasePayload, type ReleasePayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const PER_BATCH = 50;

/** The commit a tag points at (annotated tags followed), or undefined when it is gone. */
export async function tagSha(client: GithubClient, repo: Pick<RepoInfo, 'owner' | 'name'>, tag: string): Promise<string | undefined> {
  try {
    const res = await client.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
      owner: repo.owner, repo: repo.name, ref: tag, headers: { accept: 'application/vnd.github.sha' },
    });
    const sha = String(res.data).trim().toLowerCase();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 422) return undefined;
    throw e;
  }
}

/** The sha a release shipped: its target when that is a sha, else its tag's commit. */
export async function releaseSha(client: GithubClient, repo: Pick<RepoInfo, 'owner' | 'name'>, r: ReleasePayload): Promise<string | undefined> {
  return shaOfTarget(r) ?? tagSha(client, repo, r.tag_name);
}

/** Reads the releases created since the watermark; those that count become deployments. */
export async function syncReleases(sync: RepoSync): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'releases');
  const saved = await readCursor(ctx.store, resource, watermarkCursor);
  const from = startFrom(sync, saved.state?.watermark);
  const list = await listNewestFirst(client, 'GET /repos/{owner}/{repo}/releases', { owner: repo.owner, repo: repo.name }, releasePayload, {
    etag: etagFor(sync, saved.etag), isOlder: (r) => Date.parse(r.created_at) < Date.parse(from), loose: true, signal: ctx.signal,
  });
  if (list.notModified) return;
  const items = oldestFirst(list.items, (r) => r.created_at, (r) => r.id);
  const batches = chunks(items, PER_BATCH);
  if (batches.length === 0) return commit(sync, 'releases', [], [cursorRow(resource, { watermark: saved.state?.watermark ?? null }, list.etag)]);
  for (const [i, batch] of batches.entries()) {
    const events: NativeEventInput[] = [];
    for (const r of batch) {
      if (!isDeployedRelease(r, sync.source) || Date.parse(r.published_at!) < sync.horizon) continue;
      const event = adaptRelease(repo, r, await releaseSha(client, repo, r), sync.source);
      if (event) events.push(event);
    }
    const final = i === batches.length - 1;
    await commit(sync, 'releases', events, [cursorRow(resource, { watermark: batch[batch.length - 1].created_at }, final ? list.etag : null)]);
    ctx.signal?.throwIfAborted();
  }
}

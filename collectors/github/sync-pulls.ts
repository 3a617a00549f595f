/**
 * Merged pull requests: the closed list, newest updated first, down to the watermark (one 304
 * when nothing changed); then their details by GraphQL, 50 per request, oldest first, each
 * batch stored with the watermark it reaches.
 */
import { adaptPullRequest } from './adapt-pull-request';
import { cursorRow, readCursor, watermarkCursor } from './cursors';
import { fetchPullRequests } from './graphql';
import { chunks, listNewestFirst } from './listing';
import { pullPayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoSync } from './repo-sync';

const PER_QUERY = 50;

/** Reads the pull requests merged or changed since the watermark. */
export async function syncPulls(sync: RepoSync): Promise<void> {
  const { repo, client } = sync;
  const resource = resourceOf(sync, 'pulls');
  const saved = await readCursor(sync.ctx.store, resource, watermarkCursor);
  const from = startFrom(sync, saved.state?.watermark);
  const list = await listNewestFirst(
    client,
    'GET /repos/{owner}/{repo}/pulls',
    { owner: repo.owner, repo: repo.name, state: 'closed', sort: 'updated', direction: 'desc' },
    pullPayload,
    {
      etag: etagFor(sync, saved.etag),
      isOlder: (p) => Date.parse(p.updated_at) < Date.parse(from),
      signal: sync.ctx.signal,
    },
  );
  if (list.notModified) return;
  const items = oldestFirst(
    list.items,
    (p) => p.updated_at,
    (p) => p.number,
  );
  const last = items.length > 0 ? items[items.length - 1].updated_at : (saved.state?.watermark ?? null);
  const merged = items.filter((p) => p.merged_at && Date.parse(p.merged_at) >= sync.horizon);
  const batches = chunks(merged, PER_QUERY);
  if (batches.length === 0) {
    await commit(sync, 'pulls', [], [cursorRow(resource, { watermark: last }, list.etag)]);
    return;
  }
  for (const [i, batch] of batches.entries()) {
    const fetched = await fetchPullRequests(
      client,
      repo.owner,
      repo.name,
      batch.map((p) => p.number),
    );
    const events = fetched.flatMap((f) => adaptPullRequest(repo, f.pr, f.moreCommits));
    const final = i === batches.length - 1;
    const watermark = final ? last : batch[batch.length - 1].updated_at;
    await commit(sync, 'pulls', events, [cursorRow(resource, { watermark }, final ? list.etag : null)]);
    sync.ctx.signal?.throwIfAborted();
  }
}

/** Incident issues: those with an incident label, newest updated first down to the watermark, one cursor per label. */
import { adaptIssue } from './adapt-issue';
import { cursorRow, readCursor, watermarkCursor } from './cursors';
import { chunks, listNewestFirst } from './listing';
import { issuePayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const PER_BATCH = 100;

/** Reads the issues with one incident label that changed since its watermark. */
export async function syncIssues(sync: RepoSync, label: string): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, `issues:${label.toLowerCase()}`);
  const saved = await readCursor(ctx.store, resource, watermarkCursor);
  const from = startFrom(sync, saved.state?.watermark);
  const list = await listNewestFirst(
    client,
    'GET /repos/{owner}/{repo}/issues',
    {
      owner: repo.owner,
      repo: repo.name,
      labels: label,
      state: 'all',
      sort: 'updated',
      direction: 'desc',
    },
    issuePayload,
    { etag: etagFor(sync, saved.etag), isOlder: (i) => Date.parse(i.updated_at) < Date.parse(from), signal: ctx.signal },
  );
  if (list.notModified) return;
  const items = oldestFirst(
    list.items,
    (i) => i.updated_at,
    (i) => i.number,
  );
  const batches = chunks(items, PER_BATCH);
  if (batches.length === 0)
    return commit(sync, 'issues', [], [cursorRow(resource, { watermark: saved.state?.watermark ?? null }, list.etag)]);
  for (const [i, batch] of batches.entries()) {
    const events = batch
      .map((issue) => adaptIssue(repo, issue, sync.settings.incidentLabels))
      .filter((e): e is NonNullable<typeof e> => e !== null) as NativeEventInput[];
    const final = i === batches.length - 1;
    await commit(sync, 'issues', events, [
      cursorRow(resource, { watermark: batch[batch.length - 1].updated_at }, final ? list.etag : null),
    ]);
    ctx.signal?.throwIfAborted();
  }
}

/**
 * GitHub Actions runs: every finished run is a CI run, and for repositories configured with
 * `deployments.from: workflow`, each successful run of that workflow on the default branch is
 * a deployment. The watermark stays at the oldest run still going, so it is read again.
 */
import { adaptRun, adaptRunAsDeployment } from './adapt-run';
import { z } from 'zod';
import { cursorRow, readCursor, watermarkCursor } from './cursors';
import { olderState } from './graphql-pass';
import { chunks, listNewestFirst } from './listing';
import { workflowRunPayload, type WorkflowRunPayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const PER_BATCH = 200;
const PER_PAGE = 100;
/** A run still going after this long is not waited for any more. */
const RUNNING_FOR_MS = 3 * 86_400_000;

const isRunning = (run: WorkflowRunPayload) => run.status !== 'completed';
const runsCursor = watermarkCursor.extend({ older: olderState.nullish() });

/** A run's events: a CI run, and a deployment when it is a run of the deployment workflow. */
function eventsOf(sync: RepoSync, run: WorkflowRunPayload): NativeEventInput[] {
  const events: NativeEventInput[] = [];
  const ci = adaptRun(sync.repo, run);
  if (ci) events.push(ci);
  const deployment = adaptRunAsDeployment(sync.repo, run, sync.source, sync.repo.defaultBranch);
  if (deployment) events.push(deployment);
  return events;
}

/** Reads the runs created since the watermark. */
export async function syncRuns(sync: RepoSync): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'runs');
  const saved = await readCursor(ctx.store, resource, runsCursor);
  const first = !sync.rewind && !saved.state?.watermark && !saved.state?.older;
  const from = startFrom(sync, saved.state?.watermark, true);
  const staged = first && sync.recentFrom > sync.horizon;
  const list = await listNewestFirst(
    client,
    'GET /repos/{owner}/{repo}/actions/runs',
    { owner: repo.owner, repo: repo.name },
    workflowRunPayload,
    {
      etag: etagFor(sync, saved.etag),
      isOlder: (r) => Date.parse(r.created_at) < Date.parse(from),
      // A first backfill keeps the rest of the page where its recent stage stops, down to the horizon.
      finishPage: staged ? (r) => Date.parse(r.created_at) >= sync.horizon : undefined,
      signal: ctx.signal,
    },
  );
  if (list.notModified) return;
  // A first backfill stopped at the recent stage's start: the older runs are read by `syncOlderRuns`.
  const reached = list.items.at(-1)?.created_at;
  const older =
    staged && list.stoppedAtOlder && reached && !list.refused
      ? { after: null, reached }
      : sync.rewind
        ? null
        : (saved.state?.older ?? null);
  const withOlder = (watermark: string | null) => ({ watermark, ...(older ? { older } : {}) });
  const items = oldestFirst(
    list.items,
    (r) => r.created_at,
    (r) => r.id,
  );
  const batches = chunks(items, PER_BATCH);
  if (batches.length === 0) return commit(sync, 'runs', [], [cursorRow(resource, withOlder(saved.state?.watermark ?? null), list.etag)]);
  const waitFrom = ctx.now() - RUNNING_FOR_MS;
  let running: string | null = null;
  for (const [i, batch] of batches.entries()) {
    const events: NativeEventInput[] = [];
    for (const run of batch) {
      if (!running && isRunning(run) && Date.parse(run.created_at) >= waitFrom) running = run.created_at;
      events.push(...eventsOf(sync, run));
    }
    const final = i === batches.length - 1;
    const watermark = running ?? batch[batch.length - 1].created_at;
    await commit(sync, 'runs', events, [cursorRow(resource, withOlder(watermark), final ? list.etag : null)]);
    ctx.signal?.throwIfAborted();
  }
}

const runsPage = z.object({ workflow_runs: z.array(workflowRunPayload) });

/**
 * Reads the runs older than the first backfill's recent stage, newest first, a page of 100 at a
 * time created at or before the oldest stored (GitHub's `created` filter, so no page number
 * drifts as new runs arrive), each page stored with how far back it reached; answers whether
 * there were any to read.
 */
export async function syncOlderRuns(sync: RepoSync): Promise<boolean> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'runs');
  const saved = await readCursor(ctx.store, resource, runsCursor);
  let older = sync.rewind ? null : (saved.state?.older ?? null);
  if (!older) return false;
  const watermark = saved.state?.watermark ?? null;
  while (older) {
    const at: string = older.reached;
    const res = await client.octokit.request('GET /repos/{owner}/{repo}/actions/runs', {
      owner: repo.owner,
      repo: repo.name,
      per_page: PER_PAGE,
      created: `<=${at.replace(/\.\d+Z$|Z$/, '+00:00')}`,
    });
    const page = runsPage.parse(res.data).workflow_runs;
    const kept = page.filter((r) => Date.parse(r.created_at) >= sync.horizon);
    const oldest = kept.length ? kept[kept.length - 1].created_at : at;
    // The end: the horizon, the list's end, or a page all created in the same second (nothing further to ask by time).
    const done = kept.length < page.length || page.length < PER_PAGE || Date.parse(oldest) >= Date.parse(at);
    older = done ? null : { after: null, reached: oldest };
    await commit(
      sync,
      'runs',
      kept.flatMap((r) => eventsOf(sync, r)),
      [cursorRow(resource, { watermark, ...(older ? { older } : {}) }, saved.etag)],
    );
    ctx.signal?.throwIfAborted();
  }
  return true;
}

/**
 * GitHub Actions runs: every finished run is a CI run, and for repositories configured with
 * `deployments.from: workflow`, each successful run of that workflow on the default branch is
 * a deployment. The watermark stays at the oldest run still going, so it is read again.
 */
import { adaptRun, adaptRunAsDeployment } from './adapt-run';
import { cursorRow, readCursor, watermarkCursor } from './cursors';
import { chunks, listNewestFirst } from './listing';
import { workflowRunPayload, type WorkflowRunPayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const PER_BATCH = 200;
/** A run still going after this long is not waited for any more. */
const RUNNING_FOR_MS = 3 * 86_400_000;

const isRunning = (run: WorkflowRunPayload) => run.status !== 'completed';

/** Reads the runs created since the watermark. */
export async function syncRuns(sync: RepoSync): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'runs');
  const saved = await readCursor(ctx.store, resource, watermarkCursor);
  const from = startFrom(sync, saved.state?.watermark);
  const list = await listNewestFirst(
    client,
    'GET /repos/{owner}/{repo}/actions/runs',
    { owner: repo.owner, repo: repo.name },
    workflowRunPayload,
    {
      etag: etagFor(sync, saved.etag),
      isOlder: (r) => Date.parse(r.created_at) < Date.parse(from),
      signal: ctx.signal,
    },
  );
  if (list.notModified) return;
  const items = oldestFirst(
    list.items,
    (r) => r.created_at,
    (r) => r.id,
  );
  const batches = chunks(items, PER_BATCH);
  if (batches.length === 0)
    return commit(sync, 'runs', [], [cursorRow(resource, { watermark: saved.state?.watermark ?? null }, list.etag)]);
  const waitFrom = ctx.now() - RUNNING_FOR_MS;
  let running: string | null = null;
  for (const [i, batch] of batches.entries()) {
    const events: NativeEventInput[] = [];
    for (const run of batch) {
      if (!running && isRunning(run) && Date.parse(run.created_at) >= waitFrom) running = run.created_at;
      const ci = adaptRun(repo, run);
      if (ci) events.push(ci);
      const deployment = adaptRunAsDeployment(repo, run, sync.source, repo.defaultBranch);
      if (deployment) events.push(deployment);
    }
    const final = i === batches.length - 1;
    const watermark = running ?? batch[batch.length - 1].created_at;
    await commit(sync, 'runs', events, [cursorRow(resource, { watermark }, final ? list.etag : null)]);
    ctx.signal?.throwIfAborted();
  }
}

/**
 * Deployments and their statuses (the Deployments API). New deployments are read newest first
 * down to the watermark, then stored oldest first in batches; deployments still in progress
 * are kept in the cursor and asked about again, conditionally, on the next runs.
 */
import { z } from 'zod';
import { adaptDeployment, isSettled } from './adapt-deployment';
import { isNotModified, type GithubClient } from './client';
import { cursorRow, readCursor } from './cursors';
import { chunks, listNewestFirst } from './listing';
import { deploymentPayload, deploymentStatusPayload, type DeploymentPayload, type DeploymentStatusPayload } from './payloads';
import { commit, etagFor, oldestFirst, resourceOf, startFrom, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const PER_BATCH = 50;
/** A deployment with no final status after this long is given up on. */
const OPEN_FOR_MS = 14 * 86_400_000;

const openDeployment = deploymentPayload.extend({ etag: z.string().nullable() });
const deploymentsCursor = z.object({ watermark: z.string().nullable(), open: z.array(openDeployment).default([]) });
type OpenDeployment = z.infer<typeof openDeployment>;

export type Statuses = { notModified: true } | { notModified: false; statuses: DeploymentStatusPayload[]; etag: string | null };

/** A deployment's statuses (the newest 100, which is all that matters), conditionally when an ETag is given. */
export async function fetchStatuses(
  client: GithubClient,
  repo: Pick<RepoInfo, 'owner' | 'name'>,
  id: number,
  etag: string | null = null,
): Promise<Statuses> {
  try {
    const res = await client.octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: repo.owner,
      repo: repo.name,
      deployment_id: id,
      per_page: 100,
      headers: etag ? { 'if-none-match': etag } : {},
    });
    return { notModified: false, statuses: z.array(deploymentStatusPayload).parse(res.data), etag: res.headers.etag ?? null };
  } catch (e) {
    if (etag && isNotModified(e)) return { notModified: true };
    throw e;
  }
}

/** Reads new deployments and asks again about those still in progress. */
export async function syncDeployments(sync: RepoSync): Promise<void> {
  const { repo, client, ctx } = sync;
  const resource = resourceOf(sync, 'deployments');
  const saved = await readCursor(ctx.store, resource, deploymentsCursor);
  const from = startFrom(sync, saved.state?.watermark);
  let watermark = saved.state?.watermark ?? null;
  const list = await listNewestFirst(
    client,
    'GET /repos/{owner}/{repo}/deployments',
    { owner: repo.owner, repo: repo.name },
    deploymentPayload,
    {
      etag: etagFor(sync, saved.etag),
      isOlder: (d) => Date.parse(d.created_at) < Date.parse(from),
      signal: ctx.signal,
    },
  );
  const fresh = list.notModified
    ? []
    : oldestFirst(
        list.items,
        (d) => d.created_at,
        (d) => d.id,
      );
  const freshIds = new Set(fresh.map((d) => d.id));
  const cutoff = ctx.now() - OPEN_FOR_MS;
  let open = (saved.state?.open ?? []).filter((d) => Date.parse(d.created_at) >= cutoff && !freshIds.has(d.id));

  // Deployments that were still running: one conditional request each.
  const events: NativeEventInput[] = [];
  const stillOpen: OpenDeployment[] = [];
  for (const d of open) {
    const answer = await fetchStatuses(client, repo, d.id, d.etag);
    if (answer.notModified) {
      stillOpen.push(d);
      continue;
    }
    const event = adaptDeployment(repo, d, answer.statuses);
    events.push(event);
    if (!isSettled(event)) stillOpen.push({ ...d, etag: answer.etag });
  }
  open = stillOpen;
  const etag = list.notModified ? saved.etag : list.etag;
  if (fresh.length === 0) {
    if (events.length > 0 || !list.notModified) await commit(sync, 'deployments', events, [cursorRow(resource, { watermark, open }, etag)]);
    return;
  }
  const batches = chunks(fresh, PER_BATCH);
  for (const [i, batch] of batches.entries()) {
    for (const d of batch) events.push(await adaptFresh(sync, d, open));
    const final = i === batches.length - 1;
    watermark = batch[batch.length - 1].created_at;
    await commit(sync, 'deployments', events.splice(0), [cursorRow(resource, { watermark, open }, final ? etag : null)]);
    ctx.signal?.throwIfAborted();
  }
}

async function adaptFresh(sync: RepoSync, d: DeploymentPayload, open: OpenDeployment[]): Promise<NativeEventInput> {
  const answer = await fetchStatuses(sync.client, sync.repo, d.id);
  const statuses = answer.notModified ? [] : answer.statuses;
  const event = adaptDeployment(sync.repo, d, statuses);
  if (!isSettled(event))
    open.push({
      id: d.id,
      sha: d.sha,
      ref: d.ref,
      environment: d.environment,
      created_at: d.created_at,
      etag: answer.notModified ? null : answer.etag,
    });
  return event;
}

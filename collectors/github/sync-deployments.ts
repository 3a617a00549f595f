/**
 * Deployments and their statuses. New deployments come with their statuses through GraphQL, a
 * page of 100 per request, newest first down to the watermark, when the REST probe of the list
 * says something changed; deployments still in progress are kept in the cursor and asked about
 * again through REST, conditionally (304 while unchanged), on the next runs.
 */
import { z } from 'zod';
import { adaptDeployment, isSettled } from './adapt-deployment';
import { isNotModified, type GithubClient } from './client';
import { readCursor } from './cursors';
import { fetchDeploymentsPage, type DeploymentWithStatuses } from './graphql';
import { newestFirstPass, olderPass, olderState, passState } from './graphql-pass';
import { deploymentPayload, deploymentStatusPayload, type DeploymentStatusPayload } from './payloads';
import { etagFor, resourceOf, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';
/** A deployment with no final status after this long is given up on. */
const OPEN_FOR_MS = 14 * 86_400_000;

const openDeployment = deploymentPayload.extend({ etag: z.string().nullable() });
const deploymentsCursor = z.object({
  watermark: z.string().nullable(),
  open: z.array(openDeployment).default([]),
  pass: passState.nullish(),
  older: olderState.nullish(),
});
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
  const saved = await readCursor(ctx.store, resourceOf(sync, 'deployments'), deploymentsCursor);
  const cutoff = ctx.now() - OPEN_FOR_MS;

  // Deployments that were still running: one conditional request each (304 while unchanged).
  const pending: NativeEventInput[] = [];
  let open: OpenDeployment[] = [];
  const asked = new Set<number>();
  for (const d of (saved.state?.open ?? []).filter((x) => Date.parse(x.created_at) >= cutoff)) {
    asked.add(d.id);
    const answer = await fetchStatuses(client, repo, d.id, etagFor(sync, d.etag));
    if (answer.notModified) {
      open.push(d);
      continue;
    }
    const event = adaptDeployment(repo, d, answer.statuses);
    pending.push(event);
    if (!isSettled(event)) open.push({ ...d, etag: answer.etag });
  }

  await newestFirstPass<DeploymentWithStatuses>({
    sync,
    name: 'deployments',
    saved: { watermark: saved.state?.watermark ?? null, pass: saved.state?.pass, etag: saved.etag, older: saved.state?.older },
    probe: { route: 'GET /repos/{owner}/{repo}/deployments', params: { owner: repo.owner, repo: repo.name } },
    page: (after) => fetchDeploymentsPage(client, repo.owner, repo.name, after),
    timeOf: (x) => x.deployment.created_at,
    pending,
    state: () => ({ open }),
    adapt: async (items) => {
      const events: NativeEventInput[] = [];
      for (const { deployment: d, statuses } of items) {
        let event = adaptDeployment(repo, d, statuses);
        if (!isSettled(event) && Date.parse(d.created_at) >= cutoff && !asked.has(d.id)) {
          // Still running: its statuses through REST once, for the ETag that makes the next runs' question free while nothing changes.
          const answer = await fetchStatuses(client, repo, d.id);
          if (!answer.notModified) event = adaptDeployment(repo, d, answer.statuses);
          open = open.filter((x) => x.id !== d.id);
          if (!isSettled(event))
            open.push({
              id: d.id,
              sha: d.sha,
              ref: d.ref,
              environment: d.environment,
              created_at: d.created_at,
              etag: answer.notModified ? null : answer.etag,
            });
        } else if (isSettled(event)) open = open.filter((x) => x.id !== d.id);
        events.push(event);
      }
      return events;
    },
  });
}

/**
 * Reads the deployments older than the first backfill's recent stage (long settled: their
 * statuses come with them); answers whether there were any to read.
 */
export async function syncOlderDeployments(sync: RepoSync): Promise<boolean> {
  const { repo, client, ctx } = sync;
  const saved = await readCursor(ctx.store, resourceOf(sync, 'deployments'), deploymentsCursor);
  const open = saved.state?.open ?? [];
  return olderPass<DeploymentWithStatuses>({
    sync,
    name: 'deployments',
    saved: { watermark: saved.state?.watermark ?? null, etag: saved.etag, older: saved.state?.older },
    page: (after) => fetchDeploymentsPage(client, repo.owner, repo.name, after),
    timeOf: (x) => x.deployment.created_at,
    state: () => ({ open }),
    adapt: (items) => items.map(({ deployment, statuses }) => adaptDeployment(repo, deployment, statuses)),
  });
}

/** Pure mapper: a GitHub deployment and its statuses to a native `deployment` event. */
import type { NativeEventInput } from '../../common/events';
import { isoTime } from './adapt-commit';
import type { DeploymentPayload, DeploymentStatusPayload, RepoRef } from './payloads';

export type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

const outcome: Record<string, DeploymentInput['status']> = {
  success: 'success',
  failure: 'failure',
  error: 'failure',
  in_progress: 'in_progress',
  queued: 'in_progress',
  pending: 'in_progress',
};

const httpUrl = (u: string | null | undefined): string | undefined => (u && /^https?:\/\//.test(u) ? u : undefined);

/** The id Deming gives a GitHub deployment, as GitHub's own path names it. */
export const deploymentId = (repo: RepoRef, id: number): string => `${repo.fullName}/deployments/${id}`;

/**
 * When a deployment last changed: its newest status, or its creation while it has none. (Not the
 * deployment's own `updated_at`: a delivery of an early status may carry the deployment as it is
 * by the time it is sent.) Statuses are never edited, so this grows with every status.
 */
function lastChange(d: DeploymentPayload, statuses: DeploymentStatusPayload[]): string {
  let latest = d.created_at;
  for (const s of statuses) {
    const at = s.updated_at ?? s.created_at;
    if (Date.parse(at) > Date.parse(latest)) latest = at;
  }
  return isoTime(latest);
}

/**
 * The deployment's state is its latest status that says how it went. `inactive` is left out:
 * GitHub marks a deployment inactive when a newer one replaces it, which says nothing about
 * whether it succeeded. A deployment with no such status is still in progress.
 */
export function adaptDeployment(repo: RepoRef, d: DeploymentPayload, statuses: DeploymentStatusPayload[]): DeploymentInput {
  const latest = statuses
    .filter((s) => outcome[s.state] !== undefined)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)[0];
  const status = latest ? outcome[latest.state] : 'in_progress';
  const event: DeploymentInput = {
    type: 'deployment',
    source: 'github',
    id: deploymentId(repo, d.id),
    service: repo.fullName,
    environment: d.environment,
    status,
    startedAt: isoTime(d.created_at),
    sha: d.sha.toLowerCase(),
  };
  if (latest && status !== 'in_progress') event.finishedAt = isoTime(latest.created_at);
  const url = httpUrl(latest?.log_url) ?? httpUrl(latest?.target_url);
  if (url) event.url = url;
  event.updatedAt = lastChange(d, statuses);
  return event;
}

/** Whether a deployment's statuses are final, so it need not be asked about again. */
export function isSettled(event: DeploymentInput): boolean {
  return event.status !== 'in_progress';
}

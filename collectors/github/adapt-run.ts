/**
 * Pure mappers: a GitHub Actions workflow run to a native `ci_run` event, and, for repositories
 * whose deployments are a workflow's runs, to a `deployment` event.
 */
import type { NativeEventInput } from '../../common/events';
import { isoTime } from './adapt-commit';
import type { DeploymentSource } from './config';
import type { RepoRef, WorkflowRunPayload } from './payloads';

export type CiRunInput = Extract<NativeEventInput, { type: 'ci_run' }>;
type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

const conclusions: Record<string, CiRunInput['status']> = {
  success: 'success',
  neutral: 'success',
  failure: 'failure',
  timed_out: 'failure',
  startup_failure: 'failure',
  cancelled: 'cancelled',
  skipped: 'cancelled',
  stale: 'cancelled',
};

export const runId = (repo: RepoRef, id: number): string => `${repo.fullName}/actions/runs/${id}`;

/** Whether the run has finished with a conclusion Deming counts (not queued, running or waiting for approval). */
export const isFinished = (run: WorkflowRunPayload): boolean =>
  run.status === 'completed' && run.conclusion !== null && run.conclusion !== undefined && conclusions[run.conclusion] !== undefined;

/** A finished run as a CI run; null while it is not finished. */
export function adaptRun(repo: RepoRef, run: WorkflowRunPayload): CiRunInput | null {
  if (!isFinished(run)) return null;
  const startedAt = isoTime(run.run_started_at ?? run.created_at);
  const finishedAt = isoTime(run.updated_at);
  const event: CiRunInput = {
    type: 'ci_run',
    source: 'github',
    id: runId(repo, run.id),
    service: repo.fullName,
    name: run.name || 'workflow',
    status: conclusions[run.conclusion!],
    startedAt,
    finishedAt: finishedAt < startedAt ? startedAt : finishedAt,
    sha: run.head_sha.toLowerCase(),
    url: run.html_url,
    updatedAt: finishedAt,
  };
  if (run.head_branch) event.branch = run.head_branch;
  return event;
}

/** Whether a run is of the configured workflow, named by file (`deploy.yml`, or its path) or by name. */
export function isWorkflow(run: WorkflowRunPayload, workflow: string): boolean {
  const path = run.path ?? '';
  return path === workflow || path.endsWith(`/${workflow}`) || run.name === workflow;
}

/** A successful run of the deployment workflow on the default branch as a deployment; else null. */
export function adaptRunAsDeployment(
  repo: RepoRef,
  run: WorkflowRunPayload,
  source: DeploymentSource,
  defaultBranch: string | null | undefined,
): DeploymentInput | null {
  if (source.from !== 'workflow' || !source.workflow || !isWorkflow(run, source.workflow)) return null;
  if (run.conclusion !== 'success' || run.status !== 'completed' || !defaultBranch || run.head_branch !== defaultBranch) return null;
  const ci = adaptRun(repo, run)!;
  return {
    type: 'deployment',
    source: 'github',
    id: ci.id,
    service: repo.fullName,
    environment: source.environment ?? 'production',
    status: 'success',
    startedAt: ci.startedAt,
    finishedAt: ci.finishedAt,
    sha: ci.sha,
    url: run.html_url,
    updatedAt: ci.updatedAt,
  };
}

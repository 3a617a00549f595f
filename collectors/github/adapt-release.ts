/** Pure mapper: a published GitHub release to a native `deployment` event, for repositories that deploy by releasing. */
import type { NativeEventInput } from '../../common/events';
import { isoTime } from './adapt-commit';
import type { DeploymentSource } from './config';
import type { ReleasePayload, RepoRef } from './payloads';

type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

export const releaseId = (repo: RepoRef, id: number): string => `${repo.fullName}/releases/${id}`;

/** Whether a release counts as a deployment: published, not a draft or a pre-release, its tag matching the pattern. */
export function isDeployedRelease(r: ReleasePayload, source: DeploymentSource): boolean {
  if (r.draft || r.prerelease || !r.published_at) return false;
  return !source.tagPattern || new RegExp(source.tagPattern).test(r.tag_name);
}

/** The commit a release names when its target is a sha rather than a branch; else the tag must be looked up. */
export const shaOfTarget = (r: ReleasePayload): string | undefined =>
  /^[0-9a-f]{40}$/i.test(r.target_commitish) ? r.target_commitish.toLowerCase() : undefined;

/** A release as a successful deployment at its publication time; null when it does not count. `sha` is the commit of its tag. */
export function adaptRelease(repo: RepoRef, r: ReleasePayload, sha: string | undefined, source: DeploymentSource): DeploymentInput | null {
  if (!isDeployedRelease(r, source)) return null;
  const at = isoTime(r.published_at!);
  const event: DeploymentInput = {
    type: 'deployment', source: 'github', id: releaseId(repo, r.id), service: repo.fullName,
    environment: source.environment ?? 'production', status: 'success', startedAt: at, finishedAt: at, url: r.html_url,
  };
  if (sha) event.sha = sha.toLowerCase();
  return event;
}

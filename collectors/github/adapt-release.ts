/** Pure mapper: a published GitHub release to a native `deployment` event, for repositories that deploy by releasing. */
import type { NativeEventInput } from '../../common/events';
import { isoTime } from './adapt-commit';
import type { DeploymentSource } from './config';
import type { ReleasePayload, RepoRef } from './payloads';
import { compileRules, type CompiledRules } from '../git/rules';

type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

export const releaseId = (repo: RepoRef, id: number): string => `${repo.fullName}/releases/${id}`;

/** A source's release rules, compiled once (the same rules as `collect git`'s, collectors/git/rules.ts). */
const compiled = new WeakMap<DeploymentSource, CompiledRules>();
function rulesOf(source: DeploymentSource): CompiledRules {
  let rules = compiled.get(source);
  if (!rules) {
    rules = compileRules(
      { include: source.include ?? '*', exclude: source.exclude, includePrereleases: source.includePrereleases, allBranches: true },
      { include: 'deployments.include', exclude: 'deployments.exclude' },
    );
    compiled.set(source, rules);
  }
  return rules;
}

/**
 * Whether a release counts as a deployment: published, not a draft, not a pre-release (GitHub's
 * mark or a semantic-version pre-release tag) unless `includePrereleases`, its tag matching
 * `tagPattern` and `include`, and not `exclude`.
 */
export function isDeployedRelease(r: ReleasePayload, source: DeploymentSource): boolean {
  if (r.draft || !r.published_at || (r.prerelease && !source.includePrereleases)) return false;
  if (source.tagPattern && !new RegExp(source.tagPattern).test(r.tag_name)) return false;
  return rulesOf(source).isRelease(r.tag_name, true) === 'release';
}

/** What a release sent as a deployment was: its tag, commit, publication time and page. */
export interface SentRelease {
  id: number;
  tag: string;
  sha: string | null;
  publishedAt: string;
  url: string;
}

/**
 * A release that was a deployment and no longer counts (turned pre-release or draft, its tag no
 * longer matching, or deleted): the same deployment, `retracted` (DESIGN.md), so it stops counting.
 */
export function retractedRelease(repo: RepoRef, r: SentRelease, source: DeploymentSource): DeploymentInput {
  const at = isoTime(r.publishedAt);
  const event: DeploymentInput = {
    type: 'deployment',
    source: 'github',
    id: releaseId(repo, r.id),
    service: repo.fullName,
    environment: source.environment ?? 'production',
    status: 'retracted',
    startedAt: at,
    finishedAt: at,
    url: r.url,
  };
  if (r.sha) event.sha = r.sha.toLowerCase();
  return event;
}

/** The commit a release names when its target is a sha rather than a branch; else the tag must be looked up. */
export const shaOfTarget = (r: ReleasePayload): string | undefined =>
  /^[0-9a-f]{40}$/i.test(r.target_commitish) ? r.target_commitish.toLowerCase() : undefined;

/** A release as a successful deployment at its publication time; null when it does not count. `sha` is the commit of its tag. */
export function adaptRelease(repo: RepoRef, r: ReleasePayload, sha: string | undefined, source: DeploymentSource): DeploymentInput | null {
  if (!isDeployedRelease(r, source)) return null;
  const at = isoTime(r.published_at!);
  const event: DeploymentInput = {
    type: 'deployment',
    source: 'github',
    id: releaseId(repo, r.id),
    service: repo.fullName,
    environment: source.environment ?? 'production',
    status: 'success',
    startedAt: at,
    finishedAt: at,
    url: r.html_url,
  };
  if (sha) event.sha = sha.toLowerCase();
  return event;
}

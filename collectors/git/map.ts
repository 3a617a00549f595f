/** Commits and release tags → native events (pure). */
import type { NativeEventInput } from '../../common/events';
import type { HostLinks } from './links';
import type { Commit, Tag } from './parse';

type ChangeInput = Extract<NativeEventInput, { type: 'change' }>;
type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

/** The source of everything read from one service's repository: `git:<service>`. */
export const gitSource = (service: string) => `git:${service}`.slice(0, 100);

const iso = (ms: number) => new Date(ms).toISOString();
/** A link, when there is one and it fits the event's limit. */
const linkOf = (make: ((x: string) => string) | undefined, x: string) => {
  const url = make?.(x);
  return url && url.length <= 2000 ? { url } : {};
};

/** 1990-01-01, the default `limits.earliest`. */
const EARLIEST = 631_152_000_000;
/**
 * An author time is kept when it is not after the commit time (a rebase moves the commit time
 * forward, never the author time back) and not before 1990: a commit whose author clock was
 * wrong keeps its commit time rather than being skipped whole for an out-of-range timestamp.
 */
const plausibleAuthorTime = (c: Commit) => c.authoredAt !== undefined && c.authoredAt <= c.committedAt && c.authoredAt >= EARLIEST;

/**
 * One change per commit, with its parents so deployments can be linked to what they shipped,
 * and its author time, which `leadTimeFrom: author` reads (a rebase or a cherry-pick keeps it).
 */
export function commitsToChanges(service: string, commits: Commit[], links: HostLinks = {}): ChangeInput[] {
  return commits.map((c) => ({
    type: 'change',
    source: gitSource(service),
    service,
    sha: c.sha,
    committedAt: iso(c.committedAt),
    ...(plausibleAuthorTime(c) ? { authoredAt: iso(c.authoredAt!) } : {}),
    ...(c.parents.length > 0 ? { parents: c.parents.slice(0, 64) } : {}),
    ...linkOf(links.commit, c.sha),
  }));
}

/**
 * A release tag is a successful deployment, finished when it was tagged; its id is the tag name.
 * `retracted`: a tag sent before that no longer counts (no longer matching, or deleted).
 */
export function tagsToDeployments(
  service: string,
  environment: string,
  tags: Tag[],
  links: HostLinks = {},
  status: 'success' | 'retracted' = 'success',
): DeploymentInput[] {
  return tags.map((t) => ({
    type: 'deployment',
    source: gitSource(service),
    id: t.name.slice(0, 200),
    service,
    environment,
    status,
    sha: t.sha,
    finishedAt: iso(t.at),
    ...linkOf(links.tag, t.name),
  }));
}

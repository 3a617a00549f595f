/** Commits and release tags → native events (pure). */
import type { NativeEventInput } from '../../common/events';
import type { Commit, Tag } from './parse';

type ChangeInput = Extract<NativeEventInput, { type: 'change' }>;
type DeploymentInput = Extract<NativeEventInput, { type: 'deployment' }>;

/** The source of everything read from one service's repository: `git:<service>`. */
export const gitSource = (service: string) => `git:${service}`.slice(0, 100);

const iso = (ms: number) => new Date(ms).toISOString();

/** One change per commit, with its parents so deployments can be linked to what they shipped. */
export function commitsToChanges(service: string, commits: Commit[]): ChangeInput[] {
  return commits.map((c) => ({
    type: 'change', source: gitSource(service), service, sha: c.sha, committedAt: iso(c.committedAt),
    ...(c.parents.length > 0 ? { parents: c.parents.slice(0, 64) } : {}),
  }));
}

/** A release tag is a successful deployment to production, finished when it was tagged; its id is the tag name. */
export function tagsToDeployments(service: string, environment: string, tags: Tag[]): DeploymentInput[] {
  return tags.map((t) => ({
    type: 'deployment', source: gitSource(service), id: t.name.slice(0, 200), service, environment, status: 'success',
    sha: t.sha, finishedAt: iso(t.at),
  }));
}

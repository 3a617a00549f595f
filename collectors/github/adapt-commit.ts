/** Pure mappers: a commit, from the REST or the GraphQL API, to a native `change` event. */
import type { NativeEventInput } from '../../common/events';
import type { GraphqlCommit, RepoRef, RestCommitPayload } from './payloads';

export type ChangeInput = Extract<NativeEventInput, { type: 'change' }>;
export type PullRequestInfo = NonNullable<ChangeInput['pullRequest']>;

/** What Deming keeps of a commit: no message, no names, no e-mails. */
export interface CommitFacts {
  sha: string;
  committedAt: string;
  authoredAt?: string;
  parents: string[];
}

/** GitHub's timestamps, in one spelling, so the same commit from two APIs is the same event. */
export const isoTime = (t: string): string => new Date(t).toISOString();

/** A commit of the REST API (compare, commits): the committer date is the commit time. */
export function commitFromRest(c: RestCommitPayload): CommitFacts {
  const committed = c.commit.committer?.date ?? c.commit.author?.date;
  if (!committed) throw new Error(`commit ${c.sha} has no date`);
  return {
    sha: c.sha.toLowerCase(),
    committedAt: isoTime(committed),
    authoredAt: c.commit.author?.date ? isoTime(c.commit.author.date) : undefined,
    parents: c.parents.map((p) => p.sha.toLowerCase()),
  };
}

/** A commit of the GraphQL API. */
export function commitFromGraphql(c: GraphqlCommit): CommitFacts {
  return {
    sha: c.oid.toLowerCase(),
    committedAt: isoTime(c.committedDate),
    authoredAt: c.authoredDate ? isoTime(c.authoredDate) : undefined,
    parents: c.parents.nodes.map((p) => p.oid.toLowerCase()),
  };
}

/**
 * A commit of a repository as a change; `committedAt` is the committer date (DESIGN.md lead time).
 * A commit carries no modification time of its own: `updatedAt` is that of its pull request.
 */
export function adaptCommit(repo: RepoRef, c: CommitFacts, pullRequest?: PullRequestInfo, updatedAt?: string): ChangeInput {
  const event: ChangeInput = {
    type: 'change',
    source: 'github',
    service: repo.fullName,
    sha: c.sha,
    committedAt: c.committedAt,
    parents: c.parents,
    url: `${repo.htmlUrl}/commit/${c.sha}`,
  };
  if (c.authoredAt) event.authoredAt = c.authoredAt;
  if (pullRequest) event.pullRequest = pullRequest;
  if (updatedAt) event.updatedAt = updatedAt;
  return event;
}

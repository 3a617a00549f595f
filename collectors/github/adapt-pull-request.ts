/**
 * Pure mapper: a merged pull request, as one GraphQL query answers it (its commits, its merge
 * commit and the issues it closes), to `change` events that carry the pull request.
 */
import { adaptCommit, commitFromGraphql, isoTime, type ChangeInput, type CommitFacts, type PullRequestInfo } from './adapt-commit';
import type { GraphqlCommit, GraphqlPullRequest, RepoRef } from './payloads';

const earliest = (times: (string | undefined)[]): string | undefined => times.filter((t): t is string => t !== undefined).sort()[0];

/**
 * The pull request's loop facts. `firstCommitAt` is the earliest authored date of its commits
 * (the author date survives rebases, the committer date does not); `planStartedAt` is when the
 * earliest issue it closes was opened.
 */
export function pullRequestInfo(pr: GraphqlPullRequest, commits: CommitFacts[]): PullRequestInfo {
  const info: PullRequestInfo = { number: pr.number, openedAt: isoTime(pr.createdAt), url: pr.url };
  if (pr.mergedAt) info.mergedAt = isoTime(pr.mergedAt);
  if (pr.mergeCommit) info.mergeSha = pr.mergeCommit.oid.toLowerCase();
  const first = earliest(commits.map((c) => c.authoredAt ?? c.committedAt));
  if (first) info.firstCommitAt = first;
  const planned = earliest((pr.closingIssuesReferences?.nodes ?? []).map((i) => isoTime(i.createdAt)));
  if (planned) info.planStartedAt = planned;
  return info;
}

/**
 * One change per commit of a merged pull request, and one for its merge commit, each with the
 * pull request. `moreCommits` are the commits beyond the first page of the query. An unmerged
 * pull request gives nothing.
 */
export function adaptPullRequest(repo: RepoRef, pr: GraphqlPullRequest, moreCommits: GraphqlCommit[] = []): ChangeInput[] {
  if (!pr.mergedAt) return [];
  const commits = [...pr.commits.nodes.map((n) => n.commit), ...moreCommits].map(commitFromGraphql);
  const info = pullRequestInfo(pr, commits);
  const bySha = new Map<string, CommitFacts>();
  for (const c of commits) bySha.set(c.sha, c);
  let squash: string | undefined;
  if (pr.mergeCommit) {
    const merge = commitFromGraphql(pr.mergeCommit);
    // One parent, and not a commit of the request: GitHub squashed (or rebased) the request into it.
    if (!bySha.has(merge.sha) && merge.parents.length === 1 && commits.length > 0) squash = merge.sha;
    if (!bySha.has(merge.sha)) bySha.set(merge.sha, merge);
  }
  const updatedAt = pr.updatedAt ? isoTime(pr.updatedAt) : undefined;
  return [...bySha.values()].map((c) => adaptCommit(repo, c, c.sha === squash ? { ...info, squashed: true } : info, updatedAt));
}

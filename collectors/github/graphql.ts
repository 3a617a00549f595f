/**
 * The GraphQL queries: merged pull requests with their commits, merge commit and the issues
 * they close, many pull requests per request; and the further pages of a long pull request's commits.
 */
import { z } from 'zod';
import type { GithubClient } from './client';
import { graphqlCommitPage, graphqlPullRequest, type GraphqlCommit, type GraphqlPullRequest } from './payloads';

const COMMIT = 'fragment commit on Commit { oid committedDate authoredDate parents(first: 10) { nodes { oid } } }';
const PULL = `fragment pr on PullRequest {
  number createdAt updatedAt mergedAt url
  mergeCommit { ...commit }
  commits(first: 100) { pageInfo { hasNextPage endCursor } nodes { commit { ...commit } } }
  closingIssuesReferences(first: 25) { nodes { createdAt } }
}`;

/** The query for several pull requests by number, one alias each. */
export function pullRequestsQuery(numbers: number[]): string {
  const fields = numbers.map((n) => `    pr${n}: pullRequest(number: ${n}) { ...pr }`).join('\n');
  return `query($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}\n${PULL}\n${COMMIT}`;
}

export const MORE_COMMITS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { commits(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { commit { ...commit } } } }
  }
}
${COMMIT}`;

const pullsAnswer = z.object({ repository: z.record(z.string(), graphqlPullRequest.nullable()) });

/**
 * GitHub answers a pull request it no longer has (deleted, or moved with its repository) with
 * an error beside the others' data; keep the data rather than fail the whole batch.
 */
async function partial(answer: Promise<unknown>): Promise<unknown> {
  try {
    return await answer;
  } catch (e) {
    const data = (e as { data?: unknown } | null)?.data;
    if (e instanceof Error && e.name === 'GraphqlResponseError' && data) return data;
    throw e;
  }
}

export interface FetchedPullRequest {
  pr: GraphqlPullRequest;
  moreCommits: GraphqlCommit[];
}

/** Fetches pull requests by number in one request (plus one per further page of a long one's commits). */
export async function fetchPullRequests(
  client: GithubClient,
  owner: string,
  name: string,
  numbers: number[],
): Promise<FetchedPullRequest[]> {
  if (numbers.length === 0) return [];
  const data = pullsAnswer.parse(await partial(client.octokit.graphql(pullRequestsQuery(numbers), { owner, name })));
  const out: FetchedPullRequest[] = [];
  for (const n of numbers) {
    const pr = data.repository[`pr${n}`];
    if (!pr) continue;
    const moreCommits: GraphqlCommit[] = [];
    let page = pr.commits.pageInfo;
    while (page.hasNextPage && page.endCursor) {
      const more = graphqlCommitPage.parse(
        await client.octokit.graphql(MORE_COMMITS_QUERY, { owner, name, number: n, after: page.endCursor }),
      );
      const commits = more.repository.pullRequest?.commits;
      if (!commits) break;
      moreCommits.push(...commits.nodes.map((c) => c.commit));
      page = commits.pageInfo;
    }
    out.push({ pr, moreCommits });
  }
  return out;
}

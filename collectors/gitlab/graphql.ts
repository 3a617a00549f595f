/**
 * The GraphQL queries: merged merge requests with their commits (50 per request, oldest updated
 * first), one merge request by iid (for a hook), a long merge request's further commits, and
 * pipelines with their times and test report summary (100 per request) — what the REST lists
 * would need a request per merge request or per pipeline for.
 */
import type { GitlabClient } from './client';
import {
  mergeRequestCommitsAnswer,
  mergeRequestsAnswer,
  pipelinesAnswer,
  type GraphqlCommit,
  type GraphqlMergeRequest,
  type GraphqlPipeline,
} from './payloads';
import { z } from 'zod';

const COMMIT = 'sha authoredDate committedDate';
const MERGE_REQUEST = `iid createdAt updatedAt mergedAt mergeCommitSha squashCommitSha squash diffHeadSha webUrl description
  commits(first: 100) { pageInfo { hasNextPage endCursor } nodes { ${COMMIT} } }`;

export const MERGE_REQUESTS_QUERY = `query mergeRequests($fullPath: ID!, $updatedAfter: Time, $after: String) {
  project(fullPath: $fullPath) {
    mergeRequests(state: merged, updatedAfter: $updatedAfter, sort: UPDATED_ASC, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ${MERGE_REQUEST} }
    }
  }
}`;

export const MERGE_REQUEST_QUERY = `query mergeRequest($fullPath: ID!, $iid: String!) {
  project(fullPath: $fullPath) { mergeRequest(iid: $iid) { ${MERGE_REQUEST} } }
}`;

export const MORE_COMMITS_QUERY = `query mergeRequestCommits($fullPath: ID!, $iid: String!, $after: String) {
  project(fullPath: $fullPath) { mergeRequest(iid: $iid) { commits(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${COMMIT} } } } }
}`;

export const PIPELINES_QUERY = `query pipelines($fullPath: ID!, $updatedAfter: Time, $after: String) {
  project(fullPath: $fullPath) {
    pipelines(updatedAfter: $updatedAfter, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id iid sha ref status createdAt updatedAt startedAt finishedAt duration
        testReportSummary { total { count success failed skipped error } } }
    }
  }
}`;

/** A page of merged merge requests updated since `updatedAfter`, oldest updated first. */
export async function mergeRequestsPage(client: GitlabClient, fullPath: string, updatedAfter: string, after: string | null) {
  const data = await client.graphql(MERGE_REQUESTS_QUERY, { fullPath, updatedAfter, after }, mergeRequestsAnswer);
  if (!data.project) throw new Error(`GitLab GraphQL does not know the project ${fullPath}`);
  return data.project.mergeRequests;
}

const oneAnswer = z.object({
  project: z
    .object({ mergeRequest: mergeRequestsAnswer.shape.project.unwrap().shape.mergeRequests.shape.nodes.element.nullable() })
    .nullable(),
});

/** One merge request by iid, or null when GitLab has none. */
export async function fetchMergeRequest(client: GitlabClient, fullPath: string, iid: number): Promise<GraphqlMergeRequest | null> {
  const data = await client.graphql(MERGE_REQUEST_QUERY, { fullPath, iid: String(iid) }, oneAnswer);
  return data.project?.mergeRequest ?? null;
}

/** All of a merge request's commits: those of its page, and the further pages of a long one. */
export async function commitsOf(client: GitlabClient, fullPath: string, mr: GraphqlMergeRequest): Promise<GraphqlCommit[]> {
  const out = [...(mr.commits?.nodes ?? [])];
  let page = mr.commits?.pageInfo;
  while (page?.hasNextPage && page.endCursor) {
    const more = await client.graphql(MORE_COMMITS_QUERY, { fullPath, iid: mr.iid, after: page.endCursor }, mergeRequestCommitsAnswer);
    const commits = more.project?.mergeRequest?.commits;
    if (!commits) break;
    out.push(...commits.nodes);
    page = commits.pageInfo;
  }
  return out;
}

/** A page of pipelines updated since `updatedAfter` (newest first, as GitLab orders them). */
export async function pipelinesPage(
  client: GitlabClient,
  fullPath: string,
  updatedAfter: string,
  after: string | null,
): Promise<{ nodes: GraphqlPipeline[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } }> {
  const data = await client.graphql(PIPELINES_QUERY, { fullPath, updatedAfter, after }, pipelinesAnswer);
  if (!data.project) throw new Error(`GitLab GraphQL does not know the project ${fullPath}`);
  return data.project.pipelines;
}

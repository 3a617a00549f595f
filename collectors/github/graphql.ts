/**
 * The GraphQL queries: merged pull requests with their commits, merge commit and the issues they
 * close, a page of 100 per request newest updated first (or by number, for a webhook); the
 * further pages of a long pull request's commits; and deployments with their statuses, a page of
 * 100 per request newest first. Each asks `rateLimit` too, so a run knows the points it spent.
 */
import { z } from 'zod';
import type { GithubClient } from './client';
import {
  graphqlCommitPage,
  graphqlDeployment,
  graphqlPullRequest,
  type DeploymentPayload,
  type DeploymentStatusPayload,
  type GraphqlCommit,
  type GraphqlDeployment,
  type GraphqlPullRequest,
} from './payloads';

const COMMIT = 'fragment commit on Commit { oid committedDate authoredDate parents(first: 10) { nodes { oid } } }';
/**
 * A pull request with its first `commits` commits. GitHub charges a query by the connections it
 * may open (100 pull requests x 25 commits x their parents: 28 points), so a listing asks for 25
 * and pages the rare longer one; by number (a webhook's one) it asks for 100.
 */
const pullFragment = (commits: number) => `fragment pr on PullRequest {
  number createdAt updatedAt mergedAt url
  mergeCommit { ...commit }
  commits(first: ${commits}) { pageInfo { hasNextPage endCursor } nodes { commit { ...commit } } }
  closingIssuesReferences(first: 25) { nodes { createdAt } }
}`;
const RATE = 'rateLimit { cost remaining resetAt }';

/** Pull requests per page of the listing, and commits per pull request in it. */
export const PULLS_PER_PAGE = 100;
const COMMITS_IN_LISTING = 25;
/** Deployments per page, each with its latest status and its 10 newest statuses. */
export const DEPLOYMENTS_PER_PAGE = 100;

/** The query for several pull requests by number, one alias each. */
export function pullRequestsQuery(numbers: number[]): string {
  const fields = numbers.map((n) => `    pr${n}: pullRequest(number: ${n}) { ...pr }`).join('\n');
  return `query pullRequestsByNumber($owner: String!, $name: String!) {\n  ${RATE}\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}\n${pullFragment(100)}\n${COMMIT}`;
}

/** A page of merged pull requests, newest updated first. */
export const PULLS_PAGE_QUERY = `query pullRequestsPage($owner: String!, $name: String!, $after: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequests(first: ${PULLS_PER_PAGE}, after: $after, states: [MERGED], orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { ...pr }
    }
  }
}
${pullFragment(COMMITS_IN_LISTING)}
${COMMIT}`;

/** A page of deployments, newest first, with their statuses: what took one REST request per deployment. */
export const DEPLOYMENTS_PAGE_QUERY = `query deploymentsPage($owner: String!, $name: String!, $after: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    deployments(first: ${DEPLOYMENTS_PER_PAGE}, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId commitOid environment createdAt ref { name }
        latestStatus { ...status }
        statuses(first: 10) { nodes { ...status } }
      }
    }
  }
}
fragment status on DeploymentStatus { state createdAt updatedAt logUrl }`;

export const MORE_COMMITS_QUERY = `query pullRequestCommits($owner: String!, $name: String!, $number: Int!, $after: String) {
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

/** The further pages of a pull request's commits, beyond those its query answered. */
async function moreCommitsOf(client: GithubClient, owner: string, name: string, pr: GraphqlPullRequest): Promise<GraphqlCommit[]> {
  const moreCommits: GraphqlCommit[] = [];
  let page = pr.commits.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const more = graphqlCommitPage.parse(
      await client.octokit.graphql(MORE_COMMITS_QUERY, { owner, name, number: pr.number, after: page.endCursor }),
    );
    const commits = more.repository.pullRequest?.commits;
    if (!commits) break;
    moreCommits.push(...commits.nodes.map((c) => c.commit));
    page = commits.pageInfo;
  }
  return moreCommits;
}

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const pullsPageAnswer = z.object({
  repository: z.object({ pullRequests: z.object({ pageInfo, nodes: z.array(graphqlPullRequest.nullable()) }) }),
});
const deploymentsPageAnswer = z.object({
  repository: z.object({ deployments: z.object({ pageInfo, nodes: z.array(graphqlDeployment.nullable()) }) }),
});

/** One page of a GraphQL connection: its items and the cursor of the next page (null at the end). */
export interface GraphqlPage<T> {
  items: T[];
  next: string | null;
}

/** A page of merged pull requests, newest updated first, each with all its commits. */
export async function fetchPullRequestsPage(
  client: GithubClient,
  owner: string,
  name: string,
  after: string | null,
): Promise<GraphqlPage<FetchedPullRequest>> {
  const data = pullsPageAnswer.parse(await client.octokit.graphql(PULLS_PAGE_QUERY, { owner, name, after }));
  const { nodes, pageInfo: info } = data.repository.pullRequests;
  const items: FetchedPullRequest[] = [];
  for (const pr of nodes) if (pr) items.push({ pr, moreCommits: await moreCommitsOf(client, owner, name, pr) });
  return { items, next: info.hasNextPage && info.endCursor ? info.endCursor : null };
}

/** A deployment and its statuses as the REST API gives them, so one adapter serves REST, GraphQL and webhooks. */
export interface DeploymentWithStatuses {
  deployment: DeploymentPayload;
  statuses: DeploymentStatusPayload[];
}

/**
 * GraphQL's deployment in REST's shape. GitHub keeps older statuses for 90 days but the latest
 * for good, so the latest is added to the ten newest; statuses have no number in GraphQL, so
 * they are numbered by their order (newest first, as GitHub lists them) for ties in time.
 */
export function restShapeOf(d: GraphqlDeployment): DeploymentWithStatuses {
  const listed = d.statuses?.nodes.filter((s) => s !== null) ?? [];
  const all = d.latestStatus && !listed.some((s) => sameStatus(s, d.latestStatus!)) ? [d.latestStatus, ...listed] : listed;
  return {
    deployment: { id: d.databaseId, sha: d.commitOid, ref: d.ref?.name ?? null, environment: d.environment ?? '', created_at: d.createdAt },
    statuses: all.map((s, i) => ({
      id: all.length - i,
      state: s.state.toLowerCase(),
      created_at: s.createdAt,
      updated_at: s.updatedAt ?? null,
      log_url: s.logUrl ?? null,
      target_url: null,
    })),
  };
}

const sameStatus = (a: { state: string; createdAt: string }, b: { state: string; createdAt: string }) =>
  a.state === b.state && a.createdAt === b.createdAt;

/** A page of deployments, newest first, with their statuses. */
export async function fetchDeploymentsPage(
  client: GithubClient,
  owner: string,
  name: string,
  after: string | null,
): Promise<GraphqlPage<DeploymentWithStatuses>> {
  const data = deploymentsPageAnswer.parse(await client.octokit.graphql(DEPLOYMENTS_PAGE_QUERY, { owner, name, after }));
  const { nodes, pageInfo: info } = data.repository.deployments;
  return {
    items: nodes.filter((d): d is GraphqlDeployment => d !== null).map(restShapeOf),
    next: info.hasNextPage && info.endCursor ? info.endCursor : null,
  };
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
    if (pr) out.push({ pr, moreCommits: await moreCommitsOf(client, owner, name, pr) });
  }
  return out;
}

const REACH_PER_QUERY = 50;
const reachAnswer = z.object({
  repository: z.object({ ref: z.record(z.string(), z.object({ status: z.string() }).nullable()).nullable() }).nullable(),
});

/**
 * Which tags are reachable from a branch: GitHub's `Ref.compare` of the branch with each tag,
 * 50 tags a query (each one point); a tag is reachable when it is not ahead of the branch. A
 * branch GitHub no longer has reaches nothing.
 */
export async function tagsReachableFrom(
  client: GithubClient,
  owner: string,
  name: string,
  branch: string,
  tags: string[],
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (let i = 0; i < tags.length; i += REACH_PER_QUERY) {
    const batch = tags.slice(i, i + REACH_PER_QUERY);
    const fields = batch.map((t, k) => `t${k}: compare(headRef: ${JSON.stringify(`refs/tags/${t}`)}) { status }`).join(' ');
    const query = `query releaseReach($owner: String!, $name: String!, $branch: String!) {\n  ${RATE}\n  repository(owner: $owner, name: $name) { ref(qualifiedName: $branch) { ${fields} } }\n}`;
    const data = reachAnswer.parse(await partial(client.octokit.graphql(query, { owner, name, branch: `refs/heads/${branch}` })));
    batch.forEach((t, k) => {
      const status = data.repository?.ref?.[`t${k}`]?.status;
      out.set(t, status === 'BEHIND' || status === 'IDENTICAL');
    });
  }
  return out;
}

/**
 * The parts of GitHub's REST, GraphQL and webhook payloads that Deming reads, as zod schemas.
 * REST responses and webhook deliveries embed the same objects, so one schema serves both.
 * Unknown keys are dropped on parsing: people's names, logins and e-mails never get further.
 */
import { z } from 'zod';

const time = z.string();
const optionalTime = z.string().nullish();

export const repositoryPayload = z.object({
  full_name: z.string(),
  html_url: z.string(),
  default_branch: z.string().nullish(),
  archived: z.boolean().nullish(),
});

export const deploymentPayload = z.object({
  id: z.number(),
  sha: z.string(),
  ref: z.string().nullish(),
  environment: z.string(),
  created_at: time,
});

export const deploymentStatusPayload = z.object({
  id: z.number(),
  state: z.string(),
  created_at: time,
  updated_at: optionalTime,
  log_url: z.string().nullish(),
  target_url: z.string().nullish(),
});

export const workflowRunPayload = z.object({
  id: z.number(),
  name: z.string().nullish(),
  path: z.string().nullish(),
  head_branch: z.string().nullish(),
  head_sha: z.string(),
  status: z.string().nullish(),
  conclusion: z.string().nullish(),
  html_url: z.string(),
  created_at: time,
  updated_at: time,
  run_started_at: optionalTime,
});

export const releasePayload = z.object({
  id: z.number(),
  tag_name: z.string(),
  target_commitish: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  created_at: time,
  published_at: optionalTime,
  html_url: z.string(),
});

const label = z.union([z.string(), z.object({ name: z.string() })]).transform((l) => (typeof l === 'string' ? l : l.name));

export const issuePayload = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.string(),
  labels: z.array(label).default([]),
  created_at: time,
  updated_at: time,
  closed_at: optionalTime,
  html_url: z.string(),
  pull_request: z.object({}).nullish(),
});

/** An item of `GET /repos/{o}/{r}/pulls`, and the `pull_request` of a webhook. */
export const pullPayload = z.object({
  number: z.number(),
  created_at: time,
  updated_at: time,
  merged_at: optionalTime,
  merge_commit_sha: z.string().nullish(),
  html_url: z.string(),
});

/** A commit of the compare API and the commits API. */
export const restCommitPayload = z.object({
  sha: z.string(),
  commit: z.object({
    author: z.object({ date: time }).nullish(),
    committer: z.object({ date: time }).nullish(),
  }),
  parents: z.array(z.object({ sha: z.string() })),
});

export const comparePayload = z.object({
  total_commits: z.number().optional(),
  commits: z.array(restCommitPayload),
});

/** A commit in GraphQL. */
export const graphqlCommit = z.object({
  oid: z.string(),
  committedDate: time,
  authoredDate: time.nullish(),
  parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }),
});

const commitPage = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  nodes: z.array(z.object({ commit: graphqlCommit })),
});

export const graphqlPullRequest = z.object({
  number: z.number(),
  createdAt: time,
  updatedAt: optionalTime,
  mergedAt: optionalTime,
  url: z.string(),
  mergeCommit: graphqlCommit.nullish(),
  commits: commitPage,
  closingIssuesReferences: z.object({ nodes: z.array(z.object({ createdAt: time })) }).nullish(),
});

const graphqlDeploymentStatus = z.object({
  state: z.string(),
  createdAt: time,
  updatedAt: optionalTime,
  logUrl: z.string().nullish(),
});

/** A deployment in GraphQL, with its latest status and its newest statuses. */
export const graphqlDeployment = z.object({
  databaseId: z.number(),
  commitOid: z.string(),
  environment: z.string().nullish(),
  createdAt: time,
  ref: z.object({ name: z.string() }).nullish(),
  latestStatus: graphqlDeploymentStatus.nullish(),
  statuses: z.object({ nodes: z.array(graphqlDeploymentStatus) }).nullish(),
});

export const graphqlCommitPage = z.object({
  repository: z.object({ pullRequest: z.object({ commits: commitPage }).nullable() }),
});

export type RepositoryPayload = z.infer<typeof repositoryPayload>;
export type DeploymentPayload = z.infer<typeof deploymentPayload>;
export type DeploymentStatusPayload = z.infer<typeof deploymentStatusPayload>;
export type WorkflowRunPayload = z.infer<typeof workflowRunPayload>;
export type ReleasePayload = z.infer<typeof releasePayload>;
export type IssuePayload = z.infer<typeof issuePayload>;
export type PullPayload = z.infer<typeof pullPayload>;
export type RestCommitPayload = z.infer<typeof restCommitPayload>;
export type GraphqlCommit = z.infer<typeof graphqlCommit>;
export type GraphqlPullRequest = z.infer<typeof graphqlPullRequest>;
export type GraphqlDeployment = z.infer<typeof graphqlDeployment>;

/** The repository an event belongs to: the service is its `owner/name`. */
export interface RepoRef {
  fullName: string;
  htmlUrl: string;
}

export const repoRef = (r: RepositoryPayload): RepoRef => ({ fullName: r.full_name, htmlUrl: r.html_url });

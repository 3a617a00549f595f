/**
 * The parts of GitLab's REST, GraphQL and webhook payloads that Deming reads, as zod schemas.
 * Unknown keys are dropped on parsing: people's names, usernames and e-mails never get further.
 * Hooks spell times `2026-03-02 10:00:00 UTC`, the API `2026-03-02T10:00:00.000Z`: both parse.
 */
import { z } from 'zod';

const time = z.string();
const optionalTime = z.string().nullish();

/** A project, as the projects API, a group's project list and every hook's `project` give it. */
export const projectPayload = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  web_url: z.string(),
  default_branch: z.string().nullish(),
  archived: z.boolean().nullish(),
});

/** A commit of the commits API (with its parents). */
export const restCommitPayload = z.object({
  id: z.string(),
  parent_ids: z.array(z.string()).default([]),
  committed_date: optionalTime,
  authored_date: optionalTime,
  created_at: optionalTime,
});

export const environmentPayload = z.object({ id: z.number(), name: z.string(), tier: z.string().nullish() });

export const deploymentPayload = z.object({
  id: z.number(),
  iid: z.number().nullish(),
  ref: z.string().nullish(),
  sha: z.string(),
  status: z.string(),
  created_at: time,
  updated_at: time,
  finished_at: optionalTime,
  environment: z.object({ id: z.number().nullish(), name: z.string(), tier: z.string().nullish() }),
  deployable: z.object({ web_url: z.string().nullish(), finished_at: optionalTime }).nullish(),
});

const label = z
  .union([z.string(), z.object({ title: z.string() }), z.object({ name: z.string() })])
  .transform((l) => (typeof l === 'string' ? l : 'title' in l ? l.title : l.name));

export const issuePayload = z.object({
  id: z.number(),
  iid: z.number(),
  title: z.string(),
  description: z.string().nullish(),
  state: z.string(),
  labels: z.array(label).default([]),
  created_at: time,
  updated_at: time,
  closed_at: optionalTime,
  web_url: z.string(),
  issue_type: z.string().nullish(),
  type: z.string().nullish(),
  severity: z.string().nullish(),
});

/** A commit of a merge request in GraphQL (GraphQL gives no parents: the commits API fills them in). */
export const graphqlCommit = z.object({ sha: z.string(), authoredDate: optionalTime, committedDate: optionalTime });

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });

export const graphqlMergeRequest = z.object({
  iid: z.string(),
  createdAt: time,
  updatedAt: time,
  mergedAt: optionalTime,
  mergeCommitSha: z.string().nullish(),
  squashCommitSha: z.string().nullish(),
  squash: z.boolean().nullish(),
  diffHeadSha: z.string().nullish(),
  webUrl: z.string(),
  description: z.string().nullish(),
  commits: z.object({ pageInfo, nodes: z.array(graphqlCommit) }).nullish(),
});

export const graphqlPipeline = z.object({
  id: z.string(),
  iid: z.string().nullish(),
  sha: z.string().nullish(),
  ref: z.string().nullish(),
  status: z.string(),
  createdAt: time,
  updatedAt: time,
  startedAt: optionalTime,
  finishedAt: optionalTime,
  duration: z.number().nullish(),
  testReportSummary: z
    .object({
      total: z
        .object({
          count: z.number().nullish(),
          success: z.number().nullish(),
          failed: z.number().nullish(),
          skipped: z.number().nullish(),
          error: z.number().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export const mergeRequestsAnswer = z.object({
  project: z.object({ mergeRequests: z.object({ pageInfo, nodes: z.array(graphqlMergeRequest) }) }).nullable(),
});
export const mergeRequestCommitsAnswer = z.object({
  project: z.object({ mergeRequest: z.object({ commits: z.object({ pageInfo, nodes: z.array(graphqlCommit) }) }).nullable() }).nullable(),
});
export const pipelinesAnswer = z.object({
  project: z.object({ pipelines: z.object({ pageInfo, nodes: z.array(graphqlPipeline) }) }).nullable(),
});

/** What `GET /personal_access_tokens/self` says of the token. */
export const tokenPayload = z.object({
  scopes: z.array(z.string()).default([]),
  active: z.boolean().nullish(),
  expires_at: z.string().nullish(),
});
export const versionPayload = z.object({ version: z.string() });

/** A release of the releases API: its tag, when it was released, the commit it names. */
export const releasePayload = z.object({
  tag_name: z.string(),
  released_at: optionalTime,
  created_at: time,
  upcoming_release: z.boolean().nullish(),
  commit: z.object({ id: z.string() }).nullish(),
  _links: z.object({ self: z.string().nullish() }).nullish(),
});

export type ReleasePayload = z.infer<typeof releasePayload>;
export type ProjectPayload = z.infer<typeof projectPayload>;
export type RestCommitPayload = z.infer<typeof restCommitPayload>;
export type DeploymentPayload = z.infer<typeof deploymentPayload>;
export type IssuePayload = z.infer<typeof issuePayload>;
export type GraphqlCommit = z.infer<typeof graphqlCommit>;
export type GraphqlMergeRequest = z.infer<typeof graphqlMergeRequest>;
export type GraphqlPipeline = z.infer<typeof graphqlPipeline>;

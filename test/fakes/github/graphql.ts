/**
 * The fake GitHub's GraphQL: a subset of GitHub's schema executed by graphql-js, so a query the
 * collector sends is parsed, validated and resolved as GitHub would (unknown fields, bad
 * arguments and missing `first` are errors). Connections page with opaque cursors; every query
 * is charged GitHub's documented cost (the requests its connections need, over 100, at least 1)
 * against the `graphql` rate limit, which `rateLimit { cost remaining resetAt }` reports.
 */
import {
  buildSchema,
  GraphQLError,
  Kind,
  parse,
  validate,
  execute,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { commitsBetween, fullName, type FakeDeployment, type FakeGithub, type FakePull, type FakeRepo } from './scenario';

const schema = buildSchema(`
  scalar DateTime
  scalar URI
  scalar GitObjectID

  type Query {
    repository(owner: String!, name: String!): Repository
    rateLimit(dryRun: Boolean = false): RateLimit
  }
  type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! endCursor: String startCursor: String }

  enum OrderDirection { ASC DESC }
  enum PullRequestState { OPEN CLOSED MERGED }
  enum IssueOrderField { CREATED_AT UPDATED_AT COMMENTS }
  input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
  enum DeploymentOrderField { CREATED_AT }
  input DeploymentOrder { field: DeploymentOrderField! direction: OrderDirection! }
  enum DeploymentState { ABANDONED ACTIVE DESTROYED ERROR FAILURE INACTIVE PENDING QUEUED IN_PROGRESS WAITING SUCCESS }
  enum DeploymentStatusState { PENDING SUCCESS FAILURE INACTIVE ERROR QUEUED IN_PROGRESS WAITING }
  enum ComparisonStatus { DIVERGED AHEAD BEHIND IDENTICAL }

  type Repository {
    nameWithOwner: String!
    url: URI!
    isArchived: Boolean!
    pullRequest(number: Int!): PullRequest
    pullRequests(first: Int, after: String, last: Int, before: String, states: [PullRequestState!], orderBy: IssueOrder): PullRequestConnection!
    deployments(first: Int, after: String, last: Int, before: String, environments: [String!], orderBy: DeploymentOrder): DeploymentConnection!
    ref(qualifiedName: String!): Ref
  }
  type PullRequestConnection { totalCount: Int! pageInfo: PageInfo! nodes: [PullRequest] }
  type PullRequest {
    number: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    mergedAt: DateTime
    url: URI!
    mergeCommit: Commit
    commits(first: Int, after: String, last: Int, before: String): PullRequestCommitConnection!
    closingIssuesReferences(first: Int, after: String, last: Int, before: String): IssueConnection
  }
  type PullRequestCommitConnection { totalCount: Int! pageInfo: PageInfo! nodes: [PullRequestCommit] }
  type PullRequestCommit { commit: Commit! }
  type Commit {
    oid: GitObjectID!
    committedDate: DateTime!
    authoredDate: DateTime!
    parents(first: Int, after: String, last: Int, before: String): CommitConnection!
  }
  type CommitConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Commit] }
  type IssueConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Issue] }
  type Issue { number: Int! createdAt: DateTime! }
  type DeploymentConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Deployment] }
  type Deployment {
    id: ID!
    databaseId: Int
    commitOid: String!
    environment: String
    ref: Ref
    createdAt: DateTime!
    updatedAt: DateTime!
    state: DeploymentState
    latestStatus: DeploymentStatus
    statuses(first: Int, after: String, last: Int, before: String): DeploymentStatusConnection
  }
  type DeploymentStatusConnection { totalCount: Int! pageInfo: PageInfo! nodes: [DeploymentStatus] }
  type DeploymentStatus { id: ID! state: DeploymentStatusState! createdAt: DateTime! updatedAt: DateTime! logUrl: URI environmentUrl: URI description: String }
  type Ref { name: String! prefix: String! compare(headRef: String!): Comparison }
  type Comparison { status: ComparisonStatus! aheadBy: Int! behindBy: Int! }
`);

/** A GitHub-style error: its `type` beside the message, as GitHub puts it. */
class GithubError extends GraphQLError {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const cursorOf = (i: number) => Buffer.from(`cursor:v2:${i}`).toString('base64');
const indexOf = (cursor: string): number => {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  if (!m) throw new GithubError(`\`${cursor}\` does not appear to be a valid cursor.`, 'INVALID_CURSOR_ARGUMENTS');
  return Number(m[1]);
};

/** One page of a connection, as GitHub pages: `first` 1 to 100 (capped by `cap`), `after` an opaque cursor. */
function connection<T, N>(items: T[], args: PageArgs, node: (t: T) => N, cap = 100) {
  if (args.first == null && args.last == null) {
    // Only the count may be asked without a page size.
    const missing = () => {
      throw new GithubError(
        'You must provide a `first` or `last` value to properly paginate the connection.',
        'MISSING_PAGINATION_BOUNDARIES',
      );
    };
    return { totalCount: items.length, pageInfo: missing, nodes: missing };
  }
  const n = args.first ?? args.last!;
  if (n < 0 || n > 100)
    throw new GithubError(`Requesting ${n} records on the connection exceeds the \`first\` limit of 100 records.`, 'EXCESSIVE_PAGINATION');
  const size = Math.min(n, cap);
  const start = args.after ? indexOf(args.after) + 1 : 0;
  const page = items.slice(start, start + size);
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: page.length ? cursorOf(start) : null,
      endCursor: page.length ? cursorOf(start + page.length - 1) : null,
    },
    nodes: page.map(node),
  };
}

const byDesc = <T>(items: T[], time: (t: T) => string, id: (t: T) => number, direction = 'DESC') => {
  const sorted = [...items].sort((a, b) => time(b).localeCompare(time(a)) || id(b) - id(a));
  return direction === 'ASC' ? sorted.reverse() : sorted;
};

export interface GraphqlOptions {
  /** Caps a pull request's commit pages (GitHub: 100), to make long pull requests page. */
  commitsPerPage?: number;
  /** Pull requests that cannot be resolved, as when one was deleted after it was listed. */
  missing?: number[];
}

function repositoryNode(r: FakeRepo, opts: GraphqlOptions) {
  const commitNode = (sha: string) => {
    const c = r.commits.get(sha)!;
    return {
      oid: c.sha,
      committedDate: c.committedAt,
      authoredDate: c.authoredAt,
      parents: (args: PageArgs) => connection(c.parents, args, commitNode),
    };
  };
  const pullNode = (p: FakePull) => ({
    number: p.number,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    mergedAt: p.mergedAt,
    url: `https://github.com/${fullName(r)}/pull/${p.number}`,
    mergeCommit: p.mergeSha ? commitNode(p.mergeSha) : null,
    commits: (args: PageArgs) => connection(p.commits, args, (sha) => ({ commit: commitNode(sha) }), opts.commitsPerPage ?? 100),
    closingIssuesReferences: (args: PageArgs) =>
      connection(p.closingIssues, args, (i) => ({
        number: i,
        createdAt: r.issues.find((x) => x.number === i)?.createdAt ?? '2020-01-01T00:00:00Z',
      })),
  });
  const statusNodes = (d: FakeDeployment) =>
    byDesc(
      d.statuses,
      (s) => s.createdAt,
      (s) => s.id,
    ).map((s) => ({
      id: `DES_${s.id}`,
      state: s.state.toUpperCase(),
      createdAt: s.createdAt,
      updatedAt: s.createdAt,
      logUrl: s.logUrl ?? null,
      environmentUrl: 'https://app.example.org',
      description: `Deployment ${s.state}`,
    }));
  const deploymentNode = (d: FakeDeployment) => {
    const statuses = statusNodes(d);
    return {
      id: `DE_${d.id}`,
      databaseId: d.id,
      commitOid: d.sha,
      environment: d.environment,
      ref: { name: d.ref, prefix: 'refs/heads/', compare: () => null },
      createdAt: d.createdAt,
      updatedAt: statuses[0]?.createdAt ?? d.createdAt,
      state: statuses[0]?.state ?? 'PENDING',
      latestStatus: statuses[0] ?? null,
      statuses: (args: PageArgs) => connection(statuses, args, (s) => s),
    };
  };
  const refNode = (name: string, sha: string) => ({
    name: name.replace(/^refs\/(heads|tags)\//, ''),
    prefix: name.startsWith('refs/tags/') ? 'refs/tags/' : 'refs/heads/',
    compare: ({ headRef }: { headRef: string }) => {
      const head = resolveRef(r, headRef);
      if (!head) return null;
      const ahead = commitsBetween(r, sha, head).length;
      const behind = commitsBetween(r, head, sha).length;
      const status = ahead === 0 && behind === 0 ? 'IDENTICAL' : behind === 0 ? 'AHEAD' : ahead === 0 ? 'BEHIND' : 'DIVERGED';
      return { status, aheadBy: ahead, behindBy: behind };
    },
  });
  return {
    nameWithOwner: fullName(r),
    url: `https://github.com/${fullName(r)}`,
    isArchived: r.archived,
    pullRequest: ({ number }: { number: number }) => {
      const p = r.pulls.find((x) => x.number === number);
      if (!p || opts.missing?.includes(number))
        throw new GithubError(`Could not resolve to a PullRequest with the number of ${number}.`, 'NOT_FOUND');
      return pullNode(p);
    },
    pullRequests: (args: PageArgs & { states?: string[] | null; orderBy?: { field: string; direction: string } | null }) => {
      const state = (p: FakePull) => (p.mergedAt ? 'MERGED' : p.closedAt ? 'CLOSED' : 'OPEN');
      const chosen = r.pulls.filter((p) => !args.states?.length || args.states.includes(state(p)));
      const field = args.orderBy?.field ?? 'CREATED_AT';
      const sorted = byDesc(
        chosen,
        (p) => (field === 'UPDATED_AT' ? p.updatedAt : p.createdAt),
        (p) => p.number,
        args.orderBy?.direction ?? 'ASC',
      );
      return connection(sorted, args, (p) => (opts.missing?.includes(p.number) ? null : pullNode(p)));
    },
    deployments: (args: PageArgs & { environments?: string[] | null; orderBy?: { direction: string } | null }) => {
      const chosen = r.deployments.filter((d) => !args.environments?.length || args.environments.includes(d.environment));
      const sorted = byDesc(
        chosen,
        (d) => d.createdAt,
        (d) => d.id,
        args.orderBy?.direction ?? 'ASC',
      );
      return connection(sorted, args, deploymentNode);
    },
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const sha = resolveRef(r, qualifiedName);
      return sha ? refNode(qualifiedName, sha) : null;
    },
  };
}

/** A branch or tag name (qualified or not) to its commit. */
function resolveRef(r: FakeRepo, ref: string): string | undefined {
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  if (ref.startsWith('refs/tags/')) return r.releases.find((x) => x.tag === name)?.sha;
  if (ref.startsWith('refs/heads/')) return r.branches.get(name);
  return r.branches.get(name) ?? r.releases.find((x) => x.tag === name)?.sha;
}

/**
 * GitHub's cost of a query: every connection needs as many requests as the `first`/`last` of
 * the connections around it multiply to; their sum over 100, rounded, at least 1.
 */
export function queryCost(doc: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const value = (v: ValueNode): number =>
    v.kind === Kind.INT ? Number(v.value) : v.kind === Kind.VARIABLE ? Number(variables[v.name.value] ?? 0) : 0;
  let requests = 0;
  const walk = (set: SelectionSetNode | undefined, times: number) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(s.name.value)?.selectionSet, times);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, times);
      else {
        const size = s.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        if (size) {
          requests += times;
          walk(s.selectionSet, times * value(size.value));
        } else walk(s.selectionSet, times);
      }
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 1);
  return Math.max(1, Math.round(requests / 100));
}

export interface GraphqlLimit {
  limit: number;
  remaining: number;
  reset: number;
}

/** What the server sends: the JSON body, and whether the limit was spent before this query. */
export interface GraphqlAnswer {
  json: unknown;
  cost: number;
  spent: boolean;
}

/** Answers one GraphQL request body, charging its cost to `limit`. */
export function answerGraphql(gh: FakeGithub, body: string, limit: GraphqlLimit, opts: GraphqlOptions = {}): GraphqlAnswer {
  let request: { query?: unknown; variables?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return { json: { message: 'Problems parsing JSON' }, cost: 0, spent: false };
  }
  if (typeof request.query !== 'string')
    return { json: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] }, cost: 0, spent: false };
  const variables = (request.variables ?? {}) as Record<string, unknown>;
  let doc: DocumentNode;
  try {
    doc = parse(request.query);
  } catch (e) {
    return { json: { errors: [{ message: (e as Error).message, type: 'PARSE' }] }, cost: 0, spent: false };
  }
  const invalid = validate(schema, doc);
  if (invalid.length)
    return { json: { errors: invalid.map((e) => ({ message: e.message, locations: e.locations })) }, cost: 0, spent: false };
  const cost = queryCost(doc, variables);
  if (limit.remaining < cost)
    return {
      json: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
      cost,
      spent: true,
    };
  limit.remaining -= cost;
  const root = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = gh.repos.find((x) => x.owner.toLowerCase() === owner.toLowerCase() && x.name.toLowerCase() === name.toLowerCase());
      if (!r) throw new GithubError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, 'NOT_FOUND');
      return repositoryNode(r, opts);
    },
    rateLimit: () => ({
      cost,
      limit: limit.limit,
      nodeCount: 0,
      remaining: limit.remaining,
      used: limit.limit - limit.remaining,
      resetAt: new Date(limit.reset * 1000).toISOString(),
    }),
  };
  const result = execute({ schema, document: doc, rootValue: root, variableValues: variables }) as {
    data?: unknown;
    errors?: readonly GraphQLError[];
  };
  if (!result.errors?.length) return { json: { data: result.data }, cost, spent: false };
  const errors = result.errors.map((e) => ({
    ...(e.originalError instanceof GithubError ? { type: e.originalError.type } : {}),
    path: e.path,
    locations: e.locations,
    message: e.message,
  }));
  return { json: { data: result.data ?? null, errors }, cost, spent: false };
}

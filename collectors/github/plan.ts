/**
 * A backfill's plan, before it starts: the repositories, what each holds since the horizon, the
 * requests and GraphQL points that will take, and the time, from the rate limit the token or
 * App actually has (`GET /rate_limit`, which GitHub does not count). What it holds is asked
 * cheaply: merged pull requests and deployments counted by GraphQL for 25 repositories a query,
 * and Actions runs by one REST request each, for a sample of at most 20 repositories.
 */
import { z } from 'zod';
import type { CollectorContext } from '../types';
import { createGithubClient, type ClientOptions, type GithubClient, type RateLimit } from './client';
import type { GithubSettings } from './config';
import { describeError } from './errors';
import { DEPLOYMENTS_PER_PAGE, PULLS_PER_PAGE } from './graphql';
import { listTargets, type Target } from './repositories';

const DAY_MS = 86_400_000;
const REPOS_PER_QUERY = 25;
const RUNS_SAMPLE = 20;
/** GraphQL points of a page of pull requests (100 x 25 commits x their parents) and of deployments. */
const POINTS = { pulls: 28, deployments: 1 };

/** What one repository holds, as far as the plan asked. */
export interface RepositoryCount {
  name: string;
  /** Merged pull requests (all of its history: GraphQL cannot count since a date, so an upper bound). */
  pulls: number | null;
  deployments: number | null;
  /** Actions runs since the horizon; null when it was not in the sample. */
  runs: number | null;
}

export interface GithubPlan {
  repositories: number;
  counts: RepositoryCount[];
  /** Estimated requests of the backfill: REST, GraphQL, and the GraphQL points. */
  requests: { rest: number; graphql: number; total: number };
  graphqlPoints: number;
  rateLimit: { core: RateLimit | null; graphql: RateLimit | null };
  /** Estimated wall time in seconds, waits for resets included. */
  seconds: number;
  /** Hours of rate limit the backfill needs beyond what is left now (0: it fits). */
  resets: number;
  /** What the plan itself cost. */
  planRequests: number;
  errors: { resource: string; message: string }[];
}

const rateLimitAnswer = z.object({
  resources: z.record(z.string(), z.object({ limit: z.number(), remaining: z.number(), reset: z.number() })),
});
const countsAnswer = z.record(
  z.string(),
  z
    .object({
      pullRequests: z.object({ totalCount: z.number() }),
      deployments: z.object({ totalCount: z.number() }),
    })
    .nullable(),
);
const runsAnswer = z.object({ total_count: z.number() });

/** The rate limits the credentials have now; free. */
export async function fetchRateLimits(client: GithubClient): Promise<{ core: RateLimit | null; graphql: RateLimit | null }> {
  const res = await client.octokit.request('GET /rate_limit');
  const r = rateLimitAnswer.parse(res.data).resources;
  const of = (x?: { limit: number; remaining: number; reset: number }): RateLimit | null =>
    x ? { limit: x.limit, remaining: x.remaining, resetAt: x.reset * 1000 } : null;
  return { core: of(r.core), graphql: of(r.graphql) };
}

const countsQuery = (targets: Target[]) =>
  `query repositoryCounts {\n${targets
    .map((t, i) => {
      const [owner, name] = t.name.split('/');
      return `  r${i}: repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { pullRequests(states: [MERGED]) { totalCount } deployments { totalCount } }`;
    })
    .join('\n')}\n}`;

/** Merged pull requests and deployments of each repository, 25 repositories a query; null for one GitHub cannot resolve. */
async function countRepositories(
  client: GithubClient,
  targets: Target[],
): Promise<Map<string, { pulls: number; deployments: number } | null>> {
  const out = new Map<string, { pulls: number; deployments: number } | null>();
  for (let i = 0; i < targets.length; i += REPOS_PER_QUERY) {
    const batch = targets.slice(i, i + REPOS_PER_QUERY);
    let data: unknown;
    try {
      data = await client.octokit.graphql(countsQuery(batch));
    } catch (e) {
      data = (e as { data?: unknown }).data;
      if (!data) throw e;
    }
    const answer = countsAnswer.parse(data);
    batch.forEach((t, k) => {
      const r = answer[`r${k}`];
      out.set(t.name, r ? { pulls: r.pullRequests.totalCount, deployments: r.deployments.totalCount } : null);
    });
  }
  return out;
}

/** Actions runs created since the horizon: one request, the list's total. */
async function countRuns(client: GithubClient, name: string, since: number): Promise<number> {
  const [owner, repo] = name.split('/');
  const res = await client.octokit.request('GET /repos/{owner}/{repo}/actions/runs', {
    owner,
    repo,
    per_page: 1,
    created: `>=${new Date(since).toISOString().slice(0, 10)}`,
  });
  return runsAnswer.parse(res.data).total_count;
}

const pages = (n: number, per: number) => Math.max(1, Math.ceil(n / per));

/** Plans a backfill of the configured repositories (or `only`) since `since` (or the configured horizon). */
export async function planGithub(
  settings: GithubSettings,
  ctx: CollectorContext,
  o: { only?: string[]; since?: number; client?: Omit<ClientOptions, 'signal' | 'log'> } = {},
): Promise<GithubPlan> {
  const client = createGithubClient(settings, { ...o.client, signal: ctx.signal, log: (m) => ctx.log(`github: ${m}`) });
  const errors: GithubPlan['errors'] = [];
  const rateLimit = await fetchRateLimits(client);
  const since = o.since ?? ctx.now() - settings.backfillDays * DAY_MS;
  const targets = await listTargets(client, ctx, settings, o.only, errors, describeError);
  const counted = await countRepositories(client, targets);
  const sample = targets.filter((t) => counted.get(t.name)).slice(0, RUNS_SAMPLE);
  const runs = new Map<string, number>();
  const started = performance.now();
  const before = client.stats.requests;
  for (const t of sample) {
    try {
      runs.set(t.name, await countRuns(client, t.name, since));
    } catch (e) {
      errors.push({ resource: t.name, message: describeError(e) });
    }
  }
  // The pace of this host's answers, from the plan's own REST requests (GraphQL's spacing is counted apart below).
  const perRequestMs = client.stats.requests > before ? (performance.now() - started) / (client.stats.requests - before) : 300;
  const meanRuns = runs.size ? [...runs.values()].reduce((a, b) => a + b, 0) / runs.size : 0;

  let rest = 0;
  let graphql = 0;
  let points = 0;
  const counts: RepositoryCount[] = [];
  for (const t of targets) {
    const c = counted.get(t.name);
    if (!c) {
      errors.push({ resource: t.name, message: 'not found, or the credentials cannot read it' });
      counts.push({ name: t.name, pulls: null, deployments: null, runs: null });
      continue;
    }
    const r = runs.get(t.name) ?? null;
    counts.push({ name: t.name, pulls: c.pulls, deployments: c.deployments, runs: r });
    // The repository, the pull requests' probe, a page of runs per 100, one issues list per incident label.
    rest += 1 + 1 + pages(r ?? meanRuns, 100) + settings.incidentLabels.length;
    if (c.pulls > 0) {
      graphql += pages(c.pulls, PULLS_PER_PAGE);
      points += pages(c.pulls, PULLS_PER_PAGE) * POINTS.pulls;
    }
    if (t.source.from === 'deployments') {
      rest += 1;
      if (c.deployments > 0) {
        graphql += pages(c.deployments, DEPLOYMENTS_PER_PAGE);
        points += pages(c.deployments, DEPLOYMENTS_PER_PAGE) * POINTS.deployments;
      }
    }
    if (t.source.from === 'releases') rest += 1;
  }
  const resets = Math.max(
    rateLimit.core ? Math.ceil(Math.max(0, rest - rateLimit.core.remaining) / Math.max(1, rateLimit.core.limit)) : 0,
    rateLimit.graphql ? Math.ceil(Math.max(0, points - rateLimit.graphql.remaining) / Math.max(1, rateLimit.graphql.limit)) : 0,
  );
  // The reset is a time on the wall clock (not the collector's clock, which tests set).
  const untilReset = rateLimit.core ? Math.max(0, (rateLimit.core.resetAt - Date.now()) / 1000) : 3600;
  const working = ((rest + graphql) * perRequestMs) / 1000 + (graphql * settings.graphqlIntervalMs) / 1000;
  const seconds = Math.round(resets > 0 ? untilReset + (resets - 1) * 3600 + working : working);
  return {
    repositories: targets.length,
    counts,
    requests: { rest, graphql, total: rest + graphql },
    graphqlPoints: points,
    rateLimit,
    seconds,
    resets,
    planRequests: client.stats.requests,
    errors,
  };
}

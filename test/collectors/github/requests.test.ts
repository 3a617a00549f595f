/**
 * What a backfill costs, counted in the fake GitHub's log by endpoint: the REST probes decide,
 * GraphQL reads pull requests with their commits and deployments with their statuses a page of
 * 100 at a time, no deployment is asked about alone unless it is still running, and a re-sync
 * with nothing new is conditional REST requests answered 304, with no GraphQL query. GraphQL
 * faults (429, secondary rate limit, 5xx, resets, bodies cut short) converge to the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRepo } from '../../fakes/github/generate';
import { countByEndpoint, startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import type { FakeGithub } from '../../fakes/github/scenario';
import { eitherDb } from '../../helpers/either-store';
import type { Config } from '../../../server/config';
import { acmeConfig, collect, dumpWithCursors, FAST } from './helpers';
import { planGithub } from '../../../collectors/github/plan';
import { formatPlan } from '../../../server/cli/collect';
import { openStore } from '../../../db/store';
import { collectorContext } from '../../../server/collectors/context';

const END = Date.parse('2026-03-01T00:00:00Z');
const SIZE = { pulls: 450, deployments: 120, runs: 450, incidents: 3 };
const gh: FakeGithub = { repos: [generateRepo('acme', 'big', { ...SIZE, end: END, days: 120 })], orgs: new Map() };

let fake: FakeGithubServer;
let config: Config;
let reference: Record<string, unknown[]>;
let backfill: Record<string, number>;
let resync: ReturnType<FakeGithubServer['requests']['slice']>;

beforeAll(async () => {
  fake = await startFakeGithub(gh, { tokens: ['test-token'] });
  const base = acmeConfig(fake.apiUrl);
  config = { ...base, github: { ...base.github!, organisations: [], repositories: [{ name: 'acme/big' }] } };
  const t = await eitherDb();
  try {
    await collect(t, config, { now: END });
    backfill = countByEndpoint(fake.requests);
    reference = await dumpWithCursors(t);
    const from = fake.requests.length;
    await collect(t, config, { now: END });
    resync = fake.requests.slice(from);
    expect(await dumpWithCursors(t)).toEqual(reference);
  } finally {
    await t.cleanup();
  }
});
afterAll(() => fake.close());

describe('a backfill', () => {
  it('costs one request per page of data and one probe per list, and asks no deployment alone', () => {
    expect(backfill).toEqual({
      'GET /repos/{owner}/{repo}': 1,
      'GET /repos/{owner}/{repo}/pulls': 1,
      'POST /graphql pullRequestsPage': 5, // 450 pull requests, 100 a page
      'GET /repos/{owner}/{repo}/deployments': 1,
      'POST /graphql deploymentsPage': 2, // over 100 deployments with their statuses, 100 a page
      'GET /repos/{owner}/{repo}/actions/runs': 5, // 450 runs, 100 a page (GraphQL has no list of runs)
      'GET /repos/{owner}/{repo}/issues': 1,
    });
    const counts = (t: string) => (reference[t] as unknown[]).length;
    expect({ pulls: counts('pull_requests'), deployments: counts('deployments'), runs: counts('ci_runs') }).toEqual({
      pulls: 450,
      deployments: gh.repos[0].deployments.length,
      runs: 450,
    });
  });

  it('is followed by a re-sync of conditional REST requests all answered 304, and no GraphQL query', () => {
    expect(resync.length).toBe(5);
    expect(resync.filter((r) => !r.conditional || r.status !== 304)).toEqual([]);
    expect(resync.filter((r) => r.path.endsWith('/graphql'))).toEqual([]);
  });

  it('is charged GraphQL points as GitHub counts them, and reads rateLimit with each query', () => {
    // 100 pull requests x 25 commits x their parents: 28 points a page; deployments: 1.
    expect(5000 - fake.rateLimit.graphql.remaining).toBe(5 * 28 + 2 * 1);
  });
});

describe('GraphQL through faults', () => {
  it('converges to the same database through 429, secondary rate limits, 5xx, resets and bodies cut short', async () => {
    const t = await eitherDb();
    fake.injectFaults({ every: 2, kinds: ['429', 'secondary-403', '500', 'reset', 'truncate', '502'], match: /graphql$/ });
    const from = fake.requests.length;
    try {
      const result = await collect(t, config, { now: END });
      expect(result.errors).toEqual([]);
      const faults = fake.requests.slice(from).filter((r) => r.fault);
      expect(new Set(faults.map((r) => r.fault))).toEqual(new Set(['429', 'secondary-403', '500', 'reset', 'truncate', '502']));
      expect(faults.every((r) => r.endpoint.startsWith('POST /graphql'))).toBe(true);
      expect(await dumpWithCursors(t)).toEqual(reference);
    } finally {
      fake.clearFaults();
      await t.cleanup();
    }
  });
});

describe('the plan', () => {
  it('estimates the backfill from counts and the rate limit it reads for free, and the estimate is what the backfill used', async () => {
    const t = await eitherDb();
    const store = await t.open();
    try {
      const from = fake.requests.length;
      const core = fake.rateLimit.core.remaining;
      const ctx = collectorContext({ store, config, now: () => END, log: () => {} });
      const plan = await planGithub(config.github!, ctx, { client: { timing: FAST } });
      const asked = fake.requests.slice(from);
      expect(asked.map((r) => r.endpoint)).toEqual([
        'GET /rate_limit',
        'POST /graphql repositoryCounts',
        'GET /repos/{owner}/{repo}/actions/runs',
      ]);
      // GET /rate_limit is free; the plan costs one REST request and one GraphQL point.
      expect(core - fake.rateLimit.core.remaining).toBe(1);
      expect(plan.counts).toEqual([{ name: 'acme/big', pulls: 450, deployments: gh.repos[0].deployments.length, runs: 450 }]);
      const used = Object.values(backfill).reduce((a, b) => a + b, 0);
      expect(plan.requests).toEqual({ rest: 9, graphql: 7, total: used });
      expect(plan.graphqlPoints).toBe(5 * 28 + 2 * 1);
      expect(plan).toMatchObject({ repositories: 1, resets: 0, planRequests: 3, errors: [] });
      expect(plan.rateLimit.core).toMatchObject({ limit: 5000 });
      const text = formatPlan(plan, END - 365 * 86_400_000, 1000);
      expect(text).toMatch(/^Plan: 1 repository, since 2025-03-01\n {2}acme\/big +450 merged pull requests, 1\d\d deployments, 450 runs\n/);
      expect(text).toMatch(/Estimated: 16 requests \(9 REST, 7 GraphQL costing about 142 points\)\./);
      expect(text).toMatch(/It fits in what is left: about \d+ s/);

      // A limit too small for it: the plan says how many resets it waits for.
      fake.rateLimit.graphql.remaining = 100;
      const short = await planGithub(config.github!, ctx, { client: { timing: FAST } });
      expect(short.resets).toBe(1);
      expect(formatPlan(short, END, 1000)).toMatch(/It needs 1 more hour of rate limit: about \d+ min, waiting for each reset/);
    } finally {
      fake.rateLimit.graphql.remaining = 5000;
      await store.close();
      await t.cleanup();
    }
  });
});

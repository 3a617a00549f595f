/**
 * `npm run bench -- github [--fast]` (or `npx tsx bench/github.ts`): the GitHub collector
 * against the fake GitHub, for a repository with 1,000 merged pull requests, 300 deployments
 * and 2,000 workflow runs: the requests and wall time of the first backfill, and of a re-sync
 * with nothing new (the goal: only 304s, no GraphQL query), per endpoint as the fake's log counts
 * them, and the GraphQL points spent; and `collect --plan`'s estimate made before the backfill
 * beside what the backfill used. Prints a JSON report. GraphQL requests are spaced one
 * second apart as GitHub asks; `--fast` drops the spacing to measure Deming's own cost.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createGithubCollector, type GithubRunResult } from '../collectors/github/collector';
import { planGithub } from '../collectors/github/plan';
import { defaultGithubSettings, type GithubSettings } from '../collectors/github/config';
import { collectorContext } from '../server/collectors/context';
import { generateRepo } from '../test/fakes/github/generate';
import { countByEndpoint, startFakeGithub, type LoggedRequest } from '../test/fakes/github/server';
import { tempStore } from '../test/helpers/db';

const SIZE = { pulls: 1000, deployments: 300, runs: 2000, incidents: 20 };

export async function run(args: string[]): Promise<unknown> {
  const fast = args.includes('--fast');
  const now = Date.now();
  const repo = generateRepo('bench', 'service', { ...SIZE, end: now - 86_400_000, days: 330 });
  const fake = await startFakeGithub({ repos: [repo], orgs: new Map() }, { tokens: ['bench-token'] });
  const t = tempStore();
  const settings: GithubSettings = {
    ...defaultGithubSettings,
    auth: { kind: 'token', token: 'bench-token' },
    baseUrl: fake.apiUrl,
    repositories: [{ name: 'bench/service' }],
    incidentLabels: ['incident'],
    graphqlIntervalMs: fast ? 0 : 1000,
  };
  const config = { production: /^prod(uction)?$/i, organisation: [] };
  const ctx = collectorContext({ store: t.store, config, now: () => now, log: () => {} });
  const collector = createGithubCollector({ settings });
  const measure = async (): Promise<{ result: GithubRunResult; ms: number; requests: LoggedRequest[]; graphqlPoints: number }> => {
    const from = fake.requests.length;
    const points = fake.rateLimit.graphql.remaining;
    const started = performance.now();
    const result = await collector.run(ctx);
    const ms = Math.round(performance.now() - started);
    return { result, ms, requests: fake.requests.slice(from), graphqlPoints: points - fake.rateLimit.graphql.remaining };
  };
  try {
    const planFrom = fake.requests.length;
    const plan = await planGithub(settings, ctx);
    const planAsked = fake.requests.slice(planFrom);
    const backfill = await measure();
    const resync = await measure();
    const count = (table: string) => (t.raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const report = {
      benchmark: 'github',
      repository: SIZE,
      graphqlSpacingMs: settings.graphqlIntervalMs,
      stored: {
        pullRequests: count('pull_requests'),
        changes: count('changes'),
        deployments: count('deployments'),
        ciRuns: count('ci_runs'),
        incidents: count('incidents'),
        events: count('raw_events'),
      },
      plan: {
        estimate: { ...plan.requests, graphqlPoints: plan.graphqlPoints, seconds: plan.seconds },
        used: { requests: backfill.result.requests, graphqlPoints: backfill.graphqlPoints, seconds: Math.round(backfill.ms / 1000) },
        planCost: { requests: planAsked.length, byEndpoint: countByEndpoint(planAsked) },
      },
      backfill: {
        requests: backfill.result.requests,
        graphql: backfill.requests.filter((r) => r.path.endsWith('/graphql')).length,
        graphqlPoints: backfill.graphqlPoints,
        wallMs: backfill.ms,
        eventsStored: backfill.result.stored,
        errors: backfill.result.errors,
        byEndpoint: countByEndpoint(backfill.requests),
      },
      resync: {
        requests: resync.result.requests,
        answered304: resync.result.notModified,
        onlyConditional304s: resync.requests.every((r) => r.conditional && r.status === 304),
        graphql: resync.requests.filter((r) => r.path.endsWith('/graphql')).length,
        wallMs: resync.ms,
        eventsStored: resync.result.stored,
        byEndpoint: countByEndpoint(resync.requests),
      },
      rateLimitRemaining: resync.result.rateLimitRemaining,
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await fake.close();
    await t.cleanup();
    rmSync(t.dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));

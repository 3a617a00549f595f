/**
 * `npm run bench -- github [--fast]` (or `npx tsx bench/github.ts`): the GitHub collector
 * against the fake GitHub, for a repository with 1,000 merged pull requests, 300 deployments
 * and 2,000 workflow runs: the requests and wall time of the first backfill, and of a re-sync
 * with nothing new (the goal: only 304s). Prints a JSON report. GraphQL requests are spaced one
 * second apart as GitHub asks; `--fast` drops the spacing to measure Deming's own cost.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createGithubCollector, type GithubRunResult } from '../collectors/github/collector';
import { defaultGithubSettings, type GithubSettings } from '../collectors/github/config';
import { collectorContext } from '../server/collectors/context';
import { generateRepo } from '../test/fakes/github/generate';
import { startFakeGithub, type LoggedRequest } from '../test/fakes/github/server';
import { tempStore } from '../test/helpers/db';

const SIZE = { pulls: 1000, deployments: 300, runs: 2000, incidents: 20 };

/** Requests by endpoint and answer, for the report. */
function breakdown(requests: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const endpoint = r.path
      .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{o}/{r}')
      .replace(/\/\d+\//, '/{id}/')
      .replace(/\/compare\/.*/, '/compare/{basehead}');
    const key = `${r.method} ${endpoint} ${r.status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

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
  const measure = async (): Promise<{ result: GithubRunResult; ms: number; requests: LoggedRequest[] }> => {
    const from = fake.requests.length;
    const started = performance.now();
    const result = await collector.run(ctx);
    return { result, ms: Math.round(performance.now() - started), requests: fake.requests.slice(from) };
  };
  try {
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
      backfill: {
        requests: backfill.result.requests,
        graphql: backfill.requests.filter((r) => r.path.endsWith('/graphql')).length,
        wallMs: backfill.ms,
        eventsStored: backfill.result.stored,
        errors: backfill.result.errors,
        byEndpoint: breakdown(backfill.requests),
      },
      resync: {
        requests: resync.result.requests,
        answered304: resync.result.notModified,
        onlyConditional304s: resync.requests.every((r) => r.conditional && r.status === 304),
        wallMs: resync.ms,
        eventsStored: resync.result.stored,
        byEndpoint: breakdown(resync.requests),
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

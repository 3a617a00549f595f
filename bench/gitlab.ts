/**
 * `npm run bench -- gitlab` (or `npx tsx bench/gitlab.ts`): the GitLab collector against the fake
 * GitLab, for a project with 1,000 merged merge requests, 300 deployments and 2,000 pipelines:
 * the requests of the first backfill per endpoint against the page minimum counted endpoint by
 * endpoint (100 items a page, GitLab's largest), its wall time, and a re-sync with nothing new
 * (the goal: one cheap request per resource of the project). Prints a JSON report.
 */
import { pathToFileURL } from 'node:url';
import { createGitlabCollector, type GitlabRunResult } from '../collectors/gitlab/collector';
import { defaultGitlabSettings, type GitlabSettings } from '../collectors/gitlab/config';
import { collectorContext } from '../server/collectors/context';
import { generateProject } from '../test/fakes/gitlab/generate';
import { startFakeGitlab, type LoggedRequest } from '../test/fakes/gitlab/server';
import { tempStore } from '../test/helpers/db';

const SIZE = { mergeRequests: 1000, deployments: 300, pipelines: 2000, incidents: 20 };
const PAGE = 100;

/** Requests by endpoint (GraphQL by operation). */
function byEndpoint(requests: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const key = r.operation
      ? `POST /graphql ${r.operation}`
      : `${r.method} ${r.path.replace(/^\/api\/v4/, '').replace(/^\/projects\/\d+/, '/projects/:id')}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export async function run(_args: string[]): Promise<unknown> {
  const now = Date.now();
  const project = generateProject('bench/service', 4242, { ...SIZE, end: now - 86_400_000, days: 330 });
  const fake = await startFakeGitlab({ groups: [], projects: [project] }, { tokens: { 'bench-token': ['read_api'] } });
  const t = tempStore();
  const settings: GitlabSettings = { ...defaultGitlabSettings, baseUrl: fake.apiUrl, token: 'bench-token', projects: ['bench/service'] };
  const ctx = collectorContext({
    store: t.store,
    config: { production: /^prod(uction)?$/i, organisation: [] },
    now: () => now,
    log: () => {},
  });
  const collector = createGitlabCollector({ settings, client: { env: {} } });
  const measure = async (): Promise<{ result: GitlabRunResult; ms: number; requests: LoggedRequest[] }> => {
    const from = fake.requests.length;
    const started = performance.now();
    const result = await collector.run(ctx);
    return { result, ms: Math.round(performance.now() - started), requests: fake.requests.slice(from) };
  };
  try {
    const backfill = await measure();
    const resync = await measure();
    const count = (table: string) => (t.raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));
    const branchCommits = project.commits.size;
    // The page minimum: every list read once at 100 a page, nothing asked per item.
    const minimum: Record<string, number> = {
      'GET /personal_access_tokens/self': 1,
      'GET /version': 1,
      'GET /projects/bench%2Fservice': 1,
      'POST /graphql mergeRequests': pages(SIZE.mergeRequests),
      'GET /projects/:id/repository/commits': pages(branchCommits),
      'GET /projects/:id/deployments': pages(SIZE.deployments),
      'GET /projects/:id/environments': 1,
      'POST /graphql pipelines': pages(SIZE.pipelines),
      'GET /projects/:id/issues': pages(SIZE.incidents),
    };
    const used = byEndpoint(backfill.requests);
    const endpoints = Object.fromEntries(
      [...new Set([...Object.keys(minimum), ...Object.keys(used)])].map((k) => [k, { used: used[k] ?? 0, minimum: minimum[k] ?? 0 }]),
    );
    const total = { used: backfill.requests.length, minimum: Object.values(minimum).reduce((a, b) => a + b, 0) };
    const report = {
      benchmark: 'gitlab',
      project: SIZE,
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
        pageMinimum: total.minimum,
        ratio: Number((total.used / total.minimum).toFixed(2)),
        goal: '≤ 1.5',
        wallMs: backfill.ms,
        eventsStored: backfill.result.stored,
        errors: backfill.result.errors,
        endpoints,
      },
      resync: {
        requests: resync.result.requests,
        goal: 'one cheap request per resource per project, plus the token and version checks',
        wallMs: resync.ms,
        eventsStored: resync.result.stored,
        byEndpoint: byEndpoint(resync.requests),
      },
      rateLimitRemaining: resync.result.rateLimitRemaining,
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await fake.close();
    await t.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));

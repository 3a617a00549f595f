/**
 * What pulling Jira incidents costs (issue 20): `npm run bench -- jira [--issues 1000] [--page 100]`.
 * Against the fake Jira REST API (test/fakes/jira) in each edition, Cloud (`nextPageToken`) and
 * Data Center (`startAt`), with the site's times in Berlin and the account's JQL zone New York:
 * a first backfill of `--issues` incidents, one every ~2 hours, then a run with nothing new.
 * Reports the requests each made against the minimum (`/myself` and one search per page), the
 * incidents stored and the wall time. Prints a JSON report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../server/config';
import { openStore } from '../db/store';
import { collectorContext } from '../server/collectors/context';
import { createJiraCollector } from '../collectors/jira/collector';
import { startFakeJira } from '../test/fakes/jira/server';
import { restIssue, type Story } from '../test/fakes/jira/fixtures';

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { issues: { type: 'string', default: '1000' }, page: { type: 'string', default: '100' } },
  });
  const count = Number(values.issues);
  const page = Number(values.page);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const step = 7_000_000;
  const stories: Story[] = Array.from({ length: count }, (_, n) => ({
    id: String(20000 + n),
    key: `OPS-${n + 1}`,
    component: n % 3 ? 'Booking' : 'Payments',
    summary: 'incident',
    priority: 'High',
    createdAt: new Date(start + n * step).toISOString(),
    resolvedAt: new Date(start + n * step + 3_600_000).toISOString(),
  }));
  const now = start + count * step + 86_400_000;
  const report: Record<string, unknown> = { issues: count, pageSize: page, minimumRequests: 1 + Math.max(1, Math.ceil(count / page)) };
  for (const edition of ['cloud', 'datacenter'] as const) {
    const fake = await startFakeJira({
      edition,
      token: 'bench-token',
      email: 'bench@example.gov',
      siteZone: 'Europe/Berlin',
      accountZone: 'America/New_York',
      issues: stories.map(restIssue),
    });
    const dir = mkdtempSync(join(tmpdir(), 'deming-bench-jira-'));
    try {
      writeFileSync(
        join(dir, 'c.yaml'),
        `incidents:\n  jira:\n    baseUrl: ${fake.url}\n    edition: ${edition}\n    email: bench@example.gov\n    token: bench-token\n    since: 2025-12-01\n    services: [{when: {component: Booking}, service: health/booking}]\n`,
      );
      const config = loadConfig({ DEMING_DB: join(dir, 'd.db'), DEMING_DEMO: 'off' }, join(dir, 'c.yaml'));
      const runs: Record<string, unknown> = {};
      for (const name of ['first', 'again']) {
        const store = openStore(config.dbFile);
        const before = fake.requests.length;
        const t0 = performance.now();
        const r = await createJiraCollector({ settings: config.incidents.jira!, pageSize: page }).run(
          collectorContext({ store, config, now: () => now, log: () => {} }),
        );
        runs[name] = {
          requests: fake.requests.length - before,
          stored: r.stored,
          errors: r.errors.map((e) => e.message),
          seconds: Math.round(performance.now() - t0) / 1000,
        };
        await store.close();
      }
      report[edition] = runs;
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify(report, null, 2));
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));

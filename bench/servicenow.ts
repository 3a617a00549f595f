/**
 * `npm run bench -- servicenow [--incidents N]` (or `npx tsx bench/servicenow.ts`): the ServiceNow
 * collector against the fake ServiceNow, for N incidents (5,000 by default) updated over 80 days:
 * the requests of the first pull against the page minimum (N / 500 rows a page), its wall time,
 * and a re-sync with nothing new (the goal: one request). Prints a JSON report.
 */
import { pathToFileURL } from 'node:url';
import { createServicenowCollector } from '../collectors/servicenow/collector';
import { resolveServicenowSettings, servicenowSourceSchema } from '../collectors/servicenow/config';
import { collectorContext } from '../server/collectors/context';
import { businessService, incidentRows, referenceRows, type Story } from '../test/fakes/servicenow/fixtures';
import { startFakeServicenow } from '../test/fakes/servicenow/server';
import { tempStore } from '../test/helpers/db';

const PAGE = 500;

export async function run(args: string[]): Promise<unknown> {
  const at = args.indexOf('--incidents');
  const n = at >= 0 ? Number(args[at + 1]) : 5000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--incidents: expected a whole number of incidents, such as 5000');
  const now = Date.now();
  const services = Array.from({ length: 20 }, (_, i) => businessService(`Service ${i}`));
  const stories: Story[] = Array.from({ length: n }, (_, i) => {
    const opened = now - 80 * 86_400_000 + Math.floor((i / n) * 79 * 86_400_000);
    return {
      number: `INC${String(i).padStart(7, '0')}`,
      service: services[i % services.length],
      priority: String((i % 5) + 1),
      impact: String((i % 3) + 1),
      shortDescription: `incident ${i}`,
      openedAt: new Date(opened).toISOString(),
      ...(i % 10 === 0 ? {} : { resolvedAt: new Date(opened + 3_600_000).toISOString() }),
      ...(i % 50 === 0 ? { cancelledAt: new Date(opened + 600_000).toISOString() } : {}),
    };
  });
  const fake = await startFakeServicenow({
    users: { bench: 'bench-password' },
    tables: { incident: incidentRows(stories), change_request: [], cmdb_ci: referenceRows(stories) },
  });
  const t = tempStore();
  const file = servicenowSourceSchema.parse({
    instanceUrl: fake.url,
    username: 'bench',
    password: 'bench-password',
    interval: 'off',
    backfillDays: 90,
    services: [{ when: { 'business_service.name': 'Service *' }, service: 'bench/service' }],
  });
  const settings = resolveServicenowSettings(file, {}, undefined);
  const ctx = collectorContext({ store: t.store, config: { production: /^production$/, organisation: [] }, now: () => now, log: () => {} });
  const collector = createServicenowCollector({ settings });
  const measure = async () => {
    const from = fake.requests.length;
    const started = performance.now();
    const result = await collector.run(ctx);
    return { result, ms: Math.round(performance.now() - started), requests: fake.requests.length - from };
  };
  try {
    const pull = await measure();
    const resync = await measure();
    const count = (table: string) => (t.raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const report = {
      benchmark: 'servicenow',
      incidents: n,
      stored: { sourceIncidents: count('source_incidents'), counted: count('incidents') },
      pull: {
        requests: pull.requests,
        pageMinimum: Math.ceil(n / PAGE),
        wallMs: pull.ms,
        errors: pull.result.errors,
      },
      resync: { requests: resync.requests, goal: 1, wallMs: resync.ms, errors: resync.result.errors },
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await fake.close();
    await t.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));

/**
 * The two stores side by side (issue 22), in process: the scale benchmark's province
 * (bench/scale-generate.ts) stored through the `Store` interface into a fresh SQLite file and a
 * fresh PostgreSQL database, batch by batch in turn (so both see the same machine), then the late
 * backfill, then the store reads the read services make (a department's, a team's and a
 * service's facts over a year), and the figures of every scope compared between the two.
 *
 * `npm run bench -- store --url postgres://user:pass@host:port/db [--size dept|gov] [--services N] [--months N] [--calls N]`
 * (the URL, or DEMING_DATABASE_URL, names a server whose user may create a database: one is made
 * for the run and dropped after). Progress to stderr; the JSON report to stdout and to
 * bench/results/store-<size>[-<services>svc-<months>m].json. HTTP, memory and the live path are
 * the scale benchmark's.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { NativeEventInput, NativeEvent } from '../common/events';
import { validateEvents } from '../common/validate-events';
import { teamResolver } from '../common/org';
import { openStore, type Store } from '../db/store';
import { openPostgresStore } from '../db/postgres/store';
import { migrate } from '../db/postgres/migrate';
import { createReadState } from '../server/read/state';
import { parseScope } from '../server/scope';
import { readMetrics } from '../server/metrics/read';
import { SIZES, batches, chunks, organisationOf, placeOf, serviceCount, type ScaleShape } from './scale-generate';
import { differences } from './scale-diff';

const PRODUCTION = /^prod(uction)?$/i;
const DAY = 86_400_000;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const log = (s: string) => console.error(`store: ${s}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50), 2), p95: round(percentile(s, 95), 2), max: round(s[s.length - 1], 2) };
}

interface Side {
  name: 'sqlite' | 'postgres';
  store: Store;
  storeMs: number;
  batchMs: number[];
}

/** The machine a report was measured on (the load average says how shared it was). */
export function machineOf(postgres: string) {
  return { cpus: cpus().length, cpu: cpus()[0]?.model, loadAverage: loadavg().map((l) => round(l, 2)), node: process.version, postgres };
}

/** The options a benchmark against a PostgreSQL server takes for the province's size. */
export const provinceOptions = (services: string, months: string) =>
  ({
    url: { type: 'string' },
    services: { type: 'string', default: services },
    months: { type: 'string', default: months },
  }) as const;

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      size: { type: 'string', default: 'dept' },
      services: { type: 'string' },
      months: { type: 'string' },
      calls: { type: 'string', default: '20' },
    },
  });
  const url = values.url ?? process.env.DEMING_DATABASE_URL;
  if (!url) throw new Error('store: --url postgres://… (or DEMING_DATABASE_URL) names the PostgreSQL server to measure');
  const size = values.size as 'dept' | 'gov';
  if (size !== 'dept' && size !== 'gov') throw new Error(`store: --size must be dept or gov, not "${values.size}"`);
  const base = SIZES[size];
  const services = values.services ? Number(values.services) : base.services;
  const factor = services / base.services;
  const shape: ScaleShape = {
    ...base,
    services,
    teams: Math.max(1, Math.round(base.teams * factor)),
    departments: Math.max(1, Math.round(base.departments * factor)),
    months: values.months ? Number(values.months) : base.months,
    backfill: { services: Math.max(1, Math.round(base.backfill.services * factor)), events: Math.round(base.backfill.events * factor) },
  };
  const reduced = shape.services !== base.services || shape.months !== base.months;
  const name = reduced ? `store-${size}-${shape.services}svc-${shape.months}m` : `store-${size}`;
  const calls = Number(values.calls);
  const organisation = organisationOf(shape);
  const opts = { production: PRODUCTION, now: Date.now(), resolveTeam: teamResolver(organisation) };

  // The two stores, fresh.
  const dir = mkdtempSync(join(tmpdir(), 'deming-bench-store-'));
  const file = join(dir, 'deming.db');
  const database = `deming_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const target = new URL(url);
  target.pathname = `/${database}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 10 });
  pool.on('error', () => {}); // the drop at the end cuts its idle connections
  const sides: Side[] = [];
  try {
    await migrate(pool);
    sides.push({ name: 'sqlite', store: openStore(file, { check: 'off' }), storeMs: 0, batchMs: [] });
    sides.push({ name: 'postgres', store: await openPostgresStore(pool), storeMs: 0, batchMs: [] });
    for (const s of sides) await s.store.syncOrganisation(organisation);
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    log(
      `${name}: ${serviceCount(shape)} services, ${shape.months} months; SQLite file ${file}, PostgreSQL ${version} database ${database}`,
    );

    // 1. The main stream, each batch into one store then the other.
    const held: NativeEventInput[] = [];
    let events = 0;
    let validateMs = 0;
    const store = async (stream: Iterable<NativeEventInput[]>, label: string) => {
      for (const s of sides) {
        s.storeMs = 0;
        s.batchMs = [];
      }
      let n = 0;
      let lastLog = performance.now();
      for (const batch of stream) {
        const t0 = performance.now();
        const valid: NativeEvent[] = validateEvents(batch);
        validateMs += performance.now() - t0;
        for (const s of sides) {
          const t = performance.now();
          await s.store.ingestBatch(valid, opts);
          const ms = performance.now() - t;
          s.storeMs += ms;
          s.batchMs.push(ms);
        }
        n += batch.length;
        if (performance.now() - lastLog > 5000) {
          log(`${label}: ${n} events; ${sides.map((s) => `${s.name} ${Math.round(n / (s.storeMs / 1000))}/s`).join(', ')}`);
          lastLog = performance.now();
        }
      }
      return Object.fromEntries(
        sides.map((s) => [
          s.name,
          {
            events: n,
            seconds: round(s.storeMs / 1000, 2),
            eventsPerSecond: Math.round(n / (s.storeMs / 1000)),
            batchMs: stats(s.batchMs),
          },
        ]),
      );
    };
    const ingest = await store(batches(shape, { withholdBackfill: true }, held), 'ingest');
    events += Object.values(ingest)[0].events;
    log(`ingest: ${JSON.stringify(ingest)}`);
    const backfill = await store(chunks(held), 'backfill');
    events += Object.values(backfill)[0].events;
    log(`backfill: ${JSON.stringify(backfill)}`);

    // 2. The store reads behind a department's, a team's and a service's figures over a year.
    const place = placeOf(shape, 0);
    const from = shape.end - 365 * DAY;
    const scopes = [`department:${place.department}`, `team:${place.team}`, `service:${place.service}`];
    const reads: Record<string, Record<string, unknown>> = {};
    for (const s of sides) {
      const state = createReadState(s.store);
      reads[s.name] = {};
      for (const key of scopes) {
        const ids = (await state.org.resolve(parseScope(key))).serviceIds;
        const ms: number[] = [];
        for (let i = 0; i < calls; i++) {
          const t = performance.now();
          await s.store.readFacts(ids, from, shape.end, true);
          ms.push(performance.now() - t);
        }
        reads[s.name][key.split(':')[0]] = { services: ids.length, readFactsMs: stats(ms) };
      }
      state.close();
    }
    log(`reads: ${JSON.stringify(reads)}`);

    // 3. The figures of every scope, from each store: they must be the same.
    const figures: Record<string, Record<string, unknown>> = {};
    for (const s of sides) {
      const state = createReadState(s.store);
      const org = await s.store.readOrganisation();
      figures[s.name] = {};
      for (const key of ['org', ...org.departments.map((d) => `department:${d.id}`), ...org.teams.map((t) => `team:${t.id}`)]) {
        figures[s.name][key] = await readMetrics(state, await state.org.resolve(parseScope(key)), from, shape.end, { tz: 'UTC' });
      }
      state.close();
    }
    const diff = differences(figures.postgres, figures.sqlite);
    log(
      diff.length === 0
        ? `figures: the same for ${Object.keys(figures.sqlite).length} scopes`
        : `figures differ: ${diff.slice(0, 5).join('; ')}`,
    );

    const pgBytes = Number((await pool.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0].b);
    const sqliteBytes = statSync(file).size;
    const report = {
      benchmark: name,
      machine: machineOf(version),
      shape: { services: serviceCount(shape), months: shape.months, events },
      validateSeconds: round(validateMs / 1000, 2),
      ingest,
      backfill,
      reads,
      figuresEqual: diff.length === 0,
      differences: diff.slice(0, 20),
      database: {
        sqlite: { bytes: sqliteBytes, bytesPerEvent: round(sqliteBytes / events) },
        postgres: { bytes: pgBytes, bytesPerEvent: round(pgBytes / events) },
      },
    };
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `${name}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    for (const s of sides) await s.store.close().catch(() => undefined);
    if (!pool.ended) await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scale (issue 8): a province's whole delivery history on one small server.
 * `npm run bench -- scale --size dept|gov [--seed N] [--live-seconds N] [--keep <dir>] [--skip-http]`
 * (and, ingesting over HTTP into either store, measured the same way: `--store sqlite|postgres
 * [--url postgres://…] [--concurrency N]`, see bench/scale-store.ts)
 * (and a restart on a kept file: `--keep <dir> --restart`, see bench/scale-restart.ts)
 * (and, to try a part or a smaller province: `--services N`, `--months N`, `--skip-bare`,
 * `--skip-recompute`, `--calls N`, `--budget <seconds per read figure>`).
 *
 * Generates the province (bench/scale-generate.ts), ingests it through the real path
 * (`validateEvents` + `ingestEvents`, batches of 1,000) into a fresh SQLite file, sends a late
 * backfill into the middle of history, then measures: the ingest rate beside a bare insert loop
 * of the same batches into a second database (interleaved, batch by batch, so both see the same
 * machine); warm read latencies and the live push path against the real server; the
 * backfill checked against a fresh in-order ingestion; bytes per event; the server's peak RSS;
 * and the query plans of the metrics queries. Progress goes to stderr, the JSON report to
 * stdout and to bench/results/scale-<size>.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import type { NativeEventInput } from '../common/events';
import { openDatabase, type Db } from '../db/connection';
import { ingestEvents } from '../db/ingest';
import { validateEvents } from '../common/validate-events';
import { syncKeyIndex } from '../db/key-index';
import { syncOrganisation } from '../db/queries/org';
import { teamResolver } from '../common/org';
import { loadConfig, type Config } from '../server/config';
import { startServer } from '../server/server';
import { monthsBefore } from '../collectors/demo/time';
import {
  SIZES,
  backfillServices,
  batches,
  chunks,
  organisationOf,
  placeOf,
  serviceCount,
  startOf,
  type ScaleShape,
  type ServiceHistory,
} from './scale-generate';
import { bareInserter, type BareInserter, type BareResult } from './scale-bare';
import { latency, measureHttp, type HttpReport } from './scale-http';
import { explainMetricsQueries, profileIngest, profileReads } from './scale-plan';
import { differences } from './scale-diff';
import { measureRestart } from './scale-restart';
import { overHttp } from './scale-store';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const log = (msg: string) => process.stderr.write(`scale: ${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const selfPeakMiB = () => round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024);

interface IngestStats {
  events: number;
  seconds: number;
  validateSeconds: number;
  storeSeconds: number;
  eventsPerSecond: number;
  wallSeconds: number;
  batches: number;
  batchMs: ReturnType<typeof latency>;
}

/** Validates and stores every batch through the real path, timing only that; logs progress every 5 s. */
function ingestAll(
  db: Db,
  config: Config,
  stream: Iterable<NativeEventInput[]>,
  label: string,
  byType?: Record<string, number>,
  bare?: BareInserter,
): IngestStats {
  const resolveTeam = teamResolver(config.organisation);
  let events = 0,
    validateMs = 0,
    storeMs = 0,
    bareMs = 0,
    lastLog = performance.now(),
    lastEvents = 0,
    lastMs = 0;
  const batchMs: number[] = [];
  const wall = performance.now();
  for (const batch of stream) {
    const t0 = performance.now();
    const valid = validateEvents(batch);
    const t1 = performance.now();
    ingestEvents(db, valid, { production: config.production, now: Date.now(), resolveTeam });
    const t2 = performance.now();
    validateMs += t1 - t0;
    storeMs += t2 - t1;
    batchMs.push(t2 - t0);
    events += batch.length;
    if (byType) for (const e of batch) byType[e.type] = (byType[e.type] ?? 0) + 1;
    // The same batch, at the same moment, as plain inserts into the baseline's database.
    if (bare) bareMs += bare.store(batch);
    if (t2 - lastLog > 5000) {
      const ms = validateMs + storeMs;
      log(
        `${label}: ${fmt(events)} events, ${fmt(events / (ms / 1000))} events/s (last 5 s: ${fmt((events - lastEvents) / ((ms - lastMs) / 1000))}/s)${bare ? `; bare inserts ${fmt(events / (bareMs / 1000))}/s` : ''}`,
      );
      lastLog = performance.now();
      lastEvents = events;
      lastMs = ms;
    }
  }
  const seconds = (validateMs + storeMs) / 1000;
  return {
    events,
    seconds: round(seconds, 2),
    validateSeconds: round(validateMs / 1000, 2),
    storeSeconds: round(storeMs / 1000, 2),
    eventsPerSecond: Math.round(events / seconds),
    wallSeconds: round((performance.now() - wall) / 1000, 2),
    batches: batchMs.length,
    batchMs: latency(batchMs),
  };
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  for (const item of items) {
    yield item;
    if (--n <= 0) return;
  }
}

/** `SELECT count(*)` of a table, timed: the floor of any read that touches every row. */
function countStar(file: string, tables: string[]) {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      tables.map((t) => {
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          rows = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
          times.push(performance.now() - t0);
        }
        return [t, { rows, firstMs: round(times[0], 2), bestMs: round(Math.min(...times), 2) }];
      }),
    );
  } finally {
    db.close();
  }
}

/** What the idempotency keys' in-memory index costs to build from the file, and its size. */
function keyIndexBuild(file: string) {
  const db = openDatabase(file);
  try {
    const t0 = performance.now();
    const { index } = db.transaction(() => syncKeyIndex(db)).immediate();
    const buildMs = performance.now() - t0;
    return { keys: index.size, buildMs: round(buildMs), capacity: index.capacity, mib: round((index.capacity * 8) / 2 ** 20) };
  } finally {
    db.close();
  }
}

function tableSizes(file: string): { table: string; bytes: number }[] | string {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT name AS "table", sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as {
      table: string;
      bytes: number;
    }[];
  } catch (e) {
    return `dbstat unavailable: ${(e as Error).message}`;
  } finally {
    db.close();
  }
}

/** The shape asked for: a size, with overrides; teams and departments scale with services. */
function shapeOf(values: Record<string, string | boolean | undefined>): ScaleShape {
  const size = values.size as string;
  if (size !== 'dept' && size !== 'gov') throw new Error(`scale: --size must be dept or gov, not "${size}"`);
  const base = SIZES[size];
  const services = values.services ? Number(values.services) : base.services;
  const factor = services / base.services;
  return {
    ...base,
    services,
    teams: Math.max(1, Math.round(base.teams * factor)),
    departments: Math.max(1, Math.round(base.departments * factor)),
    months: values.months ? Number(values.months) : base.months,
    seed: values.seed ? Number(values.seed) : base.seed,
  };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      size: { type: 'string', default: 'dept' },
      seed: { type: 'string' },
      'live-seconds': { type: 'string', default: '30' },
      keep: { type: 'string' },
      'skip-http': { type: 'boolean', default: false },
      services: { type: 'string' },
      months: { type: 'string' },
      'skip-bare': { type: 'boolean', default: false },
      'skip-recompute': { type: 'boolean', default: false },
      calls: { type: 'string', default: '50' },
      budget: { type: 'string', default: '90' },
      restart: { type: 'boolean', default: false },
      'restart-code': { type: 'string' },
      'restart-label': { type: 'string', default: 'after' },
      'wait-check': { type: 'boolean', default: false },
      'listen-timeout': { type: 'string', default: '1200' },
      store: { type: 'string' },
      url: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
    },
  });
  if (values.restart) return restart(values);
  const shape = shapeOf(values);
  const size = values.size as 'dept' | 'gov';
  const reduced = shape.services !== SIZES[size].services || shape.months !== SIZES[size].months;
  if (values.store) return overHttp(values, shape, size, reduced);
  const name = reduced ? `scale-${size}-${shape.services}svc-${shape.months}m` : `scale-${size}`;
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'deming-scale-'));
  mkdirSync(dir, { recursive: true });
  const files = {
    ingested: join(dir, 'ingested.db'),
    bare: join(dir, 'bare.db'),
    recomputed: join(dir, 'recomputed.db'),
    config: join(dir, 'deming.config.yaml'),
  };
  for (const f of [files.ingested, files.bare, files.recomputed]) for (const x of ['', '-wal', '-shm']) rmSync(f + x, { force: true });
  const organisation = organisationOf(shape);
  writeFileSync(files.config, stringify({ organisation }));
  const configOf = (file: string) => loadConfig({ DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off', DEMING_CONFIG: files.config });
  const config = configOf(files.ingested);
  const start = startOf(shape);
  const from12 = Math.max(start, monthsBefore(shape.end, 12));
  const started = performance.now();

  const report: Record<string, unknown> = {
    bench: 'scale',
    size,
    reduced,
    shape: { ...shape, end: new Date(shape.end).toISOString(), start: new Date(start).toISOString() },
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      sqlite: (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    },
    startedAt: new Date().toISOString(),
  };
  // The machine is shared: its load beside each phase says how far to trust absolute numbers.
  const load = () => ({ at: new Date().toISOString(), loadAverage1m: round(loadavg()[0], 2) });
  const loads = [{ after: 'start', ...load() }];
  report.load = loads;
  const save = () => {
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  };
  log(
    `${size}${reduced ? ' (reduced)' : ''}: ${serviceCount(shape)} services in ${shape.teams} teams and ${shape.departments} departments, ${shape.months} months, seed ${shape.seed}; files in ${dir}`,
  );

  try {
    // 1. The main stream through the real path; the backfill's stretch is held back.
    const held: NativeEventInput[] = [];
    const liveEvery = Math.max(1, Math.floor(serviceCount(shape) / 200));
    const live: { service: string; head: string | null }[] = [];
    const onService = (h: ServiceHistory, i: number) => {
      if (i % liveEvery === 0 && live.length < 200) live.push({ service: h.service, head: h.head });
    };
    const byType: Record<string, number> = {};
    let db = openDatabase(files.ingested);
    syncOrganisation(db, config.organisation);
    // The baseline, interleaved: each batch also goes, as plain inserts, into a second fresh database.
    const bareLoop = values['skip-bare'] ? undefined : bareInserter(files.bare, config.organisation, config.production);
    const ingest = ingestAll(db, config, batches(shape, { withholdBackfill: true, onService }, held), 'ingest', byType, bareLoop);
    report.ingest = { ...ingest, byType, benchPeakRssMiB: selfPeakMiB() };
    log(
      `ingest: ${fmt(ingest.events)} events in ${ingest.seconds} s: ${fmt(ingest.eventsPerSecond)} events/s (validation ${ingest.validateSeconds} s, storing and linking ${ingest.storeSeconds} s)`,
    );
    if (bareLoop) {
      const bare = bareLoop.close();
      report.bare = { ...bare, seconds: round(bare.seconds, 2) };
      log(`bare inserts: ${fmt(bare.events)} events in ${round(bare.seconds, 2)} s: ${fmt(bare.eventsPerSecond)} events/s`);
      rmSync(files.bare, { force: true });
    }
    loads.push({ after: 'ingest', ...load() });
    save();

    // 2. The late backfill: deployments and changes into the middle of some services' history.
    const late = ingestAll(db, config, chunks(held), 'backfill');
    report.backfill = { ...late, services: backfillServices(shape).map((i) => placeOf(shape, i).service) };
    log(
      `backfill: ${fmt(late.events)} events in ${late.seconds} s (${fmt(late.eventsPerSecond)}/s, the main stream ran at ${fmt(ingest.eventsPerSecond)}/s)`,
    );
    loads.push({ after: 'backfill', ...load() });
    db.close();

    // 3. Size, count(*) baselines and query plans.
    const bytes = statSync(files.ingested).size;
    const events = ingest.events + late.events;
    report.database = {
      bytes,
      mib: round(bytes / 2 ** 20),
      events,
      bytesPerEvent: round(bytes / events),
      tables: tableSizes(files.ingested),
    };
    report.countStar = countStar(files.ingested, ['deployments', 'changes', 'deployment_changes', 'ci_runs', 'incidents', 'raw_events']);
    const place = placeOf(shape, 0);
    const department = place.department!;
    report.queryPlans = await explainMetricsQueries(
      files.ingested,
      { kind: 'department', id: department, key: `department:${department}` },
      from12,
      shape.end,
    );
    report.readProfile = await profileReads(
      files.ingested,
      [
        { kind: 'org', key: 'org' },
        { kind: 'department', id: department, key: `department:${department}` },
        { kind: 'team', id: place.team!, key: `team:${place.team}` },
        { kind: 'service', id: place.service, key: `service:${place.service}` },
      ],
      from12,
      shape.end,
    );
    const keyIndex = keyIndexBuild(files.ingested);
    report.keyIndex = keyIndex;
    log(`key index: ${fmt(keyIndex.keys)} keys read in ${keyIndex.buildMs} ms, ${keyIndex.mib} MiB`);
    // Where ingestion's time goes, on a sample: the first 50 batches into a scratch database.
    const sample = join(dir, 'profile.db');
    report.ingestProfile = profileIngest(
      sample,
      (f) => {
        const d = openDatabase(f);
        syncOrganisation(d, config.organisation);
        return d;
      },
      (d, batch) => {
        const t0 = performance.now();
        const valid = validateEvents(batch);
        const validateMs = performance.now() - t0;
        ingestEvents(d, valid, { production: config.production, now: Date.now(), resolveTeam: teamResolver(config.organisation) });
        return { validateMs };
      },
      take(batches(shape, { withholdBackfill: false }), 50),
    );
    for (const x of ['', '-wal', '-shm']) rmSync(sample + x, { force: true });
    loads.push({ after: 'profile', ...load() });
    log(`database: ${round(bytes / 2 ** 20)} MiB, ${round(bytes / events)} bytes per event`);
    save();

    // 4. The real server in its own process: reads, live pushes, memory.
    if (!values['skip-http']) {
      report.http = await measureHttp(
        {
          dbFile: files.ingested,
          configFile: files.config,
          from: from12,
          to: shape.end,
          department,
          team: place.team!,
          service: place.service,
          live,
          liveSeconds: Number(values['live-seconds']),
          liveRate: 200,
          calls: Number(values.calls),
          budgetSeconds: Number(values.budget),
        },
        log,
      );
      loads.push({ after: 'http', ...load() });
      save();
    }

    // 5. Correctness of the backfill: a fresh database of every event in time order must answer the same.
    if (!values['skip-recompute']) {
      db = openDatabase(files.recomputed);
      syncOrganisation(db, config.organisation);
      const recompute = ingestAll(db, config, batches(shape, { withholdBackfill: false }), 'recompute');
      db.close();
      const a = await startServer(configOf(files.ingested), { log: () => {} });
      const b = await startServer(configOf(files.recomputed), { log: () => {} });
      try {
        const affected = backfillServices(shape).map((i) => placeOf(shape, i));
        const scopes = [
          ...new Set([
            'org',
            ...affected.flatMap((p) => [
              `service:${p.service}`,
              `team:${p.team ?? 'unassigned'}`,
              `department:${p.department ?? 'unassigned'}`,
            ]),
          ]),
        ];
        const q = `from=${new Date(start).toISOString()}&to=${new Date(shape.end).toISOString()}`;
        const problems: string[] = [];
        for (const scope of scopes) {
          const [x, y] = await Promise.all(
            [a, b].map(async (s) => (await fetch(`${s.url}/api/v1/metrics?scope=${encodeURIComponent(scope)}&${q}`)).json()),
          );
          // The live phase (step 4) posted events dated now into the ingested file only: they lie
          // outside the compared range but move `lastDataAt`, the one field not bound to the range.
          const { lastDataAt: _liveMoved, ...withoutLive } = x as Record<string, unknown>;
          const { lastDataAt: _never, ...recomputed } = y as Record<string, unknown>;
          problems.push(
            ...differences(values['skip-http'] ? x : withoutLive, values['skip-http'] ? y : recomputed, '', 0).map((d) => `${scope} ${d}`),
          );
        }
        report.recompute = {
          ...recompute,
          scopesCompared: scopes.length,
          identical: problems.length === 0,
          differences: problems.slice(0, 50),
        };
        loads.push({ after: 'recompute', ...load() });
        log(
          `recompute: ${fmt(recompute.eventsPerSecond)} events/s in order; ${scopes.length} scopes compared, ${problems.length} differences`,
        );
      } finally {
        await a.close();
        await b.close();
      }
      save();
    }
  } finally {
    report.durationSeconds = round((performance.now() - started) / 1000);
    report.figures = figures(report);
    save();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  for (const f of report.figures as Figure[])
    log(`${f.met === null ? ' ' : f.met ? '✓' : '✗'} ${f.figure}: ${f.measured} | baseline ${f.baseline} | goal ${f.goal}`);
  console.log(JSON.stringify(report, null, 2));
  return report;
}

/**
 * `--restart`: only the restart (bench/scale-restart.ts) on the file a run with `--keep <dir>`
 * left there, recorded under `--restart-label` in bench/results/scale-<size>-restart.json.
 */
async function restart(values: Record<string, string | boolean | undefined>): Promise<unknown> {
  if (typeof values.keep !== 'string')
    throw new Error('scale --restart needs --keep <dir>, the directory of an earlier run kept with --keep');
  const shape = shapeOf(values);
  const place = placeOf(shape, 0);
  const file = join(resultsDir, `scale-${values.size}-restart.json`);
  const dbFile = join(values.keep, 'ingested.db');
  const label = values['restart-label'] as string;
  const run = await measureRestart(
    {
      dbFile,
      configFile: join(values.keep, 'deming.config.yaml'),
      codeDir: (values['restart-code'] as string | undefined) ?? join(dirname(fileURLToPath(import.meta.url)), '..'),
      from: Math.max(startOf(shape), monthsBefore(shape.end, 12)),
      to: shape.end,
      department: place.department!,
      team: place.team!,
      service: place.service,
      summaryAtMs: 60_000,
      waitCheck: values['wait-check'] === true,
      listenTimeoutMs: Number(values['listen-timeout']) * 1000,
    },
    log,
  );
  const report = {
    ...run,
    at: new Date().toISOString(),
    databaseMiB: round(statSync(dbFile).size / 2 ** 20),
    loadAverage1m: round(loadavg()[0], 2),
    machine: { cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30), node: process.version },
  };
  // Read just before writing: restarts of other code may run at the same time and record theirs.
  let saved: Record<string, unknown> = {};
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    /* the first restart recorded */
  }
  saved[label] = report;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  return report;
}

interface Figure {
  figure: string;
  measured: string;
  baseline: string;
  goal: string;
  met: boolean | null;
}

/** The table of the issue: each figure beside its same-run baseline and its goal (goals are for `gov`). */
function figures(r: Record<string, unknown>): Figure[] {
  const out: Figure[] = [];
  const ingest = r.ingest as (IngestStats & object) | undefined;
  const bare = r.bare as BareResult | undefined;
  const count = r.countStar as Record<string, { bestMs: number }> | undefined;
  const countBaseline = count ? `count(*) deployments ${count.deployments.bestMs} ms, changes ${count.changes.bestMs} ms` : 'n/a';
  if (ingest) {
    const ratio = bare ? bare.eventsPerSecond / ingest.eventsPerSecond : null;
    out.push({
      figure: 'ingest rate',
      measured: `${fmt(ingest.eventsPerSecond)} events/s`,
      baseline: bare ? `bare inserts ${fmt(bare.eventsPerSecond)} events/s (${round(ratio!, 2)}× faster)` : 'not run',
      goal: '≥ 100,000/s, within 3× of bare',
      met: ingest.eventsPerSecond >= 100_000 && ratio !== null && ratio <= 3,
    });
  }
  const http = r.http as HttpReport | undefined;
  if (http) {
    const goals: Record<string, number> = {
      summary: 100,
      'department metrics': 50,
      'department series': 50,
      'team metrics': 20,
      'team series': 20,
      'service metrics': 10,
      'service series': 10,
      changes: 50,
    };
    for (const [name, f] of Object.entries(http.reads)) {
      out.push({
        figure: `${name} (warm)`,
        measured: `p50 ${f.p50} ms, p95 ${f.p95} ms (${f.n} calls)`,
        baseline: countBaseline,
        goal: `p95 ≤ ${goals[name]} ms`,
        met: f.p95 <= goals[name],
      });
    }
    out.push({
      figure: 'live latency (POST → metrics:changed)',
      measured: `p50 ${http.live.p50} ms, p99 ${http.live.p99} ms, ${http.live.lost} lost (${http.live.ratePerSecond}/s for ${http.live.seconds} s)`,
      baseline: `POST alone p99 ${http.live.post.p99} ms`,
      goal: 'p99 ≤ 100 ms',
      met: http.live.p99 <= 100 && http.live.lost === 0 && http.live.errors === 0,
    });
    out.push({
      figure: 'server peak RSS',
      measured: `${http.serverRssMiB.peak} MiB`,
      baseline: `${http.serverRssMiB.atStart} MiB after start`,
      goal: '≤ 1024 MiB',
      met: http.serverRssMiB.peak <= 1024,
    });
  }
  const late = r.backfill as IngestStats | undefined;
  const recompute = r.recompute as { identical: boolean; scopesCompared: number } | undefined;
  if (late && ingest) {
    out.push({
      figure: 'late backfill',
      measured: `${fmt(late.events)} events re-linked in ${late.seconds} s (${fmt(late.eventsPerSecond)}/s)${recompute ? `; ${recompute.scopesCompared} scopes ${recompute.identical ? 'identical to' : 'DIFFER from'} a full in-order recompute` : ''}`,
      baseline: `${round(late.events / ingest.eventsPerSecond, 2)} s at the main stream's rate`,
      goal: 'figures identical to a recompute',
      met: recompute ? recompute.identical : null,
    });
  }
  const database = r.database as { bytesPerEvent: number; mib: number } | undefined;
  if (database) {
    out.push({
      figure: 'database size',
      measured: `${database.bytesPerEvent} bytes/event (${database.mib} MiB)`,
      baseline: bare ? `bare inserts ${round(bare.bytes / bare.events)} bytes/event` : 'n/a',
      goal: 'reported',
      met: null,
    });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));

/**
 * The scale benchmark over HTTP on either store (issue 22): `npm run bench -- scale --store
 * sqlite|postgres [--url postgres://admin@host/postgres] [--size dept] [--concurrency 4]`.
 *
 * Both stores are measured the same way, with the load generator on the same machine as the
 * server: the province (bench/scale-generate.ts) is POSTed to a real Deming process in batches of
 * 1,000 events (`--concurrency` requests in flight), then the late backfill; the server is stopped
 * and the database's size read (the SQLite file with its WAL, or `pg_database_size`); then a
 * fresh server process answers the reads, the live path and memory of bench/scale-http.ts. With
 * PostgreSQL, `--url` (or DEMING_DATABASE_URL) names a server whose user may create a database:
 * one is made for the run and dropped after. The JSON report goes to stdout and to
 * bench/results/scale-<size>-http-<store>.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import type { NativeEventInput } from '../common/events';
import { monthsBefore } from '../collectors/demo/time';
import { spawnServer } from '../test/helpers/process';
import { batches, chunks, organisationOf, placeOf, serviceCount, startOf, type ScaleShape, type ServiceHistory } from './scale-generate';
import { latency, measureHttp } from './scale-http';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const log = (msg: string) => process.stderr.write(`scale: ${msg}\n`);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** POSTs every batch of `stream` with `concurrency` requests in flight; a 429 or 503 is sent again after its Retry-After. */
async function post(url: string, stream: Iterable<NativeEventInput[]>, concurrency: number, label: string) {
  const it = stream[Symbol.iterator]();
  const batchMs: number[] = [];
  let events = 0,
    retried = 0,
    resets = 0,
    lastLog = performance.now();
  const t0 = performance.now();
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const body = JSON.stringify(next.value);
      for (;;) {
        const t = performance.now();
        // A kept-alive connection the server closed meanwhile resets: events sent again are stored once.
        const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(
          (e: Error) => {
            if (++resets > 20)
              throw new Error(`${label}: POST /api/v1/events failed 20 times: ${e.message} (${(e.cause as Error)?.message})`);
            return null;
          },
        );
        if (!res) continue;
        const text = await res.text();
        if (res.status === 429 || res.status === 503) {
          retried++;
          await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
          continue;
        }
        if (!res.ok) throw new Error(`${label}: POST /api/v1/events answered ${res.status}: ${text.slice(0, 300)}`);
        batchMs.push(performance.now() - t);
        events += next.value.length;
        break;
      }
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${label}: ${fmt(events)} events, ${fmt(events / ((performance.now() - t0) / 1000))}/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { events, seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds), retried, resets, batchMs: latency(batchMs) };
}

export async function overHttp(values: Record<string, string | boolean | undefined>, shape: ScaleShape, size: string, reduced: boolean) {
  const store = values.store as string;
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`scale: --store must be sqlite or postgres, not "${store}"`);
  const concurrency = Number(values.concurrency ?? 4);
  const name = `scale-${size}${reduced ? `-${shape.services}svc-${shape.months}m` : ''}-http-${store}`;
  const dir = mkdtempSync(join(tmpdir(), 'deming-scale-http-'));
  const configFile = join(dir, 'deming.config.yaml');
  writeFileSync(configFile, stringify({ organisation: organisationOf(shape) }));
  const file = join(dir, 'deming.db');
  let admin: pg.Client | undefined;
  let database: string | undefined;
  let env: Record<string, string> = { DEMING_DB: file };
  if (store === 'postgres') {
    const url = (values.url as string | undefined) ?? process.env.DEMING_DATABASE_URL;
    if (!url)
      throw new Error(
        'scale: --store postgres needs --url postgres://… (or DEMING_DATABASE_URL): a server whose user may create a database',
      );
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    database = `deming_scale_${process.pid}`;
    await admin.query(`CREATE DATABASE ${database}`);
    const target = new URL(url);
    target.pathname = `/${database}`;
    env = { DEMING_DATABASE_URL: target.toString() };
  }
  const load = (after: string) => ({ after, at: new Date().toISOString(), loadAverage1m: round(loadavg()[0], 2) });
  const report: Record<string, unknown> = {
    bench: 'scale',
    store,
    size,
    reduced,
    shape: { ...shape, end: new Date(shape.end).toISOString() },
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version },
    method: `over HTTP: batches of 1,000 events POSTed to a real server process, ${concurrency} in flight, the generator on the same machine`,
    startedAt: new Date().toISOString(),
  };
  const loads = [load('start')];
  report.load = loads;
  const save = () => {
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  };
  log(`${name}: ${serviceCount(shape)} services, ${shape.months} months, store ${store}; ${dir}`);
  try {
    // 1. Ingest and backfill over HTTP, into a server of its own.
    const held: NativeEventInput[] = [];
    const live: { service: string; head: string | null }[] = [];
    const liveEvery = Math.max(1, Math.floor(serviceCount(shape) / 200));
    const onService = (h: ServiceHistory, i: number) => {
      if (i % liveEvery === 0 && live.length < 200) live.push({ service: h.service, head: h.head });
    };
    const server = await spawnServer({ ...env, DEMING_CONFIG: configFile, DEMING_INTEGRITY_CHECK: 'off' });
    const pid = server.child.pid!;
    try {
      const ingest = await post(server.url, batches(shape, { withholdBackfill: true, onService }, held), concurrency, 'ingest');
      log(`ingest: ${fmt(ingest.events)} events in ${ingest.seconds} s: ${fmt(ingest.eventsPerSecond)} events/s`);
      loads.push(load('ingest'));
      const backfill = await post(server.url, chunks(held), concurrency, 'backfill');
      log(`backfill: ${fmt(backfill.events)} events in ${backfill.seconds} s: ${fmt(backfill.eventsPerSecond)} events/s`);
      loads.push(load('backfill'));
      report.ingest = { ...ingest, serverPeakRssMiB: round(rssKiB(pid, 'VmHWM') / 1024) };
      report.backfill = backfill;
      save();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    // 2. Size.
    const events = (report.ingest as { events: number }).events + (report.backfill as { events: number }).events;
    let bytes: number;
    if (admin && database) {
      bytes = Number((await admin.query<{ b: string }>('SELECT pg_database_size($1) AS b', [database])).rows[0].b);
    } else {
      bytes = [file, `${file}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
    }
    report.database = { bytes, mib: round(bytes / 2 ** 20), events, bytesPerEvent: round(bytes / events) };
    log(`database: ${round(bytes / 2 ** 20)} MiB, ${round(bytes / events)} bytes per event`);
    save();

    // 3. Reads, live, memory: a fresh server process (bench/scale-http.ts).
    const place = placeOf(shape, 0);
    report.http = await measureHttp(
      {
        env,
        configFile,
        from: Math.max(startOf(shape), monthsBefore(shape.end, 12)),
        to: shape.end,
        department: place.department!,
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
    loads.push(load('http'));
    save();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    if (admin && database) {
      if (!values.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Ingest over HTTP with several instances (issue 23): the scale benchmark's province
 * (bench/scale-generate.ts, a reduced `dept` by default) posted as batches to real Deming
 * processes on loopback, measured the same way on three set-ups, each on a fresh database:
 * one instance on SQLite, one instance on PostgreSQL, and two instances on one PostgreSQL
 * database (the batches dealt to them in turn). The same clients post the same batches in the
 * same order in every set-up; events per second are the events over the wall-clock time from
 * the first request to the last answer. The goal: two PostgreSQL instances ingest at least as
 * much as one SQLite instance.
 *
 * `npm run bench -- multi-ingest [--url postgres://…] [--services 20] [--months 3] [--batch 500] [--clients 4]`
 * (the URL, or DEMING_DATABASE_URL, names a server whose user may create databases: one is made
 * for each PostgreSQL set-up and dropped after). The JSON report goes to stdout and to
 * bench/results/multi-ingest.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { NativeEventInput } from '../common/events';
import { spawnServer, type ServerProcess } from '../test/helpers/process';
import { SIZES, batches, type ScaleShape } from './scale-generate';
import { machineOf, provinceOptions } from './store';

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const log = (s: string) => console.error(`multi-ingest: ${s}`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface SetUp {
  name: string;
  instances: number;
  env: Record<string, string>;
  drop?: () => Promise<void>;
}

/** Posts every batch, `clients` at a time, dealing them to the instances in turn; the wall time and each batch's. */
async function post(servers: ServerProcess[], all: NativeEventInput[][], clients: number) {
  const ms: number[] = [];
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < all.length) {
        const i = next++;
        const t = performance.now();
        const r = await fetch(`${servers[i % servers.length].url}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(all[i]),
        });
        await r.arrayBuffer();
        if (r.status !== 200) failed++;
        ms.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const sorted = ms.sort((a, b) => a - b);
  return {
    seconds,
    failed,
    batchMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1)!) },
  };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      ...provinceOptions('20', '3'),
      batch: { type: 'string', default: '500' },
      clients: { type: 'string', default: '4' },
    },
  });
  const url = values.url ?? process.env.DEMING_DATABASE_URL;
  if (!url) throw new Error('multi-ingest: --url postgres://… (or DEMING_DATABASE_URL) names the PostgreSQL server to measure');
  const shape: ScaleShape = {
    ...SIZES.dept,
    services: Number(values.services),
    teams: Math.max(1, Math.round(Number(values.services) / 10)),
    months: Number(values.months),
  };
  const clients = Number(values.clients);
  const all = [...batches(shape, { withholdBackfill: false, batchSize: Number(values.batch) })];
  const events = all.reduce((n, b) => n + b.length, 0);
  log(`${shape.services} services, ${shape.months} months: ${events} events in ${all.length} batches, ${clients} clients`);

  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const version = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  const database = async (label: string) => {
    const name = `deming_bench_multi_${label}_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    return { url: target.toString(), drop: () => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined) };
  };
  const dir = mkdtempSync(join(tmpdir(), 'deming-bench-multi-'));
  const results: Record<string, unknown> = {};
  try {
    const pg1 = await database('one');
    const pg2 = await database('two');
    const setUps: SetUp[] = [
      { name: 'sqlite, 1 instance', instances: 1, env: { DEMING_DB: join(dir, 'deming.db') } },
      { name: 'postgres, 1 instance', instances: 1, env: { DEMING_DATABASE_URL: pg1.url }, drop: pg1.drop },
      { name: 'postgres, 2 instances', instances: 2, env: { DEMING_DATABASE_URL: pg2.url }, drop: pg2.drop },
    ];
    for (const s of setUps) {
      const servers: ServerProcess[] = [];
      try {
        // One after another: the first applies the migrations.
        for (let i = 0; i < s.instances; i++) servers.push(await spawnServer(s.env));
        // Measured once every instance has built what it builds after its start.
        for (const p of servers)
          while (((await (await fetch(`${p.url}/api/v1/health`)).json()) as { building: string[] }).building.length > 0)
            await new Promise((r) => setTimeout(r, 200));
        const r = await post(servers, all, clients);
        results[s.name] = {
          instances: s.instances,
          events,
          seconds: round(r.seconds, 2),
          eventsPerSecond: Math.round(events / r.seconds),
          batchMs: r.batchMs,
          failedBatches: r.failed,
        };
        log(`${s.name}: ${JSON.stringify(results[s.name])}`);
      } finally {
        await Promise.all(
          servers.map(async (p) => {
            p.child.kill('SIGTERM');
            await p.exited;
          }),
        );
        await s.drop?.();
      }
    }
  } finally {
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
  const perSecond = (name: string) => (results[name] as { eventsPerSecond: number }).eventsPerSecond;
  const report = {
    benchmark: 'multi-ingest',
    machine: machineOf(version),
    shape: { services: shape.services, months: shape.months, events, batches: all.length, batchSize: Number(values.batch), clients },
    results,
    goal: 'two PostgreSQL instances ingest at least as many events per second as one SQLite instance',
    met: perSecond('postgres, 2 instances') >= perSecond('sqlite, 1 instance'),
  };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'multi-ingest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
  return report;
}

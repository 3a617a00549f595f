/**
 * Two Deming instances on one PostgreSQL database (issue 23): live pushes across instances and
 * reads on each. Both are `server/main.ts` in their own process on loopback, on a fresh database
 * of the server `--url` names (a superuser or a role that may create databases).
 *
 * 1. Seeds `--services` services (default 50) with `--events` events each (default 100), posted to A,
 *    then reads every figure once on each instance.
 * 2. Live: a socket.io client of B is in each service's room (and a client of A in the same rooms,
 *    for comparison); deployments are posted to A in turn, each to a service not told in the last
 *    250 ms (so no push is held back by the coalescing), `--rate` a second (default 10) for
 *    `--seconds` (default 20). Latency: from just before the POST until each client has the
 *    room's `metrics:changed`.
 * 3. Reads on each instance: warm (50 calls each) and after a batch posted to the other instance
 *    (the reader's caches dropped by what it heard).
 *
 * `npm run bench -- multi-live --url postgres://postgres@127.0.0.1:5432/postgres [--seconds 20] [--rate 10] [--services 50] [--events 100] [--out file]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/api';
import { spawnServer, type ServerProcess } from '../test/helpers/process';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const DAY = 86_400_000;

const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 10) / 10;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
};

async function post(url: string, events: unknown[]): Promise<void> {
  const r = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (r.status !== 200) throw new Error(`POST ${url}: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
}

async function timedGet(url: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(url);
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
  await r.arrayBuffer();
  return performance.now() - t;
}

async function client(url: string, rooms: string[]): Promise<Client> {
  const c: Client = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    c.on('connect', () => resolve());
    c.on('connect_error', reject);
  });
  for (const r of rooms) {
    const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) => c.emit('scope:join', r, resolve));
    if (!ack.ok) throw new Error(`joining ${r}: ${ack.error}`);
  }
  return c;
}

export async function run(argv: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      seconds: { type: 'string', default: '20' },
      rate: { type: 'string', default: '10' },
      services: { type: 'string', default: '50' },
      events: { type: 'string', default: '100' },
      out: { type: 'string' },
    },
  });
  const url = values.url ?? process.env.DEMING_DATABASE_URL;
  if (!url) throw new Error('multi-live: --url postgres://… (or DEMING_DATABASE_URL) names the PostgreSQL server to measure on');
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const nServices = Number(values.services);
  const perService = Number(values.events);
  if (!(seconds > 0 && rate > 0 && nServices >= 1 && perService >= 1))
    throw new Error('multi-live: --seconds, --rate, --services and --events must be positive numbers');
  if (rate * 0.25 >= nServices)
    throw new Error(`multi-live: --rate ${rate} would tell a service twice within 250 ms: use more --services than rate / 4`);

  // A fresh database of that server, dropped after.
  const name = `deming_multi_live_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), 'deming-bench-multi-'));
  const services = Array.from({ length: nServices }, (_, i) => `bench/svc-${String(i).padStart(3, '0')}`);
  const teams = Array.from({ length: Math.ceil(nServices / 10) }, (_, t) => ({
    id: `t${t}`,
    name: `Team ${t}`,
    services: services.slice(t * 10, t * 10 + 10),
  }));
  const organisation = [
    { id: 'd0', name: 'Department 0', teams: teams.filter((_, i) => i % 2 === 0) },
    { id: 'd1', name: 'Department 1', teams: teams.filter((_, i) => i % 2 === 1) },
  ].filter((d) => d.teams.length > 0);
  writeFileSync(join(dir, 'deming.config.yaml'), JSON.stringify({ organisation }));
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  try {
    const env = { DEMING_DATABASE_URL: dbUrl.toString(), DEMING_CONFIG: join(dir, 'deming.config.yaml') };
    servers.push(await spawnServer(env));
    servers.push(await spawnServer(env));
    const [a, b] = servers;

    // 1. Seed: a year of changes and deployments per service.
    const now = Date.now();
    let seq = 0;
    const t0 = performance.now();
    for (const s of services) {
      const events: unknown[] = [];
      for (let i = 0; i < perService; i++) {
        const at = now - 360 * DAY + Math.floor((i / perService) * 350 * DAY);
        const sha = (++seq).toString(16).padStart(40, '0');
        events.push({ type: 'change', service: s, sha, committedAt: new Date(at).toISOString() });
        if (i % 2 === 1)
          events.push({
            type: 'deployment',
            id: `seed-${seq}`,
            service: s,
            environment: 'production',
            status: 'success',
            sha,
            finishedAt: new Date(at + 3_600_000).toISOString(),
          });
      }
      await post(a.url, events);
    }
    const seedMs = performance.now() - t0;
    const win = `from=${new Date(now - 365 * DAY).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    const reads = {
      summary: `/api/v1/summary?${win}`,
      department: `/api/v1/metrics?scope=department:d0&${win}`,
      'team series': `/api/v1/metrics/series?scope=team:t0&${win}&bucket=week`,
      service: `/api/v1/metrics?scope=service:${encodeURIComponent(services[0])}&${win}`,
    };
    for (const s of servers) for (const p of Object.values(reads)) await timedGet(`${s.url}${p}`);

    // 2. Live across instances.
    const rooms = services.map((s) => `service:${s}`);
    const onB = await client(b.url, rooms);
    const onA = await client(a.url, rooms);
    clients.push(onA, onB);
    // Per side and scope, the posts still waiting for a push (several when posts to one service overlap: one push answers all).
    const waiting = { a: new Map<string, Set<(t: number) => void>>(), b: new Map<string, Set<(t: number) => void>>() };
    for (const [side, c] of [
      ['a', onA],
      ['b', onB],
    ] as const)
      c.on('metrics:changed', (p) => {
        const t = performance.now();
        for (const scope of p.scopes) {
          const ws = waiting[side].get(scope);
          waiting[side].delete(scope);
          for (const w of ws ?? []) w(t);
        }
      });
    await new Promise((r) => setTimeout(r, 300));
    const latency = { acrossInstances: [] as number[], sameInstance: [] as number[], post: [] as number[], bAfterA: [] as number[] };
    let lost = 0;
    const total = Math.round(seconds * rate);
    const startedAt = performance.now();
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = startedAt + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const s = services[i % services.length];
      const scope = `service:${s}`;
      const t = performance.now();
      // Waited for from before the POST (a push may come before its answer), given up 5 s after the answer.
      const giveUp: (() => void)[] = [];
      const heard = (side: 'a' | 'b') =>
        new Promise<number | null>((resolve) => {
          let timer: NodeJS.Timeout | undefined;
          let done = false;
          const mine = (at: number) => {
            done = true;
            clearTimeout(timer);
            resolve(at - t);
          };
          giveUp.push(() => {
            // Heard already: nothing to give up (and the next post to this service must not lose its waiter).
            if (done) return;
            timer = setTimeout(() => {
              waiting[side].get(scope)?.delete(mine);
              resolve(null);
            }, 5_000);
          });
          if (!waiting[side].has(scope)) waiting[side].set(scope, new Set());
          waiting[side].get(scope)!.add(mine);
        });
      const onBHeard = heard('b');
      const onAHeard = heard('a');
      pushes.push(
        (async () => {
          await post(a.url, [
            {
              type: 'deployment',
              id: `live-${i}`,
              service: s,
              environment: 'production',
              status: 'success',
              finishedAt: new Date().toISOString(),
            },
          ]);
          latency.post.push(performance.now() - t);
          for (const g of giveUp) g();
          const [x, y] = await Promise.all([onBHeard, onAHeard]);
          if (x === null || y === null) lost++;
          if (x !== null) latency.acrossInstances.push(x);
          if (y !== null) latency.sameInstance.push(y);
          if (x !== null && y !== null) latency.bAfterA.push(x - y);
        })(),
      );
    }
    await Promise.all(pushes);

    // 3. Reads on each instance: warm, then after a batch posted to the other instance.
    const readFigures: Record<
      string,
      Record<string, { warm: ReturnType<typeof summary>; afterOtherInstanceWrote: ReturnType<typeof summary> }>
    > = {};
    for (const [label, self, other] of [
      ['A', a, b],
      ['B', b, a],
    ] as const) {
      readFigures[label] = {};
      for (const [what, p] of Object.entries(reads)) {
        const warm: number[] = [];
        for (let i = 0; i < 50; i++) warm.push(await timedGet(`${self.url}${p}`));
        const after: number[] = [];
        for (let i = 0; i < 20; i++) {
          await post(other.url, [
            {
              type: 'deployment',
              id: `read-${label}-${what}-${i}`,
              service: services[0],
              environment: 'production',
              status: 'success',
              finishedAt: new Date().toISOString(),
            },
          ]);
          // Heard by now, as a rule (a notice arrives in a few ms); the read is counted either way.
          await new Promise((r) => setTimeout(r, 30));
          after.push(await timedGet(`${self.url}${p}`));
        }
        readFigures[label][what] = { warm: summary(warm), afterOtherInstanceWrote: summary(after) };
      }
    }
    const pgVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const report = {
      bench: 'multi-live',
      machine: {
        cores: cpus().length,
        loadAverageAtEnd: loadavg().map((x) => Math.round(x * 10) / 10),
        node: process.version,
        postgres: pgVersion,
      },
      seed: { services: nServices, events: nServices * (perService + Math.floor(perService / 2)), ms: Math.round(seedMs) },
      live: {
        posts: total,
        ratePerSecond: rate,
        lost,
        goalP99Ms: 100,
        'POST to A → metrics:changed on a client of B (ms)': summary(latency.acrossInstances),
        'POST to A → metrics:changed on a client of A (ms)': summary(latency.sameInstance),
        'the POST alone (ms)': summary(latency.post),
        "B's push after A's, for the same post (ms; negative: B first)": summary(latency.bAfterA),
      },
      reads: readFigures,
    };
    const text = JSON.stringify(report, null, 2);
    console.log(text);
    if (values.out) writeFileSync(values.out, text + '\n');
    return report;
  } finally {
    for (const c of clients) c.close();
    await Promise.all(
      servers.map(async (s) => {
        s.child.kill('SIGTERM');
        await s.exited;
      }),
    );
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

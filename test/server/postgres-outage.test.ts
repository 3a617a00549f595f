/**
 * PostgreSQL going away under load (issue 22): a real Deming process on a real PostgreSQL server
 * of the test's own, fed batches and read by several clients at once, while the database is shut
 * down and started again (`pg_ctl stop -m fast`) or has every connection cut
 * (`pg_terminate_backend`). Requests in flight answer 503 with `Retry-After` and a JSON error,
 * never a 500; the server keeps running and serves again once the database is back, without a
 * restart; every acknowledged batch is stored, every refused one wholly or not at all, and sending
 * the refused ones again stores each event once. Also: a database down at the server's start is
 * waited for, and served from once it is up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeEventInput } from '../../common/events';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { adminQuery, startPostgres, testDatabase, type PostgresServer } from '../helpers/postgres';
import { change, deployment, sha } from '../helpers/factories';
import { fromDatabase, isDatabaseUnavailable } from '../../db/unavailable';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  service: string;
  events: NativeEventInput[];
  status: number;
  body: { error?: { code: string; message: string } } | null;
  retryAfter: string | null;
}

interface Load {
  sent: Sent[];
  reads: { path: string; status: number; body: unknown; retryAfter: string | null }[];
  stop: () => Promise<void>;
}

/** A batch: a deployment shipping five new commits of a chain on its service (so linking walks parents). */
function batchOf(service: string, n: number): NativeEventInput[] {
  const shas = Array.from({ length: 5 }, (_, i) => sha(`${service}-${n}-${i}`));
  const parent = (i: number) => (i === 0 ? (n === 0 ? [] : [sha(`${service}-${n - 1}-4`)]) : [shas[i - 1]]);
  const at = Date.UTC(2026, 0, 1) + n * 60_000;
  return [
    ...shas.map((s, i) => change({ service, sha: s, parents: parent(i), committedAt: new Date(at - 30_000 + i).toISOString() })),
    deployment({ service, id: `${service}-deploy-${n}`, sha: shas[4], finishedAt: new Date(at).toISOString() }),
  ];
}

async function send(url: string, body: unknown): Promise<{ status: number; body: Sent['body']; retryAfter: string | null }> {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, retryAfter: res.headers.get('retry-after') };
}

/** Four writers (one service each) and a reader, until stopped. */
function load(url: string, prefix: string): Load {
  const sent: Sent[] = [];
  const reads: Load['reads'] = [];
  let running = true;
  const writer = async (w: number) => {
    const service = `${prefix}/svc-${w}`;
    for (let n = 0; running; n++) {
      const events = batchOf(service, n);
      const r = await send(url, events).catch((e: Error) => ({
        status: -1,
        body: { error: { code: 'fetch', message: e.message } },
        retryAfter: null,
      }));
      sent.push({ service, events, ...r });
    }
  };
  const reader = async () => {
    // Once the first service exists (before, its metrics are a 404 by design).
    while (running && !sent.some((s) => s.status === 200)) await sleep(20);
    const paths = ['/api/v1/summary', `/api/v1/metrics?scope=${encodeURIComponent(`service:${prefix}/svc-0`)}`, '/api/v1/health'];
    for (let i = 0; running; i++) {
      const path = paths[i % paths.length];
      const res = await fetch(url + path).catch(() => null);
      if (!res) {
        reads.push({ path, status: -1, body: null, retryAfter: null });
        continue;
      }
      const text = await res.text();
      reads.push({
        path,
        status: res.status,
        body: text.startsWith('{') ? JSON.parse(text) : text,
        retryAfter: res.headers.get('retry-after'),
      });
      await sleep(20);
    }
  };
  const all = Promise.all([0, 1, 2, 3].map(writer).concat(reader()));
  return {
    sent,
    reads,
    stop: async () => {
      running = false;
      await all;
    },
  };
}

/** Waits until `n` batches sent after `from` (an index into `sent`) were acknowledged. */
async function acknowledgedAfter(l: Load, from: number, n: number, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (l.sent.slice(from).filter((s) => s.status === 200).length < n) {
    if (Date.now() > deadline)
      throw new Error(
        `fewer than ${n} batches acknowledged within ${timeoutMs} ms after the outage: ${JSON.stringify(
          l.sent
            .slice(from)
            .slice(-5)
            .map((s) => [s.status, s.body]),
        )}`,
      );
    await sleep(100);
  }
}

/** The events stored, by kind: change shas and deployment ids of the load's services. */
async function stored(dbUrl: string, prefix: string): Promise<{ shas: Set<string>; deployments: Set<string>; raw: number }> {
  const like = `${prefix}/%`;
  const c = await adminQuery(dbUrl, 'SELECT c.sha FROM changes c JOIN services s ON s.id = c.service_id WHERE s.name LIKE $1', [like]);
  const d = await adminQuery(dbUrl, 'SELECT d.ext_id FROM deployments d JOIN services s ON s.id = d.service_id WHERE s.name LIKE $1', [
    like,
  ]);
  const r = await adminQuery(dbUrl, 'SELECT count(*)::int AS n FROM raw_events');
  return {
    shas: new Set(c.rows.map((x: { sha: string }) => x.sha)),
    deployments: new Set(d.rows.map((x: { ext_id: string }) => x.ext_id)),
    raw: r.rows[0].n,
  };
}

const storedCount = (s: Awaited<ReturnType<typeof stored>>, events: NativeEventInput[]) =>
  events.filter((e) => (e.type === 'change' ? s.shas.has(e.sha) : e.type === 'deployment' ? s.deployments.has(e.id) : false)).length;

/** What every outage must leave true: 200 or 503 with a retry hint, all-or-nothing batches, nothing acknowledged lost. */
async function checkAfter(l: Load, server: ServerProcess, dbUrl: string, prefix: string): Promise<void> {
  const statuses = new Set(l.sent.map((s) => s.status));
  expect(
    [...statuses].filter((s) => s !== 200 && s !== 503),
    server.output(),
  ).toEqual([]);
  const refused = l.sent.filter((s) => s.status === 503);
  expect(refused.length).toBeGreaterThan(0); // the outage really met requests in flight
  for (const r of refused) {
    expect(r.body?.error?.code).toBe('database_unavailable');
    expect(r.body?.error?.message).toMatch(/Send it again after 5 seconds/);
    expect(r.retryAfter).toBe('5');
  }
  // Reads: answered, or 503 with the hint; never a 500.
  expect(l.reads.filter((r) => r.status !== 200 && !(r.status === 503 && r.retryAfter === '5'))).toEqual([]);
  expect(server.child.exitCode).toBe(null);
  expect(server.output()).not.toMatch(/unhandled error|Unhandled|uncaught/i);

  const s = await stored(dbUrl, prefix);
  for (const a of l.sent.filter((x) => x.status === 200)) expect(storedCount(s, a.events)).toBe(a.events.length);
  // A refused batch is stored wholly (its commit reached the database before the connection broke) or not at all.
  for (const r of refused) expect([0, r.events.length]).toContain(storedCount(s, r.events));

  // Sending the refused batches again stores each event once.
  for (const r of refused) expect((await send(server.url, r.events)).status).toBe(200);
  const after = await stored(dbUrl, prefix);
  const all = l.sent.flatMap((x) => x.events);
  expect(after.shas.size + after.deployments.size).toBe(all.length);
  expect(after.raw).toBe(s.raw + refused.reduce((n, r) => n + r.events.length - storedCount(s, r.events), 0));
  // And the server computes from it: every deployment linked to its five commits.
  const { rows } = await adminQuery(
    dbUrl,
    `SELECT count(*)::int AS n FROM deployment_changes dc JOIN services s ON s.id = dc.service_id WHERE s.name LIKE $1`,
    [`${prefix}/%`],
  );
  expect(rows[0].n).toBe(after.shas.size);
}

describe('PostgreSQL going away under load', () => {
  let pgServer: PostgresServer;
  beforeAll(async () => {
    pgServer = await startPostgres();
  }, 120_000);
  afterAll(() => pgServer?.stop());

  it('restarted: requests in flight get 503 with Retry-After, the server serves again by itself, nothing acknowledged is lost', async () => {
    const db = await testDatabase(pgServer.adminUrl);
    const server = await spawnServer({ DEMING_DATABASE_URL: db.url });
    try {
      const l = load(server.url, 'restart');
      await acknowledgedAfter(l, 0, 8);
      pgServer.halt();
      const atOutage = l.sent.length;
      await sleep(1500);
      pgServer.start();
      await acknowledgedAfter(l, atOutage, 12).catch((e: Error) => {
        throw new Error(`${e.message}\n${server.output().slice(-3000)}`);
      });
      await l.stop();
      await checkAfter(l, server, db.url, 'restart');
      expect(server.output()).toMatch(/database: unavailable, answered 503/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);

  it('every connection cut (pg_terminate_backend): the same, and the pool connects again', async () => {
    const db = await testDatabase(pgServer.adminUrl);
    const server = await spawnServer({ DEMING_DATABASE_URL: db.url });
    try {
      const l = load(server.url, 'cut');
      await acknowledgedAfter(l, 0, 8);
      let cutAt = l.sent.length;
      // Cut until a cut met a request in flight (on a quick machine a single cut can fall between requests).
      for (let i = 0; i < 20 && !l.sent.slice(cutAt).some((s) => s.status === 503); i++) {
        cutAt = l.sent.length;
        await adminQuery(
          pgServer.adminUrl,
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [db.name],
        );
        await sleep(150);
      }
      await acknowledgedAfter(l, l.sent.length, 8);
      await l.stop();
      await checkAfter(l, server, db.url, 'cut');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);

  it('down at start: the server waits with back-off, saying why, and serves once the database is up', async () => {
    const db = await testDatabase(pgServer.adminUrl);
    pgServer.halt();
    let up = false;
    try {
      let said = '';
      const starting = spawnServer({ DEMING_DATABASE_URL: db.url }, (out) => (said = out));
      let listening = false;
      void starting.then(() => (listening = true)).catch(() => {});
      // It says why it waits, again with a longer wait, and neither listens nor exits meanwhile.
      const deadline = Date.now() + 60_000;
      while (!/trying again in 2 s \(attempt 2\)/.test(said) && Date.now() < deadline) await sleep(100);
      expect(said).toMatch(
        /the database at postgres@127\.0\.0\.1:\d+\/deming_\w+ is unreachable \(ECONNREFUSED\).*trying again in 1 s \(attempt 1\)/,
      );
      expect(said).toMatch(/trying again in 2 s \(attempt 2\)/);
      expect(said).not.toContain(pgServer.password);
      expect(listening).toBe(false);
      pgServer.start();
      up = true;
      const server = await starting;
      try {
        expect((await send(server.url, batchOf('late/svc', 0))).status).toBe(200);
        expect(storedCount(await stored(db.url, 'late'), batchOf('late/svc', 0))).toBe(6);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    } finally {
      if (!up) pgServer.start();
    }
  }, 120_000);
});

describe('what counts as the database being unavailable', () => {
  it("PostgreSQL's connection errors and a refused connection of the store do; another host's refused connection and SQL errors do not", () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(fromDatabase(refused()))).toBe(true);
    expect(isDatabaseUnavailable(refused())).toBe(false); // say, a call to GitHub from a route
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('disk full'), { code: '53100' }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

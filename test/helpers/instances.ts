/**
 * Several real Deming server processes on one real PostgreSQL database, as a department runs them
 * behind a load balancer (issue 23). Each is `server/main.ts` in its own process, on its own
 * loopback port; the database is a fresh one of the run's test server (test/helpers/postgres.ts).
 */
import { spawnServer, type ServerProcess } from './process';
import { adminQuery, testDatabase } from './postgres';
import type { NativeEventInput } from '../../common/events';
import { generateService, SIZES } from '../../bench/scale-generate';

export interface Instances {
  /** The shared database: its URL (as the superuser) and name. */
  db: { url: string; name: string };
  servers: ServerProcess[];
  /** Starts one more instance on the same database (for instance, after one was killed). */
  add(env?: Record<string, string>): Promise<ServerProcess>;
  /** Stops every instance still running (SIGTERM, then SIGKILL after 10 s) and drops the database. */
  stop(): Promise<void>;
}

/** Starts `n` instances on one new database, one after another (the first applies the migrations). */
export async function startInstances(n: number, env: Record<string, string> = {}): Promise<Instances> {
  const db = await testDatabase();
  const servers: ServerProcess[] = [];
  const add = async (more: Record<string, string> = {}) => {
    const s = await spawnServer({ DEMING_DATABASE_URL: db.url, ...env, ...more });
    servers.push(s);
    return s;
  };
  try {
    for (let i = 0; i < n; i++) await add();
  } catch (e) {
    await stopAll(servers);
    await db.drop();
    throw e;
  }
  return {
    db: { url: db.url, name: db.name },
    servers,
    add,
    async stop() {
      await stopAll(servers);
      await db.drop();
    },
  };
}

async function stopAll(servers: ServerProcess[]): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill('SIGTERM');
      const t = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
      await s.exited;
      clearTimeout(t);
    }),
  );
}

/**
 * Every row ingest writes, by natural keys (service names, not ids; no receive times), in a
 * stable order: two databases that store the same events the same way dump equal.
 */
export async function dumpIngested(url: string): Promise<Record<string, unknown[]>> {
  const sql = {
    services: 'SELECT name, team_id FROM services ORDER BY name COLLATE "C"',
    eventKeys: `SELECT k.type, k.source, k.event_id, s.name AS service, k.hash, k.version FROM event_keys k JOIN services s ON s.id = k.service_id
      ORDER BY k.type, k.source, k.event_id COLLATE "C"`,
    rawEvents:
      'SELECT type, source, event_id, count(*)::int AS n FROM raw_events GROUP BY 1, 2, 3 ORDER BY type, source, event_id COLLATE "C"',
    deployments: `SELECT d.source, d.ext_id, s.name AS service, d.environment, d.is_production, d.status, d.sha, d.finished_at
      FROM deployments d JOIN services s ON s.id = d.service_id ORDER BY d.source, d.ext_id COLLATE "C"`,
    shipped: `SELECT d.source, d.ext_id, dc.sha FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id
      ORDER BY d.source, d.ext_id COLLATE "C", dc.sha COLLATE "C"`,
    pullRequests: `SELECT s.name AS service, p.number, p.opened_at, p.merged_at, p.merge_sha FROM pull_requests p JOIN services s ON s.id = p.service_id
      ORDER BY s.name COLLATE "C", p.number`,
    changes: `SELECT s.name AS service, c.sha, c.committed_at, p.number AS pull_request FROM changes c JOIN services s ON s.id = c.service_id
      LEFT JOIN pull_requests p ON p.id = c.pull_request_id ORDER BY s.name COLLATE "C", c.sha COLLATE "C"`,
    parents: `SELECT s.name AS service, c.sha, c.parent_sha FROM change_parents c JOIN services s ON s.id = c.service_id ORDER BY s.name COLLATE "C", c.sha COLLATE "C", c.parent_sha COLLATE "C"`,
    ciRuns: 'SELECT source, ext_id, status, sha FROM ci_runs ORDER BY source, ext_id COLLATE "C"',
    incidents: 'SELECT source, ext_id, opened_at, resolved_at, deployment_ref FROM incidents ORDER BY source, ext_id COLLATE "C"',
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, text] of Object.entries(sql)) out[name] = (await adminQuery(url, text)).rows;
  return out;
}

/** POSTs a batch of events to an instance: its status and answer (a dropped connection throws). */
export async function postEvents(s: ServerProcess, events: unknown[]): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${s.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/**
 * A small province of the scale benchmark's generator (bench/scale-generate.ts): `services`
 * services over `months` months, commits with parents, pull requests, deployments, CI runs and
 * incidents; each event's last version only (so the stored result does not depend on the order
 * versions arrive in), shuffled (a fixed seed) and cut into batches of `size`.
 */
export function provinceBatches(services: number, months: number, size: number): NativeEventInput[][] {
  const shape = { ...SIZES.dept, services, teams: 1, months };
  const last = new Map<string, NativeEventInput>();
  for (let i = 0; i < services; i++)
    for (const e of generateService(shape, i).events) {
      const id = e.type === 'change' ? `${e.service} ${e.sha}` : `${e.source ?? ''} ${e.id}`;
      last.set(`${e.type} ${id}`, e);
    }
  const events = [...last.values()];
  let seed = 23;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  const out: NativeEventInput[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}

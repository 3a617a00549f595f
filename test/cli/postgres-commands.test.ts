/**
 * Deming on PostgreSQL as an operator runs it, in child processes against the tests' real server:
 * `npx deming migrate` (an owner role) and a server with a role that only reads and writes rows,
 * events in and figures out over HTTP, `npx deming backup` pointing at pg_dump, and the start's
 * messages for a wrong password, a missing database and a server that is down (waited for, not a
 * crash loop).
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer } from '../helpers/process';
import { adminQuery, freePort, testDatabase, withDatabase } from '../helpers/postgres';
import { get, post } from '../helpers/server';
import { change, deployment, sha } from '../helpers/factories';

const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops) await d();
});

async function database() {
  const db = await testDatabase();
  drops.push(db.drop);
  return db;
}

describe('npx deming migrate', () => {
  it('brings an empty database up to date, then says it is up to date', async () => {
    const db = await database();
    const first = await runCli(['migrate'], { DEMING_DATABASE_URL: db.url });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied 001_\w+/);
    expect(first.stdout).toMatch(/Migrated postgres@127\.0\.0\.1:\d+\/deming_\w+ to schema version \d+ \(\d+ applied\)\./);
    const again = await runCli(['migrate'], { DEMING_DATABASE_URL: db.url });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/is up to date \(schema version \d+\)\./);
    const { rows } = await adminQuery(db.url, 'SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it('says the SQLite file needs no migrate command, and refuses a URL that is not PostgreSQL', async () => {
    const sqlite = await runCli(['migrate'], { DEMING_DB: '/tmp/nowhere.db' });
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toMatch(
      /the database is the SQLite file \/tmp\/nowhere\.db, which the server migrates itself at start: migrate is for PostgreSQL/,
    );
    // An empty DEMING_DATABASE_URL is refused too, not taken silently for SQLite.
    expect((await runCli(['migrate'], { DEMING_DATABASE_URL: '' })).stderr).toMatch(
      /DEMING_DATABASE_URL: expected a postgres:\/\/ .* got no URL/,
    );
    const r = await runCli(['migrate'], { DEMING_DATABASE_URL: 'mysql://root:hunter2@db/deming' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DEMING_DATABASE_URL: expected a postgres:// or postgresql:// URL');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('with a wrong password or a missing database, says which, and exits 2', async () => {
    const db = await database();
    const wrong = new URL(db.url);
    wrong.password = 'nope';
    const r = await runCli(['migrate'], { DEMING_DATABASE_URL: wrong.toString() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^deming migrate: wrong password for role "postgres"/);
    const missing = await runCli(['migrate'], { DEMING_DATABASE_URL: withDatabase(db.url, 'nothing_here') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/database "nothing_here" does not exist .*CREATE DATABASE nothing_here/);
  });
});

describe('npx deming backup on PostgreSQL', () => {
  it('says backups are the platform’s (pg_dump) and exits non-zero', async () => {
    const db = await database();
    const r = await runCli(['backup', '/tmp/deming-backup-here.db'], { DEMING_DATABASE_URL: db.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Deming's database is PostgreSQL (DEMING_DATABASE_URL)");
    expect(r.stderr).toContain('pg_dump');
    expect(r.stderr).not.toContain(new URL(db.url).password);
  });
});

describe('the server on PostgreSQL', () => {
  it('runs with a role that only reads and writes rows once the owner migrated: events in, figures out', async () => {
    const db = await database();
    expect((await runCli(['migrate'], { DEMING_DATABASE_URL: db.url })).code).toBe(0);
    const role = `app_${db.name.slice(-6)}`;
    await adminQuery(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'app-pw'`);
    await adminQuery(db.url, `REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ${role}`);
    await adminQuery(db.url, `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await adminQuery(db.url, `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    drops.push(async () => {
      await adminQuery(withDatabase(db.url, 'postgres'), `DROP ROLE IF EXISTS ${role}`);
    });
    const server = await spawnServer({ DEMING_DATABASE_URL: withDatabase(db.url, db.name, { user: role, password: 'app-pw' }) });
    try {
      expect(server.output()).toMatch(/Deming is serving PostgreSQL app_\w+@127\.0\.0\.1:\d+\/deming_\w+ at http/);
      expect(server.output()).not.toContain('app-pw');
      const events = [
        change({ service: 'pg/app', sha: sha('pg1'), committedAt: '2026-03-01T00:00:00Z' }),
        deployment({ id: 'pg-d1', service: 'pg/app', sha: sha('pg1'), finishedAt: '2026-03-02T00:00:00Z' }),
      ];
      const r = await post(`${server.url}/api/v1/events`, events);
      expect(r).toEqual({ status: 200, body: { accepted: 2, updated: 0, unchanged: 0 } });
      const health = await get(`${server.url}/api/v1/health`);
      expect(health.status).toBe(200);
      const { rows } = await adminQuery(db.url, 'SELECT count(*)::int AS n FROM deployments');
      expect(rows[0].n).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a wrong password stops the start at once with the reason (no retry), exit 2', async () => {
    const db = await database();
    const wrong = new URL(db.url);
    wrong.password = 'nope';
    await expect(spawnServer({ DEMING_DATABASE_URL: wrong.toString() })).rejects.toThrow(
      /exited with 2 before listening:[\s\S]*Deming cannot start: wrong password for role "postgres"/,
    );
  });

  it('an unreachable database at start is waited for, saying so again and again, without exiting', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', DEMING_DEMO: 'off', DEMING_DATABASE_URL: `postgres://deming:pw@127.0.0.1:${port}/deming` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while ((out.match(/trying again/g) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(
        /the database at deming@127\.0\.0\.1:\d+\/deming is unreachable \(ECONNREFUSED\).*trying again in 1 s \(attempt 1\)/,
      );
      expect(out).toMatch(/trying again in 2 s \(attempt 2\)/);
      expect(out).toMatch(/trying again in 4 s \(attempt 3\)/);
      expect(child.exitCode).toBe(null);
      expect(out).not.toContain(':pw@');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

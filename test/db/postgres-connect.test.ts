/**
 * Connecting to PostgreSQL and migrating it (db/postgres/connect.ts, db/postgres/migrate.ts),
 * against the tests' real server: the messages an operator sees for a wrong password, a missing
 * database, a server too old, a certificate that does not match and a server that is down (waited
 * for at start), and migrations applied once whether run twice, by two processes at once or by a
 * role that may only read and write rows.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { checkServerVersion, connectPostgres, poolConfig, PostgresConnectError } from '../../db/postgres/connect';
import { migrate, MigrationError, pendingMigrations } from '../../db/postgres/migrate';
import { adminQuery, freePort, startPostgres, testDatabase, withDatabase, type PostgresServer } from '../helpers/postgres';

const tmp = mkdtempSync(join(tmpdir(), 'deming-pgconnect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A migrations folder of the given files. */
function migrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, 'migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

async function failure(p: Promise<unknown>): Promise<PostgresConnectError> {
  try {
    await p;
  } catch (e) {
    return e as PostgresConnectError;
  }
  throw new Error('expected a failure');
}

async function tables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  return rows.map((r) => r.t);
}

describe('connecting', () => {
  it('a wrong password says so, naming the role and not the password', async () => {
    const db = await testDatabase();
    const url = new URL(db.url);
    url.password = 'hunter2-wrong';
    const err = await failure(connectPostgres({ url: url.toString() }));
    expect(err).toBeInstanceOf(PostgresConnectError);
    expect(err.kind).toBe('wrong-password');
    expect(err.message).toMatch(/wrong password for role "postgres" at postgres@127\.0\.0\.1:\d+\/deming_/);
    expect(err.message).not.toContain('hunter2');
    await db.drop();
  });

  it('a missing database says how to create it', async () => {
    const db = await testDatabase();
    const err = await failure(connectPostgres({ url: withDatabase(db.url, 'no_such_db') }));
    expect(err.kind).toBe('missing-database');
    expect(err.message).toContain('database "no_such_db" does not exist');
    expect(err.message).toContain('CREATE DATABASE no_such_db');
    await db.drop();
  });

  it('a server older than PostgreSQL 14 is refused with the version it runs and the one needed', () => {
    expect(() => checkServerVersion('130011', '13.11')).toThrow(
      /PostgreSQL 13\.11 at the database is too old: Deming needs PostgreSQL 14 or later/,
    );
    expect(() => checkServerVersion('90624', '9.6.24')).toThrow(PostgresConnectError);
    expect(() => checkServerVersion('140000', '14.0')).not.toThrow();
    expect(() => checkServerVersion('170002', '17.2')).not.toThrow();
  });

  it('the test server passes the version check, and the pool has the configured size', async () => {
    const db = await testDatabase();
    const pool = await connectPostgres({ url: db.url, poolSize: 3 });
    expect(pool.options.max).toBe(3);
    const { rows } = await pool.query('SELECT 1 AS one');
    expect(rows[0].one).toBe(1);
    await pool.end();
    await db.drop();
  });

  it('refuses a URL that is not postgres://, an unknown sslmode, an absurd pool size and an unreadable CA file', () => {
    expect(() => poolConfig({ url: 'mysql://x@y/z' })).toThrow(/must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => poolConfig({ url: 'postgres://x@y/z?sslmode=prefer' })).toThrow(
      /sslmode=prefer is not supported: use one of disable, require, verify-ca, verify-full/,
    );
    expect(() => poolConfig({ url: 'postgres://x@y/z', poolSize: 0 })).toThrow(/database.poolSize must be a whole number from 1 to 1000/);
    expect(() => poolConfig({ url: 'postgres://x@y/z', poolSize: 1e9 })).toThrow(/poolSize/);
    expect(() => poolConfig({ url: 'postgres://x@y/z?sslmode=verify-full', caFile: join(tmp, 'none.pem') })).toThrow(
      /database.caFile .*none\.pem cannot be read \(ENOENT\)/,
    );
    expect(poolConfig({ url: 'postgresql://x@y/z' }).ssl).toBe(false);
  });

  it('an unreachable server fails at once without retry, and with retry is waited for, saying so each time, until it answers', async () => {
    const db = await testDatabase();
    const target = new URL(db.url);
    // A port nothing listens on yet; later a forwarder to the real server opens on it.
    const port = await freePort();
    const url = new URL(db.url);
    url.port = String(port);
    const direct = await failure(connectPostgres({ url: url.toString() }));
    expect(direct.kind).toBe('unreachable');
    expect(direct.message).toMatch(/the database at postgres@127\.0\.0\.1:\d+\/deming_\S+ is unreachable \(ECONNREFUSED\)/);

    const said: string[] = [];
    let forwarder: Server | null = null;
    const sockets: Socket[] = [];
    const pool = await connectPostgres(
      { url: url.toString() },
      {
        delays: [50, 100],
        log: (m) => {
          said.push(m);
          if (said.length === 3) {
            forwarder = createServer((s) => {
              const up = tcpConnect(Number(target.port), '127.0.0.1');
              sockets.push(s, up);
              s.pipe(up).pipe(s);
              s.on('error', () => up.destroy());
              up.on('error', () => s.destroy());
            }).listen(port, '127.0.0.1');
          }
        },
      },
    );
    expect(said.length).toBeGreaterThanOrEqual(3);
    expect(said[0]).toMatch(/is unreachable \(ECONNREFUSED\).*; trying again in 0 s \(attempt 1\)/);
    expect(said[2]).toContain('(attempt 3)');
    const { rows } = await pool.query('SELECT 2 AS two');
    expect(rows[0].two).toBe(2);
    await pool.end();
    for (const s of sockets) s.destroy();
    await new Promise((r) => forwarder!.close(r));
    await db.drop();
  });

  it('a wrong password is not retried even with retry (it needs a person)', async () => {
    const db = await testDatabase();
    const url = new URL(db.url);
    url.password = 'wrong';
    const said: string[] = [];
    const err = await failure(connectPostgres({ url: url.toString() }, { delays: [10], log: (m) => said.push(m) }));
    expect(err.kind).toBe('wrong-password');
    expect(said).toEqual([]);
    await db.drop();
  });
});

describe('TLS with sslmode=verify-full', () => {
  let server: PostgresServer;
  let cert: string;
  let otherCa: string;

  beforeAll(async () => {
    // The server's certificate names db.example.gov, not 127.0.0.1 where the tests reach it.
    const key = join(tmp, 'server.key');
    cert = join(tmp, 'server.crt');
    const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=db.example.gov',
      '-addext',
      'subjectAltName=DNS:db.example.gov',
    ]);
    otherCa = join(tmp, 'other.crt');
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(tmp, 'other.key'),
      '-out',
      otherCa,
      '-days',
      '2',
      '-subj',
      '/CN=Other CA',
    ]);
    server = await startPostgres({ ssl: { certFile: cert, keyFile: key } });
  }, 60_000);
  afterAll(() => server?.stop());

  it('refuses a server whose certificate does not name the host, though it chains to the CA file', async () => {
    const err = await failure(connectPostgres({ url: `${server.adminUrl}?sslmode=verify-full`, caFile: cert }));
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/TLS to postgres@127\.0\.0\.1:\d+\/postgres failed: .*(IP|Hostname).*127\.0\.0\.1/);
    expect(err.message).toContain('database.caFile');
    // A CA file alone means verify-full.
    expect((await failure(connectPostgres({ url: server.adminUrl, caFile: cert }))).kind).toBe('tls');
  });

  it('refuses a certificate that does not chain to the CA file', async () => {
    const err = await failure(connectPostgres({ url: `${server.adminUrl}?sslmode=verify-ca`, caFile: otherCa }));
    expect(err.kind).toBe('tls');
  });

  it('connects encrypted when the chain is checked without the host (verify-ca), and with require', async () => {
    for (const url of [`${server.adminUrl}?sslmode=verify-ca`, `${server.adminUrl}?sslmode=require`]) {
      const pool = await connectPostgres({ url, caFile: cert });
      const { rows } = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows[0].ssl).toBe(true);
      await pool.end();
    }
  });
});

describe('migrations', () => {
  const schema = {
    '001_first.sql': 'CREATE TABLE first (id bigint PRIMARY KEY);',
    '002_second.sql': "CREATE TABLE second (id bigint PRIMARY KEY, note text NOT NULL DEFAULT ''); SELECT pg_sleep(0.2);",
  };

  it('applies each migration once, in order, and nothing when run again', async () => {
    const db = await testDatabase();
    const pool = await connectPostgres({ url: db.url });
    const dir = migrations(schema);
    const said: string[] = [];
    expect(await migrate(pool, { dir, log: (m) => said.push(m) })).toEqual({ applied: ['001_first', '002_second'], version: 2 });
    expect(said).toEqual(['applied 001_first', 'applied 002_second']);
    expect(await migrate(pool, { dir })).toEqual({ applied: [], version: 2 });
    expect(await tables(pool)).toEqual(['first', 'schema_migrations', 'second']);
    const { rows } = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows).toEqual([
      { version: 1, name: '001_first' },
      { version: 2, name: '002_second' },
    ]);
    expect(await pendingMigrations(pool, dir)).toEqual([]);
    await pool.end();
    await db.drop();
  });

  it('two processes migrating at once apply each migration once (the advisory lock)', async () => {
    const db = await testDatabase();
    const a = await connectPostgres({ url: db.url });
    const b = await connectPostgres({ url: db.url });
    const dir = migrations(schema);
    const [ra, rb] = await Promise.all([migrate(a, { dir }), migrate(b, { dir })]);
    // CREATE TABLE without IF NOT EXISTS: a second application would have failed.
    expect([...ra.applied, ...rb.applied].sort()).toEqual(['001_first', '002_second']);
    expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, 2]);
    const { rows } = await a.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(2);
    await a.end();
    await b.end();
    await db.drop();
  });

  it('a failing migration is undone whole and named, and the ones before it stay', async () => {
    const db = await testDatabase();
    const pool = await connectPostgres({ url: db.url });
    const dir = migrations({ ...schema, '002_second.sql': 'CREATE TABLE second (id bigint); INSERT INTO nowhere VALUES (1);' });
    await expect(migrate(pool, { dir })).rejects.toThrow(/migration 002_second failed: relation "nowhere" does not exist/);
    expect(await tables(pool)).toEqual(['first', 'schema_migrations']);
    expect((await pendingMigrations(pool, dir)).map((m) => m.name)).toEqual(['002_second']);
    await pool.end();
    await db.drop();
  });

  it('refuses a database migrated by a newer Deming, and misnamed or doubly numbered files', async () => {
    const db = await testDatabase();
    const pool = await connectPostgres({ url: db.url });
    await migrate(pool, { dir: migrations(schema) });
    await expect(migrate(pool, { dir: migrations({ '001_first.sql': schema['001_first.sql'] }) })).rejects.toThrow(
      /schema is at version 2, newer than this Deming knows \(1\)/,
    );
    await expect(migrate(pool, { dir: migrations({ 'first.sql': '' }) })).rejects.toThrow(/a migration is named NNN_name\.sql/);
    await expect(migrate(pool, { dir: migrations({ '001_a.sql': '', '001_b.sql': '' }) })).rejects.toThrow(
      /two migrations are numbered 1: 001_a and 001_b/,
    );
    await pool.end();
    await db.drop();
  });

  it('a role that only reads and writes rows runs on a migrated schema without DDL, and is told to run npx deming migrate otherwise', async () => {
    const db = await testDatabase();
    const owner = await connectPostgres({ url: db.url });
    const dir = migrations(schema);
    const role = `rows_${db.name.slice(-6)}`;
    await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD 'rows-only-pw'`);
    await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ${role}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
    const rowsOnly = await connectPostgres({ url: withDatabase(db.url, db.name, { user: role, password: 'rows-only-pw' }) });

    // Before the owner migrates, the row-only role cannot, and says what to do.
    await expect(migrate(rowsOnly, { dir })).rejects.toThrow(
      /not up to date .* this role may not change it .*run npx deming migrate with a role that owns the schema/,
    );
    expect(await migrate(owner, { dir })).toMatchObject({ applied: ['001_first', '002_second'] });
    expect(await migrate(rowsOnly, { dir })).toEqual({ applied: [], version: 2 });
    await rowsOnly.query('INSERT INTO first VALUES (1)');
    // A release with a new migration: the row-only server refuses until the owner migrates.
    const next = migrations({ ...schema, '003_third.sql': 'CREATE TABLE third (id int);' });
    await expect(migrate(rowsOnly, { dir: next })).rejects.toThrow(MigrationError);
    await expect(migrate(rowsOnly, { dir: next })).rejects.toThrow(/\(003_third\).*run npx deming migrate/);
    await owner.query('SELECT 1');
    await rowsOnly.end();
    await owner.end();
    await db.drop();
    await adminQuery(db.url.replace(/\/[^/]+$/, '/postgres'), `DROP ROLE ${role}`);
  });
});

/** The tests' PostgreSQL server (test/helpers/postgres.ts): real, on loopback, a database of its own per test, removed after. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { adminQuery, startPostgres, testDatabase, testPostgresUrl } from '../helpers/postgres';

describe('the PostgreSQL test server', () => {
  it('is a real server of version 14 or later on 127.0.0.1, requiring the password', async () => {
    const url = testPostgresUrl();
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const { rows } = await adminQuery(url, 'SHOW server_version_num');
    expect(Number(rows[0].server_version_num)).toBeGreaterThanOrEqual(140000);
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const client = new pg.Client({ connectionString: wrong.toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('gives each test an empty database of its own, dropped after', async () => {
    const a = await testDatabase();
    const b = await testDatabase();
    expect(a.name).not.toBe(b.name);
    await adminQuery(a.url, 'CREATE TABLE t (x int)');
    await adminQuery(a.url, 'INSERT INTO t VALUES (1)');
    const inB = await adminQuery(b.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'");
    expect(inB.rows[0].n).toBe(0);
    await a.drop();
    await b.drop();
    const left = await adminQuery(testPostgresUrl(), 'SELECT count(*)::int AS n FROM pg_database WHERE datname = ANY($1)', [
      [a.name, b.name],
    ]);
    expect(left.rows[0].n).toBe(0);
  });

  it('a server of its own starts and stops, leaving nothing behind', async () => {
    const server = await startPostgres();
    const { rows } = await adminQuery(server.adminUrl, 'SELECT 1 AS one');
    expect(rows[0].one).toBe(1);
    server.stop();
    expect(existsSync(server.dir)).toBe(false);
    const client = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 2000 });
    await expect(client.connect()).rejects.toThrow();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { openDatabase, type Db } from '../../db/connection';
import { testDatabase } from './postgres';
import { sqliteOnly, testStore } from './store-choice';
import { rowReader, type RowReader } from './either-store';

/**
 * A real server on a loopback port with its own database file; demo off unless asked. `db` is a
 * second connection to the server's file, for what a test sets up or checks in SQL beside the API.
 * In the postgres project (test/helpers/store-choice.ts) the server runs on a PostgreSQL database
 * of its own instead, and `db` fails when used (a suite that reads SQLite directly is SQLite-only);
 * `rows` reads either store (test/helpers/either-store.ts), `count` how many rows a table holds.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  now?: () => number,
  log: (msg: string) => void = () => {},
): Promise<RunningServer & { db: Db; rows: RowReader; count: (table: string) => Promise<number>; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'deming-server-'));
  // A database of its own, unless the test names one (test/helpers/either-store.ts: a server started again on it).
  const pg = testStore() === 'postgres' && !env.DEMING_DATABASE_URL ? await testDatabase() : null;
  const database = pg ? { DEMING_DATABASE_URL: pg.url, DEMING_DATABASE_POOL_SIZE: '4' } : {};
  const config = loadConfig({ DEMING_DB: join(dir, 'deming.db'), PORT: '0', DEMING_DEMO: 'off', ...database, ...env });
  const server = await startServer(config, { log, now });
  const db = config.postgres ? sqliteOnly<Db>('startTestServer().db') : openDatabase(config.dbFile, { check: 'off' });
  const rows = rowReader(config.dbFile, config.postgres?.url ?? null);
  return {
    ...server,
    db,
    rows,
    count: rows.count,
    stop: async () => {
      if (!config.postgres) db.close();
      await rows.close();
      await server.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* CSV or HTML */
  }
  return { status: res.status, body, headers: res.headers, text };
}

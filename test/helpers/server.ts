import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { openDatabase, type Db } from '../../db/connection';

/**
 * A real server on a loopback port with its own database file; demo off unless asked. `db` is a
 * second connection to the server's file, for what a test sets up or checks in SQL beside the API.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  now?: () => number,
  log: (msg: string) => void = () => {},
): Promise<RunningServer & { db: Db; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'deming-server-'));
  const config = loadConfig({ DEMING_DB: join(dir, 'deming.db'), PORT: '0', DEMING_DEMO: 'off', ...env });
  const server = await startServer(config, { log, now });
  const db = openDatabase(config.dbFile, { check: 'off' });
  return {
    ...server,
    db,
    stop: async () => {
      db.close();
      await server.close();
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

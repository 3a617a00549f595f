/**
 * A live connection does not outlive its session: signed out (or revoked), the connection
 * opened with that session's cookie is closed at the next check, while one whose session still
 * holds, and one opened with a token, keep their live updates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';

const VIEWER = 'viewer-token-0123456789';
let dir: string;
let s: RunningServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-live-recheck-'));
  s = await startServer(loadConfig({ DEMING_DB: join(dir, 'db.sqlite'), PORT: '0', DEMING_DEMO: 'off', DEMING_VIEWER_TOKEN: VIEWER }), {
    log: () => {},
    liveRecheckMs: 200,
  });
});
afterAll(async () => {
  for (const c of sockets) c.close();
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(): Promise<string> {
  const res = await fetch(`${s.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: VIEWER }),
  });
  expect(res.status).toBe(200);
  return /deming_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

/** A connection in room org, and what ended it (null while it lives). */
async function live(opts: { cookie?: string; token?: string }): Promise<{ socket: Socket; ended: () => string | null }> {
  let ended: string | null = null;
  const socket = connect(s.url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
    auth: opts.token ? { token: opts.token } : {},
  });
  sockets.push(socket);
  socket.on('disconnect', (reason) => {
    ended = reason;
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', () =>
      socket.emit('scope:join', 'org', (ack: { ok: boolean }) => (ack.ok ? resolve() : reject(new Error('join refused')))),
    );
    socket.on('connect_error', reject);
  });
  return { socket, ended: () => ended };
}

it('closes a connection whose session was signed out, and keeps the others', async () => {
  const leaving = await signIn();
  const staying = await signIn();
  const a = await live({ cookie: leaving });
  const b = await live({ cookie: staying });
  const c = await live({ token: VIEWER });

  const out = await fetch(`${s.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: leaving } });
  expect(out.status).toBe(204);
  await expect.poll(a.ended, { timeout: 5_000, interval: 50 }).toBe('io server disconnect');
  // Two more checks later, the others are still live.
  await new Promise((r) => setTimeout(r, 500));
  expect([b.ended(), c.ended()]).toEqual([null, null]);
  expect([b.socket.connected, c.socket.connected]).toEqual([true, true]);
});

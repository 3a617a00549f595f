import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/api';
import { get, post, startTestServer } from '../helpers/server';
import { deployment } from '../helpers/factories';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
let s: Awaited<ReturnType<typeof startTestServer>>;
const clients: Client[] = [];

async function join(scope: string): Promise<Client> {
  const c: Client = connect(s.url, { transports: ['websocket'], forceNew: true });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.on('connect', () => resolve());
    c.on('connect_error', reject);
  });
  const ack = await new Promise<{ ok: boolean }>((resolve) => c.emit('scope:join', scope, resolve));
  expect(ack.ok).toBe(true);
  return c;
}

beforeAll(async () => {
  s = await startTestServer();
  await post(`${s.url}/api/v1/events`, [
    deployment({ id: 'seed-a', service: 'live/a', finishedAt: new Date(Date.now() - 3_600_000).toISOString() }),
    deployment({ id: 'seed-b', service: 'live/b' }),
  ]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s.stop();
});

describe('live pushes over socket.io', () => {
  it('tells the rooms of a scope after the batch is readable, never before', async () => {
    const c = await join('service:live/a');
    const seen: string[] = [];
    const changed = new Promise<{ scopes: string[]; countAtReceipt: number }>((resolve) => {
      c.on('events:ingested', (p) => {
        seen.push(`ingested ${p.counts.map((x) => `${x.type}:${x.service}:${x.n}`).join(',')}`);
      });
      c.on('metrics:changed', (p) => {
        // Read the database at the moment of receipt: the event must already be there.
        const row = s.db.prepare("SELECT count(*) AS n FROM deployments WHERE ext_id = 'live-1'").get() as { n: number };
        resolve({ scopes: p.scopes, countAtReceipt: row.n });
      });
    });
    const r = await post(`${s.url}/api/v1/events`, deployment({ id: 'live-1', service: 'live/a', finishedAt: new Date().toISOString() }));
    expect(r.status).toBe(200);
    const got = await changed;
    expect(got.countAtReceipt).toBe(1);
    expect(got.scopes).toEqual(expect.arrayContaining(['service:live/a', 'team:unassigned', 'department:unassigned', 'org']));
    expect(seen).toEqual(['ingested deployment:live/a:1']);
    const m = await get(`${s.url}/api/v1/metrics?scope=service:live/a`);
    expect(m.body.deploymentFrequency.count).toBe(2);
  });

  it('tells only the rooms whose figures moved', async () => {
    const a = await join('service:live/a');
    const b = await join('service:live/b');
    const forB: unknown[] = [];
    b.on('events:ingested', (p) => forB.push(p));
    const forA = new Promise((resolve) => a.on('events:ingested', resolve));
    await post(`${s.url}/api/v1/events`, deployment({ id: 'live-2', service: 'live/a' }));
    await forA;
    await new Promise((r) => setTimeout(r, 100));
    expect(forB).toEqual([]);
  });

  it('coalesces a burst into at most one metrics:changed per room per 250 ms', async () => {
    const c = await join('org');
    await new Promise((r) => setTimeout(r, 300));
    const times: number[] = [];
    c.on('metrics:changed', () => times.push(Date.now()));
    const start = Date.now();
    for (let i = 0; i < 10; i++) await post(`${s.url}/api/v1/events`, deployment({ id: `burst-${i}`, service: 'live/b' }));
    const postedIn = Date.now() - start;
    await new Promise((r) => setTimeout(r, 600));
    expect(times.length).toBeGreaterThanOrEqual(1);
    expect(times.length).toBeLessThanOrEqual(Math.ceil((postedIn + 600) / 250) + 1);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(240);
  });

  it('refuses to join a malformed scope', async () => {
    const c: Client = connect(s.url, { transports: ['websocket'], forceNew: true });
    clients.push(c);
    const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) => c.emit('scope:join', 'nonsense', resolve));
    expect(ack).toMatchObject({ ok: false, error: expect.stringContaining('scope: expected') });
  });
});

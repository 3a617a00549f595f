/**
 * Every route and socket event against every role: each role gets exactly what it should,
 * 401 without or with a wrong credential, 403 with a credential of another role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startTestServer } from '../helpers/server';
import { conformance } from '../collectors/cdevents/spec';
import { deployment } from '../helpers/factories';
import type { Role } from '../../server/roles';

const TOKENS: Record<Role, string> = {
  viewer: 'viewer-token-0123456789',
  editor: 'editor-token-0123456789',
  ingest: 'ingest-token-0123456789',
  admin: 'admin-token-0123456789',
};
type Who = Role | 'none' | 'wrong';
const everyone: Who[] = ['none', 'wrong', 'viewer', 'editor', 'ingest', 'admin'];
/** Which callers hold the role a route needs. */
const holders: Record<Role, Who[]> = {
  viewer: ['viewer', 'editor', 'admin'],
  editor: ['editor', 'admin'],
  ingest: ['ingest', 'admin'],
  admin: ['admin'],
};

let s: Awaited<ReturnType<typeof startTestServer>>;
let loopCounter = 0;

beforeAll(async () => {
  s = await startTestServer({
    DEMING_VIEWER_TOKEN: TOKENS.viewer,
    DEMING_EDITOR_TOKEN: TOKENS.editor,
    DEMING_INGEST_TOKEN: TOKENS.ingest,
    DEMING_ADMIN_TOKEN: TOKENS.admin,
  });
  await call('POST', '/api/v1/events', 'admin', [deployment({ service: 'roles/app' })]);
});
afterAll(async () => {
  await s.stop();
});

function headersOf(who: Who, type?: string): Record<string, string> {
  const h: Record<string, string> = type ? { 'content-type': type } : {};
  if (who === 'wrong') h.authorization = 'Bearer wrong-token-0123456789';
  else if (who !== 'none') h.authorization = `Bearer ${TOKENS[who]}`;
  return h;
}
async function call(method: string, path: string, who: Who, body?: unknown, type = 'application/json') {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: headersOf(who, body === undefined ? undefined : type),
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}
/** A loop to act on, made by the admin, so PATCH and DELETE have something to change. */
async function newLoop(): Promise<string> {
  const n = ++loopCounter;
  const from = new Date(Date.UTC(2020, 0, 1 + n * 20)).toISOString().slice(0, 10);
  const to = new Date(Date.UTC(2020, 0, 10 + n * 20)).toISOString().slice(0, 10);
  const res = await fetch(`${s.url}/api/v1/loops`, {
    method: 'POST',
    headers: headersOf('admin', 'application/json'),
    body: JSON.stringify({ scope: 'org', name: `loop ${n}`, from, to }),
  });
  return (await res.json()).id;
}

/** A conformance example of the CDEvents spec (an unmapped type: acknowledged and ignored). */
const cdevent = conformance('v0.4.1', 'artifact_packaged');
const junit =
  '<testsuite name="unit" tests="1" failures="0" time="1.5" timestamp="2026-03-01T10:00:00Z"><testcase name="a" time="1.5"/></testsuite>';
const routes: { method: string; path: string | (() => Promise<string>); role: Role; body?: () => unknown; type?: string }[] = [
  ...[
    '/api/v1/org',
    '/api/v1/metrics',
    '/api/v1/metrics/series',
    '/api/v1/changes',
    '/api/v1/deployments',
    '/api/v1/incidents',
    '/api/v1/ci-runs',
    '/api/v1/summary',
    '/api/v1/children',
    '/api/v1/loops',
    '/api/v1/loops/audit',
    '/metrics',
  ].map((path) => ({ method: 'GET', path, role: 'viewer' as const })),
  { method: 'POST', path: '/api/v1/events', role: 'ingest', body: () => [deployment({ service: 'roles/app' })] },
  {
    method: 'POST',
    path: '/api/v1/test-reports?service=roles/app&name=unit&sha=abcdef1234',
    role: 'ingest',
    body: () => junit,
    type: 'application/xml',
  },
  { method: 'POST', path: '/api/v1/cdevents', role: 'ingest', body: () => cdevent },
  {
    method: 'POST',
    path: '/api/v1/loops',
    role: 'editor',
    body: () => {
      const n = ++loopCounter;
      return {
        scope: 'org',
        name: `x${n}`,
        from: new Date(Date.UTC(2021, 0, 1 + n * 20)).toISOString().slice(0, 10),
        to: new Date(Date.UTC(2021, 0, 10 + n * 20)).toISOString().slice(0, 10),
      };
    },
  },
  {
    method: 'PATCH',
    path: async () => `/api/v1/loops/${await newLoop()}`,
    role: 'editor',
    body: () => ({ act: { decision: 'adopt', notes: '' } }),
  },
  { method: 'DELETE', path: async () => `/api/v1/loops/${await newLoop()}`, role: 'editor' },
];

describe('access by role', () => {
  for (const route of routes) {
    const name = typeof route.path === 'string' ? route.path : route.path.toString().match(/loops/) ? '/api/v1/loops/:id' : '?';
    it.each(everyone)(`${route.method} ${name} as %s`, async (who) => {
      const path = typeof route.path === 'string' ? route.path : await route.path();
      const status = await call(route.method, path, who, route.body?.(), route.type);
      const expected = holders[route.role].includes(who as Role) ? 'ok' : who === 'none' || who === 'wrong' ? 401 : 403;
      if (expected === 'ok') expect(status, `${who} should be let in`).toBeLessThan(300);
      else expect(status).toBe(expected);
    });
  }

  it.each(everyone)('the health check is open to %s, and tells only who may read it the details', async (who) => {
    const res = await fetch(`${s.url}/api/v1/health`, { headers: headersOf(who) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
  });

  it.each(everyone)('socket.io connections and scope:join as %s', async (who) => {
    const auth = who === 'none' ? {} : { token: who === 'wrong' ? 'wrong-token-0123456789' : TOKENS[who as Role] };
    const socket = connect(s.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    try {
      const outcome = await new Promise<string>((resolve) => {
        socket.on('connect', () => socket.emit('scope:join', 'org', (ack: { ok: boolean }) => resolve(ack.ok ? 'joined' : 'refused')));
        socket.on('connect_error', (e) => resolve(`error: ${e.message}`));
      });
      if (holders.viewer.includes(who as Role)) expect(outcome).toBe('joined');
      else expect(outcome).toMatch(/^error: unauthorized/);
    } finally {
      socket.close();
    }
  });
});

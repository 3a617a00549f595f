/**
 * Trust at the door, against a real server and a real reverse proxy on loopback: roles by
 * address never through an untrusted hop, the client address, scheme and cookie from trusted
 * proxies only, the Host and Origin this server answers to (REST and socket.io), HSTS only over
 * HTTPS, and the warning at start that names write roles open without a credential.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestServer } from '../helpers/server';
import { forwardedFor, startProxy, type ProxyOptions, type RunningProxy } from '../helpers/proxy';
import { deployment } from '../helpers/factories';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const VIEWER = 'viewer-token-0123456789';
const INGEST = 'ingest-token-0123456789';

/** One HTTP request with any headers (Host included, which fetch does not let a caller set). */
function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const u = new URL(url);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* HTML */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const servers: Server[] = [];
const proxies: RunningProxy[] = [];
async function server(env: Record<string, string>, log?: (m: string) => void): Promise<Server> {
  const s = await startTestServer(env, undefined, log);
  servers.push(s);
  return s;
}
async function proxy(target: string, headers?: ProxyOptions['headers']): Promise<RunningProxy> {
  const p = await startProxy(target, { headers });
  proxies.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(servers.map((s) => s.stop()));
});

const deploymentsOf = async (s: Server) =>
  (await call(`${s.url}/api/v1/deployments?from=2026-01-01&to=2026-12-01`, { headers: { authorization: `Bearer ${VIEWER}` } })).body.items
    .length;

describe('roles by address', () => {
  it('with only a viewer token configured, nobody gets a write role by address, directly or through a proxy', async () => {
    const s = await server({ DEMING_VIEWER_TOKEN: VIEWER });
    const p = await proxy(s.url, forwardedFor('203.0.113.7'));
    for (const base of [s.url, p.url]) {
      expect((await call(`${base}/api/v1/events`, { method: 'POST', body: [deployment()] })).status).toBe(401);
      expect(
        (await call(`${base}/api/v1/loops`, { method: 'POST', body: { scope: 'org', name: 'x', from: '2026-01-01', to: '2026-01-10' } }))
          .status,
      ).toBe(401);
      expect((await call(`${base}/api/v1/org`)).status).toBe(401);
    }
    expect(await deploymentsOf(s)).toBe(0);
  });

  it('zero-config: loopback holds every role directly, and none through a proxy that is not trusted', async () => {
    const s = await server({});
    expect((await call(`${s.url}/api/v1/events`, { method: 'POST', body: [deployment()] })).status).toBe(200);
    // A proxy on the same host: every request comes from 127.0.0.1, but carries its forwarding headers.
    for (const headers of [forwardedFor('203.0.113.7'), () => ({ forwarded: 'for=203.0.113.7' }), () => ({ 'x-real-ip': '203.0.113.7' })]) {
      const p = await proxy(s.url, headers);
      const res = await call(`${p.url}/api/v1/events`, { method: 'POST', body: [deployment()] });
      expect(res.status).toBe(401);
      expect((await call(`${p.url}/api/v1/org`)).status).toBe(401);
      // The dashboard says sign-in is needed, rather than showing controls that would fail.
      const session = (await call(`${p.url}/api/v1/session`)).body;
      expect(session.roles).toEqual([]);
      expect(session.authRequired).toBe(true);
    }
    expect((await call(`${s.url}/api/v1/session`)).body.roles).toEqual(['viewer', 'editor', 'ingest', 'admin']);
  });

  it('auth.loopbackRoles gives the roles it names to loopback only, and a trusted proxy decides who the client is', async () => {
    const s = await server({ DEMING_VIEWER_TOKEN: VIEWER, DEMING_LOOPBACK_ROLES: 'ingest', DEMING_TRUST_PROXY: '1' });
    expect((await call(`${s.url}/api/v1/events`, { method: 'POST', body: [deployment()] })).status).toBe(200);
    // Through the trusted proxy from a remote client: no role by address.
    const remote = await proxy(s.url, forwardedFor('203.0.113.7'));
    expect((await call(`${remote.url}/api/v1/events`, { method: 'POST', body: [deployment()] })).status).toBe(401);
    // A remote client that claims to be loopback: the proxy appends the real address, which is the one trusted.
    const spoofed = await call(`${remote.url}/api/v1/events`, {
      method: 'POST',
      body: [deployment()],
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(spoofed.status).toBe(401);
    // A client on the proxy's own host, as the proxy says: loopback.
    const local = await proxy(s.url, forwardedFor('127.0.0.1'));
    expect((await call(`${local.url}/api/v1/events`, { method: 'POST', body: [deployment()] })).status).toBe(200);
    // A token still works through any proxy.
    expect((await call(`${remote.url}/api/v1/org`, { headers: { authorization: `Bearer ${VIEWER}` } })).status).toBe(200);
    expect(await deploymentsOf(s)).toBe(2);
  });

  it('the audit trail names the token, not "loopback", for a write made through a proxy', async () => {
    const s = await server({ DEMING_VIEWER_TOKEN: VIEWER, DEMING_EDITOR_TOKEN: 'editor-token-0123456789' });
    const p = await proxy(s.url, forwardedFor('203.0.113.7'));
    const res = await call(`${p.url}/api/v1/loops`, {
      method: 'POST',
      headers: { authorization: 'Bearer editor-token-0123456789' },
      body: { scope: 'org', name: 'first', from: '2026-01-01', to: '2026-01-10' },
    });
    expect(res.status).toBe(201);
    const audit = (await call(`${s.url}/api/v1/loops/audit?scope=org`, { headers: { authorization: `Bearer ${VIEWER}` } })).body.items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['env:editor']);
  });
});

describe('scheme, cookie and HSTS behind TLS termination', () => {
  const cookieOf = (h: Record<string, string | string[] | undefined>) => String(h['set-cookie'] ?? '');

  it('a trusted proxy that terminates TLS makes the session cookie Secure and turns HSTS on; plain HTTP has neither', async () => {
    const s = await server({ DEMING_VIEWER_TOKEN: VIEWER, DEMING_TRUST_PROXY: '127.0.0.1' });
    const tls = await proxy(s.url, forwardedFor('203.0.113.7', 'https'));
    const viaTls = await call(`${tls.url}/api/v1/session`, { method: 'POST', body: { token: VIEWER } });
    expect(viaTls.status).toBe(200);
    expect(cookieOf(viaTls.headers)).toMatch(/deming_session=.*;\s*Secure/i);
    const page = await call(`${tls.url}/api/v1/health`);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(page.headers['content-security-policy']).toContain('upgrade-insecure-requests');

    const direct = await call(`${s.url}/api/v1/session`, { method: 'POST', body: { token: VIEWER } });
    expect(cookieOf(direct.headers)).not.toMatch(/Secure/i);
    const plainPage = await call(`${s.url}/api/v1/health`);
    expect(plainPage.headers['strict-transport-security']).toBeUndefined();
    expect(plainPage.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(plainPage.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('a proxy that is not trusted cannot claim HTTPS', async () => {
    const s = await server({ DEMING_VIEWER_TOKEN: VIEWER });
    const p = await proxy(s.url, forwardedFor('203.0.113.7', 'https'));
    const res = await call(`${p.url}/api/v1/session`, { method: 'POST', body: { token: VIEWER } });
    expect(cookieOf(res.headers)).not.toMatch(/Secure/i);
    expect((await call(`${p.url}/api/v1/health`)).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('Host and Origin', () => {
  let s: Server;
  beforeAll(async () => {
    s = await server({ DEMING_PUBLIC_URL: 'https://deming.example.gov', DEMING_ALLOWED_HOSTS: 'deming.internal,10.1.2.3:3000' });
  });

  it("answers only to loopback names, the public URL's host and the allowed hosts", async () => {
    const port = new URL(s.url).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      'deming.example.gov',
      'DEMING.example.gov:443',
      'deming.internal:8080',
      '10.1.2.3:3000',
    ]) {
      expect({ host, status: (await call(`${s.url}/api/v1/org`, { headers: { host } })).status }).toEqual({ host, status: 200 });
    }
    for (const host of [
      'rebind.attacker.test',
      `rebind.attacker.test:${port}`,
      '10.1.2.3:8080',
      'deming.example.gov.attacker.test',
      'localhost.attacker.test',
    ]) {
      const res = await call(`${s.url}/api/v1/org`, { headers: { host } });
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
      expect(res.body.error.code).toBe('host_not_allowed');
      expect(res.body.error.message).toMatch(/server\.allowedHosts/);
      // The page and the writes too.
      expect((await call(`${s.url}/`, { headers: { host } })).status).toBe(403);
      expect((await call(`${s.url}/api/v1/events`, { method: 'POST', headers: { host }, body: [deployment()] })).status).toBe(403);
    }
  });

  it("answers the health probe whatever the Host, as orchestrators probe the pod's address", async () => {
    const res = await call(`${s.url}/api/v1/health`, { headers: { host: '10.244.3.17:3000' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect((await call(`${s.url}/api/v1/health/../org`, { headers: { host: '10.244.3.17:3000' } })).status).toBe(403);
  });

  it('refuses a write from a page of another origin, and lets a request with no Origin through', async () => {
    const own = s.url;
    const cases: [Record<string, string>, number][] = [
      [{}, 200],
      [{ origin: own }, 200],
      [{ origin: 'https://deming.example.gov' }, 200],
      [{ origin: 'http://rebind.attacker.test' }, 403],
      [{ origin: 'null' }, 403],
      [{ origin: 'https://deming.example.gov.attacker.test' }, 403],
    ];
    for (const [headers, status] of cases) {
      const res = await call(`${s.url}/api/v1/events`, { method: 'POST', headers, body: [deployment({ service: 'door/origin' })] });
      expect({ headers, status: res.status }).toEqual({ headers, status });
      if (status === 403) expect(res.body.error.code).toBe('origin_not_allowed');
    }
    const plan = await call(`${s.url}/api/v1/loops`, {
      method: 'POST',
      headers: { origin: 'http://rebind.attacker.test' },
      body: { scope: 'org', name: 'x', from: '2026-01-01', to: '2026-01-10' },
    });
    expect(plan.status).toBe(403);
    expect(
      (await call(`${s.url}/api/v1/loops?scope=org&from=2025-12-01&to=2026-02-01`)).body.items.filter(
        (l: { derived: boolean }) => !l.derived,
      ),
    ).toEqual([]);
    // A read with a foreign Origin gets no CORS header, so the browser keeps the answer from that page.
    const read = await call(`${s.url}/api/v1/org`, { headers: { origin: 'http://rebind.attacker.test' } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** A raw WebSocket upgrade of socket.io with the given headers: upgraded (101) or refused. */
function upgrade(url: string, headers: Record<string, string>): Promise<'upgraded' | 'refused'> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('upgraded');
    });
    req.on('response', (res) => {
      res.resume();
      resolve('refused');
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? resolve('refused') : reject(e)));
    req.end();
  });
}

describe('the live socket', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const c of sockets.splice(0)) c.close();
  });

  const attempt = (url: string, headers: Record<string, string>, transports: ('websocket' | 'polling')[]) =>
    new Promise<string>((resolve) => {
      const c = connect(url, { extraHeaders: headers, transports, reconnection: false, timeout: 5000 });
      sockets.push(c);
      c.on('connect', () => {
        c.emit('scope:join', 'org', (ack: { ok: boolean }) => resolve(ack.ok ? 'joined' : 'refused join'));
      });
      c.on('connect_error', (e) => resolve(`connect_error: ${e.message}`));
    });

  it('refuses a handshake with a foreign Origin or Host, over WebSocket and polling', async () => {
    const s = await server({});
    for (const transports of [['websocket'], ['polling']] as const) {
      expect(await attempt(s.url, {}, [...transports])).toBe('joined');
      expect(await attempt(s.url, { origin: s.url }, [...transports])).toBe('joined');
      expect(await attempt(s.url, { origin: 'http://rebind.attacker.test' }, [...transports])).toMatch(/connect_error/);
    }
    // A page on another name that resolves here (DNS rebinding): the polling handshake and the WebSocket upgrade are refused.
    const port = new URL(s.url).port;
    for (const host of ['rebind.attacker.test', `rebind.attacker.test:${port}`]) {
      const polling = await call(`${s.url}/socket.io/?EIO=4&transport=polling`, { headers: { host } });
      expect(polling.status).toBe(403);
      expect(await upgrade(s.url, { host })).toBe('refused');
    }
    expect(await upgrade(s.url, {})).toBe('upgraded');
    expect(await upgrade(s.url, { origin: 'http://rebind.attacker.test' })).toBe('refused');
  });

  it('gives no room by address through a proxy that is not trusted', async () => {
    const s = await server({});
    const p = await proxy(s.url, forwardedFor('203.0.113.7'));
    expect(await attempt(p.url, {}, ['websocket'])).toMatch(/connect_error: unauthorized/);
    expect(await attempt(p.url, {}, ['polling'])).toMatch(/connect_error: unauthorized/);
  });
});

describe('the warning at start', () => {
  it('names every write role open without a credential', async () => {
    const logs: string[] = [];
    await server({}, (m) => logs.push(m));
    expect(logs.join('\n')).toMatch(/warning: editor, ingest, admin are open without a credential.*zero-config local start.*SECURITY\.md/);

    const configured: string[] = [];
    await server({ DEMING_VIEWER_TOKEN: VIEWER, DEMING_LOOPBACK_ROLES: 'viewer,ingest' }, (m) => configured.push(m));
    expect(configured.join('\n')).toMatch(/warning: ingest is open without a credential.*auth\.loopbackRoles/);

    const none: string[] = [];
    await server({ DEMING_VIEWER_TOKEN: VIEWER, DEMING_INGEST_TOKEN: INGEST }, (m) => none.push(m));
    expect(none.join('\n')).not.toMatch(/warning/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { hashPassword } from '../../server/passwords';
import { startTestServer } from '../helpers/server';
import { defaultLimits } from '../../server/config';
import { ADDRESS_FACTOR } from '../../server/rate-limit';
import { sameSitePath } from '../../server/routes/oidc';

const VIEWER = 'viewer-token-0123456789abcdef';
let s: Awaited<ReturnType<typeof startTestServer>>;
let clock = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-auth-')), 'deming.config.yaml');
  writeFileSync(
    file,
    `auth:\n  sessionHours: 2\n  users:\n    - username: ada\n      passwordHash: "${hashPassword('correct horse battery')}"\n      role: editor\n`,
  );
  // Every role has a token, so loopback grants nothing by itself.
  s = await startTestServer(
    {
      DEMING_CONFIG: file,
      DEMING_VIEWER_TOKEN: VIEWER,
      DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
      DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
    },
    () => clock,
  );
});
afterAll(async () => {
  await s.stop();
});

async function login(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { res, body: res.status === 204 ? null : await res.json() };
}
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe('signing in', () => {
  it('turns a token into an httpOnly, SameSite=Strict session cookie that reads the API', async () => {
    expect((await fetch(`${s.url}/api/v1/org`)).status).toBe(401);
    const { res, body } = await login({ token: VIEWER });
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ signedIn: true, actor: 'env:viewer', roles: ['viewer'] });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^deming_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP here; Secure is set when the request came over HTTPS
    const cookie = cookieOf(res);
    expect((await fetch(`${s.url}/api/v1/org`, { headers: { cookie } })).status).toBe(200);
    const who = await (await fetch(`${s.url}/api/v1/session`, { headers: { cookie } })).json();
    expect(who).toMatchObject({ signedIn: true, actor: 'env:viewer', roles: ['viewer'], authRequired: true });
    // The database keeps only a hash of the cookie's value.
    const stored = s.db.prepare('SELECT id_hash FROM sessions').all() as { id_hash: string }[];
    expect(stored.some((r) => cookie.includes(r.id_hash))).toBe(false);
  });

  it('signs a configured user in with a password, with that user’s role', async () => {
    const { res, body } = await login({ username: 'ada', password: 'correct horse battery' });
    expect(body).toMatchObject({ actor: 'user:ada', roles: ['editor', 'viewer'] });
    const cookie = cookieOf(res);
    const plan = await fetch(`${s.url}/api/v1/loops`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'org', name: 'x', from: '2026-01-05', to: '2026-01-19' }),
    });
    expect(plan.status).toBe(201);
    const audit = await (await fetch(`${s.url}/api/v1/loops/audit?scope=org`, { headers: { cookie } })).json();
    expect(audit.items[0].actor).toBe('user:ada');
    expect(
      (await fetch(`${s.url}/api/v1/events`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '[]' }))
        .status,
    ).toBe(403);
  });

  it('refuses a wrong password or token with 401 and never says which part was wrong', async () => {
    const a = await login({ username: 'ada', password: 'wrong' });
    const b = await login({ username: 'nobody', password: 'wrong' });
    expect([a.res.status, b.res.status]).toEqual([401, 401]);
    expect(a.body.error.message).toBe(b.body.error.message);
    const c = await login({ token: 'not-a-token-at-all-123' });
    expect(c.res.status).toBe(401);
    expect(JSON.stringify(c.body)).not.toContain('not-a-token-at-all-123');
  });

  it('ends the session at logout and when it expires', async () => {
    const first = cookieOf((await login({ token: VIEWER })).res);
    const out = await fetch(`${s.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: first } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/deming_session=;/);
    expect((await fetch(`${s.url}/api/v1/org`, { headers: { cookie: first } })).status).toBe(401);
    const second = cookieOf((await login({ token: VIEWER })).res);
    clock += 2 * 3_600_000 + 1;
    expect((await fetch(`${s.url}/api/v1/org`, { headers: { cookie: second } })).status).toBe(401);
  });

  it('authenticates socket.io connections with the session cookie', async () => {
    const refused = connect(s.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const error = await new Promise<Error>((resolve) => refused.on('connect_error', resolve));
    expect(error.message).toMatch(/unauthorized/);
    refused.close();
    const cookie = cookieOf((await login({ token: VIEWER })).res);
    const ok = connect(s.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    await new Promise<void>((resolve, reject) => {
      ok.on('connect', () => resolve());
      ok.on('connect_error', reject);
    });
    ok.close();
  });

  it('rate-limits failed token sign-ins per address, then lets the address try again later', async () => {
    // Tokens count per client address, five times the limit of one user name (many people can share an address).
    for (let i = 0; i < defaultLimits.signInAttempts * ADDRESS_FACTOR; i++) await login({ token: `wrong-token-number-${i}` });
    const blocked = await login({ token: VIEWER });
    expect(blocked.res.status).toBe(429);
    expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.error.message).toMatch(/try again in \d+ minutes/);
    clock += 15 * 60_000;
    expect((await login({ token: VIEWER })).res.status).toBe(200);
  });
});

describe('where single sign-on may send a person back to', () => {
  it.each([
    ['/team/a?from=2026-01-01', '/team/a?from=2026-01-01'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/login?next=/x', '/'],
    ['/auth/oidc/login', '/'],
    ['/a\tb', '/'],
    [undefined, '/'],
  ])('%s → %s', (value, expected) => {
    expect(sameSitePath(value)).toBe(expected);
  });
});

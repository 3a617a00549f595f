/**
 * Two real Deming processes on one real PostgreSQL database, as behind a load balancer (issue
 * 23): a single sign-on started on one completes on the other (once), a sign-in lock made
 * through one holds on the other and ends on both, and a webhook delivery sent again to the
 * other instance is stored once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/passwords';
import { signature, webhookEvents } from '../fakes/pagerduty/fixtures';
import { startInstances, type Instances } from '../helpers/instances';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { CookieJar, finishSignIn, freePort, startSignIn } from '../helpers/oidc-signin';
import { adminQuery } from '../helpers/postgres';

const VIEWER = 'viewer-token-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec-multi-0123456789';
let two: Instances;
let provider: TestProvider;
let dir: string;

beforeAll(async () => {
  // The callback is B's: the identity provider sends the browser back to the load balancer, which chose B.
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
  provider = await startOidcProvider({ clientId: 'deming', clientSecret: 'a-client-secret-for-tests', redirectUri }, () => ['leads']);
  dir = mkdtempSync(join(tmpdir(), 'deming-multi-signin-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(
    file,
    `auth:
  users:
    - username: ada
      passwordHash: "${hashPassword('ada-correct-password')}"
      role: editor
  oidc:
    issuer: ${provider.issuer}
    clientId: deming
    clientSecret: a-client-secret-for-tests
    redirectUrl: ${redirectUri}
    roles:
      leads: editor
limits:
  signInAttempts: 3
  signInLockMinutes: 1
incidents:
  pagerduty:
    baseUrl: http://127.0.0.1:9
    token: pd-token-0123456789
    webhookSecrets: [${WEBHOOK_SECRET}]
    since: 2026-03-01
    interval: "off"
    services:
      - when: {service.id: PBOOK}
        service: health/booking
`,
  );
  two = await startInstances(1, { DEMING_CONFIG: file, DEMING_VIEWER_TOKEN: VIEWER });
  await two.add({ PORT: String(port) });
}, 120_000);

afterAll(async () => {
  await two?.stop();
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sql = (text: string) => adminQuery(two.db.url, text);

describe('single sign-on across instances', () => {
  it('completes on B a sign-in started on A, once: the same callback again is refused on either', async () => {
    const [a, b] = two.servers;
    const jar = new CookieJar();
    const authorization = await startSignIn(a.url, jar);
    const state = jar.get('deming_oidc_state')!;
    // The database holds the state's hash, never the state a callback must present.
    expect((await sql(`SELECT count(*) AS n FROM oidc_pending WHERE state_hash = '${state}'`)).rows[0].n).toBe('0');
    expect((await sql('SELECT count(*) AS n FROM oidc_pending')).rows[0].n).toBe('1');
    const back = await finishSignIn(b.url, jar, authorization, 'grace');
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/');
    // The session works on both.
    for (const s of [a, b]) {
      const who = await (
        await fetch(`${s.url}/api/v1/session`, { headers: { cookie: `deming_session=${jar.get('deming_session')}` } })
      ).json();
      expect(who).toMatchObject({ signedIn: true, actor: 'oidc:grace', role: 'editor' });
    }
    // A replay of the callback (its state and code) on A: the state was taken.
    const replay = await fetch(back.url.replace(b.url, a.url), { redirect: 'manual', headers: { cookie: `deming_oidc_state=${state}` } });
    expect(replay.headers.get('location')).toBe('/login?error=oidc_failed');
    expect((await sql('SELECT count(*) AS n FROM oidc_pending')).rows[0].n).toBe('0');
  }, 30_000);
});

describe('sign-in limits across instances', () => {
  const signIn = (url: string, password: string) =>
    fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password }),
    });

  it('locks an account on B after failures on A, and lets it in on both when the lock ends', async () => {
    const [a, b] = two.servers;
    for (let i = 0; i < 3; i++) expect((await signIn(a.url, 'a wrong guess')).status).toBe(401);
    const locked = await signIn(b.url, 'ada-correct-password');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(((await locked.json()) as { error: { message: string } }).error.message).toBe(
      'Too many failed sign-in attempts for this account: try again in 1 minute.',
    );
    expect((await signIn(a.url, 'ada-correct-password')).status).toBe(429);
    // A minute passes (every stored time moved back by it, as the clock moving on would).
    await sql(`UPDATE sign_in_limits SET window_start = window_start - 61000, locked_until = locked_until - 61000,
      in_flight_at = in_flight_at - 61000, last = last - 61000, held_until = held_until - 61000, forget_at = forget_at - 61000`);
    expect((await signIn(b.url, 'ada-correct-password')).status).toBe(200);
    expect((await signIn(a.url, 'ada-correct-password')).status).toBe(200);
  }, 30_000);

  it('refuses the right token on A after wrong tokens on B, from the same address', async () => {
    const [a, b] = two.servers;
    const org = (url: string, token: string) => fetch(`${url}/api/v1/org`, { headers: { authorization: `Bearer ${token}` } });
    // The address limit is five times the account limit.
    for (let i = 0; i < 15; i++) expect((await org(b.url, `wrong-token-${i}-0123456789`)).status).toBe(401);
    const refused = await org(a.url, VIEWER);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'Too many failed sign-in attempts with a token from this address: try again in 1 minute.',
    );
  }, 30_000);
});

describe('webhook deliveries across instances', () => {
  it('stores a PagerDuty delivery once when it is sent again to the other instance', async () => {
    const [a, b] = two.servers;
    const [triggered] = webhookEvents({
      id: 'QM1',
      number: 1,
      service: { id: 'PBOOK', summary: 'Booking API' },
      title: 'Booking down',
      urgency: 'high',
      priority: 'P1',
      createdAt: '2026-03-02T10:00:00Z',
    });
    const body = JSON.stringify(triggered);
    const deliver = (url: string) =>
      fetch(`${url}/webhooks/pagerduty`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature(body, WEBHOOK_SECRET) },
      });
    const first = await deliver(a.url);
    expect(first.status).toBe(200);
    const again = await deliver(b.url);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect((await sql("SELECT count(*) AS n FROM incidents WHERE ext_id = 'QM1'")).rows[0].n).toBe('1');
    expect((await sql("SELECT count(*) AS n FROM webhook_deliveries WHERE source = 'pagerduty'")).rows[0].n).toBe('1');
  }, 30_000);
});

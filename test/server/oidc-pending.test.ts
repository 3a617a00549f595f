/**
 * A flood of single sign-on starts against a real server and a real identity provider: the
 * sign-ins under way are bounded, a real person's pending sign-in is never forgotten for it,
 * and a start beyond the bound goes back to the login page with a code it explains.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PENDING_CAPACITY } from '../../server/oidc';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { CookieJar, finishSignIn, freePort, startSignIn } from '../helpers/oidc-signin';
import { startTestServer } from '../helpers/server';

let provider: TestProvider;
let deming: Awaited<ReturnType<typeof startTestServer>>;
let clock = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
  provider = await startOidcProvider({ clientId: 'deming', clientSecret: 'a-client-secret-for-tests', redirectUri }, () => [
    'delivery-leads',
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'deming-oidc-flood-')), 'deming.config.yaml');
  writeFileSync(
    file,
    `auth:\n  oidc:\n    issuer: ${provider.issuer}\n    clientId: deming\n    clientSecret: a-client-secret-for-tests\n    redirectUrl: ${redirectUri}\n    roles:\n      delivery-leads: editor\n`,
  );
  deming = await startTestServer(
    {
      DEMING_CONFIG: file,
      PORT: String(port),
      DEMING_VIEWER_TOKEN: 'viewer-token-0123456789',
      DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
      DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
    },
    () => clock,
  );
}, 30_000);

afterAll(async () => {
  await deming?.stop();
  await provider?.close();
});

/** Many starts as fast as the server answers them (kept-alive connections, 32 at a time); their answers' redirect targets. */
async function flood(n: number): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const one = () =>
    new Promise<string>((resolve, reject) => {
      request(`${deming.url}/auth/oidc/login`, { agent }, (res) => {
        res.resume();
        resolve(res.headers.location ?? '');
      })
        .on('error', reject)
        .end();
    });
  const out: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) {
        next++;
        out.push(await one());
      }
    }),
  );
  agent.destroy();
  return out;
}

describe('single sign-on under a flood of starts', () => {
  it('keeps a real pending sign-in through a full table, refuses further starts, and takes them again when the old ones expire', async () => {
    const person = new CookieJar();
    const authorization = await startSignIn(deming.url, person);
    const starts = await flood(PENDING_CAPACITY - 1);
    expect(starts.every((l) => l.startsWith(provider.issuer))).toBe(true);
    // Full: a new start goes back to the login page, which explains it.
    const refused = await flood(3);
    expect(refused).toEqual(Array(3).fill('/login?error=oidc_busy'));
    // The person who started before the flood still signs in.
    const back = await finishSignIn(deming.url, person, authorization, 'grace');
    expect(back.status).toBe(302);
    const who = await (
      await fetch(`${deming.url}/api/v1/session`, { headers: { cookie: `deming_session=${person.get('deming_session')}` } })
    ).json();
    expect(who).toMatchObject({ signedIn: true, actor: 'oidc:grace', role: 'editor' });
    // Ten minutes on, the flood's starts have expired: starting works again.
    clock += 10 * 60_000 + 1;
    expect((await flood(1))[0].startsWith(provider.issuer)).toBe(true);
  }, 120_000);
});

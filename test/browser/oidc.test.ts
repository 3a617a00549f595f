/**
 * Single sign-on end to end: a real OpenID Connect provider on loopback, Deming configured for
 * it, and a real browser clicking through the provider's login and consent pages.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { freePort } from '../helpers/oidc-signin';
import { startTestServer } from '../helpers/server';

let provider: TestProvider;
let deming: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
  provider = await startOidcProvider({ clientId: 'deming', clientSecret: 'a-client-secret-for-tests', redirectUri }, (login) =>
    login === 'grace' ? ['delivery-leads'] : ['someone-else'],
  );
  const file = join(mkdtempSync(join(tmpdir(), 'deming-oidc-')), 'deming.config.yaml');
  writeFileSync(
    file,
    `auth:\n  oidc:\n    issuer: ${provider.issuer}\n    clientId: deming\n    clientSecret: a-client-secret-for-tests\n    redirectUrl: ${redirectUri}\n    roles:\n      delivery-leads: editor\n`,
  );
  // Tokens for every role, so that nothing is granted for merely being on loopback.
  deming = await startTestServer({
    DEMING_CONFIG: file,
    PORT: String(port),
    DEMING_VIEWER_TOKEN: 'viewer-token-0123456789',
    DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
    DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await deming?.stop();
  await provider?.close();
});

async function signIn(login: string, wanted = '/org?from=2026-01-01') {
  const context = await browser.newContext();
  const page = await context.newPage();
  // From the login page's link, as a person would, sent there from the page they wanted.
  await page.goto(`${deming.url}/login?next=${encodeURIComponent(wanted)}`);
  await page.getByTestId('sso-link').click();
  await page.waitForURL((u) => u.href.startsWith(provider.issuer), { timeout: 15_000 });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  // The provider asks for consent the first time.
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((u) => u.href.startsWith(deming.url), { timeout: 15_000 });
  return { context, page };
}

describe('single sign-on with OpenID Connect', () => {
  it('signs a person in with the role their group maps to, in an httpOnly session cookie', async () => {
    const { context, page } = await signIn('grace');
    try {
      const who = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
      expect(who).toMatchObject({ signedIn: true, actor: 'oidc:grace', role: 'editor', roles: ['viewer', 'editor'] });
      // Back on the page that was wanted before signing in.
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/org?from=2026-01-01');
      const cookie = (await context.cookies()).find((c) => c.name === 'deming_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate(() => document.cookie)).not.toContain('deming_session');
      const org = await page.evaluate(async () => (await fetch('/api/v1/org')).status);
      expect(org).toBe(200);
      // Back on the dashboard, which says who is signed in.
      await expect(page.getByTestId('session-actor').textContent({ timeout: 15_000 })).resolves.toBe('oidc:grace');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('refuses a person whose groups map to no role', async () => {
    const { context, page } = await signIn('mallory');
    try {
      // Back on the login page, which says why.
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?error=no_role');
      await expect(page.getByTestId('sso-problem').textContent({ timeout: 15_000 })).resolves.toContain('Your account has no Deming role');
      const who = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
      expect(who.signedIn).toBe(false);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('explains a start refused because too many sign-ins are under way', async () => {
    // Where the server sends a start when its table of pending sign-ins is full (test/server/oidc-pending.test.ts).
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${deming.url}/login?error=oidc_busy`);
      await expect(page.getByTestId('sso-problem').textContent({ timeout: 15_000 })).resolves.toBe(
        'Too many single sign-ins are under way on this server. Try again in a few minutes, or sign in with a token.',
      );
    } finally {
      await context.close();
    }
  }, 60_000);
});

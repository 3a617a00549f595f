/**
 * Signing in, in headless Chromium, against a server that needs it (a token for every role, so
 * loopback is granted nothing): sent to sign in and back to the page wanted, live figures after,
 * a viewer who cannot plan a loop, signing out, a password user, and the wait after too many failures.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { hashPassword } from '../../server/passwords';
import { CHROMIUM_ARGS, shot, watch } from '../helpers/chromium';
import { startTestServer } from '../helpers/server';
import { defaultLimits } from '../../server/config';
import { ADDRESS_FACTOR } from '../../server/rate-limit';

const VIEWER = 'viewer-token-0123456789';
const INGEST = 'ingest-token-0123456789';
const TILES = ['deployment-frequency', 'lead-time', 'change-failure-rate', 'time-to-restore'];

let dir: string;
let s: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let team: OrgResponse['teams'][number];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-login-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(
    file,
    `auth:\n  users:\n    - username: ada\n      passwordHash: "${hashPassword('a-long-password-1')}"\n      role: editor\n`,
  );
  s = await startTestServer({
    DEMING_DEMO: 'on',
    DEMING_CONFIG: file,
    DEMING_VIEWER_TOKEN: VIEWER,
    DEMING_EDITOR_TOKEN: 'editor-token-0123456789',
    DEMING_INGEST_TOKEN: INGEST,
    DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
  });
  const org = (await (await fetch(`${s.url}/api/v1/org`, { headers: { authorization: `Bearer ${VIEWER}` } })).json()) as OrgResponse;
  team = org.teams.find((t) => t.services.length > 0)!;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 20_000);

/** axe-core's WCAG 2.1 A and AA findings on the page as it stands (injected over the protocol, so the CSP stays strict). */
async function wcagProblems(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const tileCount = async (page: Page, tile: string) =>
  Number(await page.getByTestId(`tile-${tile}`).getByTestId('tile-count').getAttribute('data-count'));
const apiStatus = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);
/** The failed requests the browser logs on its console are expected here; nothing else may be. */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of (401|403|429)/.test(p));

describe('signing in', () => {
  it('sends a person to sign in and back to the page wanted, live, then out again', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);

    // The team's page needs a session: the login page, asked to come back.
    await page.goto(`${s.url}/team/${team.id}?from=2026-01-01`);
    await page.waitForURL(/\/login\?next=/, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/team/${team.id}?from=2026-01-01`);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Sign in to Deming');
    await expect(page.title()).resolves.toBe('Sign in · Deming');
    await expect(page.getByTestId('sign-in-password').count()).resolves.toBe(1);
    await expect(page.getByTestId('sso-link').count()).resolves.toBe(0);
    await shot(page, 'login');

    // A wrong token: the server's message, tied to the field.
    const tokenForm = page.getByTestId('sign-in-token');
    await tokenForm.getByTestId('token-input').fill('not-a-token-of-this-server');
    await tokenForm.getByTestId('sign-in-token-submit').click();
    const error = tokenForm.getByTestId('sign-in-error');
    await expect(error.textContent({ timeout: 5_000 })).resolves.toContain('That token is not valid.');
    await expect(error.getAttribute('role')).resolves.toBe('alert');
    const errorId = await error.getAttribute('id');
    await expect(tokenForm.getByTestId('token-input').getAttribute('aria-describedby')).resolves.toContain(errorId);
    await expect(tokenForm.getByTestId('token-input').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(wcagProblems(page)).resolves.toEqual([]);
    await tokenForm.getByTestId('token-input').focus();
    await shot(page, 'login-error');

    // The viewer's token: back on the team's page, with figures, and who is signed in.
    await tokenForm.getByTestId('token-input').fill(VIEWER);
    await tokenForm.getByTestId('sign-in-token-submit').click();
    await page.waitForURL((u) => u.pathname === `/team/${team.id}` && u.search === '?from=2026-01-01', { timeout: 10_000 });
    await page.getByTestId('scope-title').filter({ hasText: team.name }).waitFor({ timeout: 10_000 });
    await page.getByTestId('tiles').waitFor();
    for (const tile of TILES) {
      await expect(page.getByTestId(`tile-${tile}`).getByTestId('tile-value').textContent(), tile).resolves.toMatch(/\d/);
    }
    await expect(page.getByTestId('session-actor').textContent()).resolves.toBe('env:viewer');
    await expect(page.getByTestId('session').textContent()).resolves.toMatch(/Signed in as env:viewer \(viewer\)/);
    await shot(page, 'login-signed-in');
    await expect(wcagProblems(page)).resolves.toEqual([]);
    const cookie = (await context.cookies()).find((c) => c.name === 'deming_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // The socket connects with the session: an event sent with the ingest token moves the tile in place.
    await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 10_000 });
    await page.evaluate(() => {
      (window as unknown as { __marker: number }).__marker = 1;
    });
    const before = await tileCount(page, 'deployment-frequency');
    const sha = randomBytes(20).toString('hex');
    const now = Date.now();
    const res = await fetch(`${s.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
      body: JSON.stringify([
        {
          type: 'deployment',
          id: `login-test-${sha.slice(0, 8)}`,
          service: team.services[0],
          environment: 'production',
          status: 'success',
          sha,
          startedAt: new Date(now - 5 * 60_000).toISOString(),
          finishedAt: new Date(now - 60_000).toISOString(),
        },
      ]),
    });
    expect(res.status).toBe(200);
    // The page asked for a range ending today, so the new deployment is in it.
    await expect.poll(() => tileCount(page, 'deployment-frequency'), { timeout: 5_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);

    // A viewer sees the loops but is told why planning one is not offered.
    await page.getByTestId('tab-loops').click();
    await page.waitForURL(new RegExp(`/loops/team/${team.id}`));
    const plan = page.getByTestId('plan-open');
    await plan.waitFor({ timeout: 10_000 });
    await expect(plan.isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('needs-editor').first().textContent()).resolves.toMatch(
      /Planning a loop needs the editor role\. You are signed in as env:viewer, a viewer/,
    );
    await expect(plan.getAttribute('aria-describedby')).resolves.toBe('plan-needs-editor');
    await expect(page.getByTestId('delete-loop').count()).resolves.toBe(0);
    await shot(page, 'login-viewer-loops');
    await expect(wcagProblems(page)).resolves.toEqual([]);

    // Signing out: the login page, and the API refuses again.
    await page.getByTestId('sign-out').click();
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 10_000 });
    await page.getByTestId('sign-in-token').waitFor();
    await expect(apiStatus(page, '/api/v1/org')).resolves.toBe(401);
    expect((await context.cookies()).find((c) => c.name === 'deming_session')).toBeUndefined();
    await page.goto(`${s.url}/org`);
    await page.waitForURL(/\/login\?next=%2Forg$/, { timeout: 10_000 });

    expect(unexpected(problems)).toEqual([]);
    await context.close();
  }, 30_000);

  it('signs a configured user in with a password, with the editor role, and handles a refusal and an ended session', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${s.url}/loops/team/${team.id}`);
    const form = page.getByTestId('sign-in-password');
    await form.waitFor({ timeout: 10_000 });
    await form.getByTestId('username-input').fill('ada');
    await form.getByTestId('password-input').fill('a-long-password-1');
    await form.getByTestId('sign-in-password-submit').click();
    await page.waitForURL((u) => u.pathname === `/loops/team/${team.id}`, { timeout: 10_000 });
    await page.getByTestId('plan-open').waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('plan-open').isDisabled()).resolves.toBe(false);
    await expect(page.getByTestId('needs-editor').count()).resolves.toBe(0);
    await expect(page.getByTestId('session').textContent()).resolves.toMatch(/Signed in as user:ada \(editor\)/);

    // The session changes under the page (a viewer's token signed in from another tab): the server's 403 is shown, nothing breaks.
    await page.getByTestId('plan-open').click();
    // The form's target field (the loop shown beside it has a target of its own).
    const plan = page.getByTestId('plan-form');
    await plan.getByTestId('plan-name').fill('Smaller pull requests');
    await plan.getByTestId('plan-target').fill('6');
    await plan.getByTestId('plan-hypothesis').fill('Smaller changes wait less for review.');
    await expect(
      page.evaluate(
        async (token) =>
          (
            await fetch('/api/v1/session', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ token }),
            })
          ).status,
        VIEWER,
      ),
    ).resolves.toBe(200);
    await page.getByTestId('plan-submit').click();
    await expect(page.getByTestId('plan-errors').textContent({ timeout: 5_000 })).resolves.toContain(
      'You are signed in without the "editor" role',
    );
    await expect(page.getByTestId('plan-form').isVisible()).resolves.toBe(true);

    // The session ends on the server (here, signed out elsewhere): the next read answers 401, and the page sends the person to sign in again.
    const cookie = (await context.cookies()).find((c) => c.name === 'deming_session')!;
    expect(
      (await fetch(`${s.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: `${cookie.name}=${cookie.value}` } })).status,
    ).toBe(204);
    await page.getByTestId('preset-30d').click();
    await page.waitForURL((u) => u.pathname === '/login' && (u.searchParams.get('next') ?? '').startsWith(`/loops/team/${team.id}?from=`), {
      timeout: 10_000,
    });
    await page.getByTestId('sign-in-password').waitFor();
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  }, 20_000);

  it('says how long to wait after too many failed attempts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${s.url}/login`);
    // Wrong tokens count per address: these come from the same loopback address as the browser,
    // with the one wrong token of the first test (the right token signed in since does not clear it).
    const limit = defaultLimits.signInAttempts * ADDRESS_FACTOR;
    let refusedAt = -1;
    for (let i = 0; i < limit && refusedAt < 0; i++) {
      const r = await fetch(`${s.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `wrong-${i}` }),
      });
      if (r.status === 429) refusedAt = i;
      else expect(r.status).toBe(401);
    }
    expect(refusedAt).toBe(limit - 1);
    const form = page.getByTestId('sign-in-token');
    await form.getByTestId('token-input').fill(VIEWER);
    await form.getByTestId('sign-in-token-submit').click();
    await expect(form.getByTestId('sign-in-error').textContent({ timeout: 5_000 })).resolves.toMatch(
      /Too many failed sign-in attempts.*try again in 15 minutes\./,
    );
    await expect(apiStatus(page, '/api/v1/org')).resolves.toBe(401);
    await expect(wcagProblems(page)).resolves.toEqual([]);
    await shot(page, 'login-too-many');
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  }, 20_000);
});

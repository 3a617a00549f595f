/**
 * The dashboard in real headless Chromium against a real server with the demo organisation:
 * the org, a department, a team and a service, then live events that move the figures in place.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const TILES = ['deployment-frequency', 'lead-time', 'change-failure-rate', 'time-to-restore', 'rework-rate'];

let dir: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(process.cwd(), 'dist', 'client', 'index.html'))) {
    throw new Error('dist/client is missing: run `npx vite build` before the browser tests.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'deming-browser-'));
  const config = loadConfig({ DEMING_DB: join(dir, 'db.sqlite'), PORT: '0', DEMING_DEMO: 'on' });
  server = await startServer(config, { log: () => {} });
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
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 20_000);

/** Problems the page reported: uncaught errors, console errors (CSP violations among them). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the page shows a scope with its figures and both charts drawn. */
async function scopeShown(page: Page, title: string): Promise<void> {
  await page.getByTestId('scope-title').filter({ hasText: title }).waitFor();
  await page.getByTestId('tiles').waitFor();
  await page.getByTestId('lead-time-canvas').waitFor();
  await page.getByTestId('deployments-canvas').waitFor();
  await page.getByTestId('change-row').first().waitFor();
  await page.waitForTimeout(350); // the charts' short animation
}

const tileCount = async (page: Page, tile: string) =>
  Number(await page.getByTestId(`tile-${tile}`).getByTestId('tile-count').getAttribute('data-count'));

describe('dashboard', () => {
  it('shows every scope with figures, and updates in place when events arrive', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    const org = (await (await fetch(`${server.url}/api/v1/org`)).json()) as OrgResponse;
    const team = org.teams.find((t) => t.services.length > 0)!;
    const department = org.departments.find((d) => d.id === team.departmentId)!;
    const service = team.services[0];

    // The organisation: five tiles with numbers, a band on each banded one, the demo banner.
    await page.goto(`${server.url}/org`);
    await scopeShown(page, 'Whole organisation');
    await expect(page.getByTestId('demo-banner').textContent()).resolves.toContain('Demo data');
    for (const tile of TILES) {
      const value = await page.getByTestId(`tile-${tile}`).getByTestId('tile-value').textContent();
      expect(value, tile).toMatch(/\d/);
      expect(await tileCount(page, tile), tile).toBeGreaterThan(0);
    }
    await expect(page.getByTestId('band-distribution').textContent()).resolves.toMatch(/Elite\s*\d/);
    await expect(page.getByTestId('speedup').textContent()).resolves.toMatch(/faster/);
    await page.locator('[data-testid="connection"][data-status="live"]').waitFor();
    await shot(page, 'org');

    // A preset writes the range to the URL; back returns to the previous range.
    await page.getByTestId('preset-18m').click();
    await page.waitForURL(/from=\d{4}-\d{2}-\d{2}/);
    await page.locator('[data-testid="preset-18m"][aria-pressed="true"]').waitFor();
    await scopeShown(page, 'Whole organisation');
    await expect(page.getByTestId('lead-time-chart').locator('table').textContent()).resolves.toMatch(/month/);
    await shot(page, 'org-18-months');
    await page.goBack();
    await page.locator('[data-testid="preset-90d"][aria-pressed="true"]').waitFor();
    expect(new URL(page.url()).search).toBe('');

    // Down the tree by the links on the page: department → team → service.
    await page.getByTestId('child-link').filter({ hasText: department.name }).click();
    await scopeShown(page, department.name);
    await shot(page, 'department');
    await page.getByRole('combobox', { name: /Show/ }).fill(team.name);
    await page.getByTestId('scope-options').locator(`[data-key="team:${team.id}"]`).click();
    await scopeShown(page, team.name);
    await expect(page.getByTestId('demo-banner').isVisible()).resolves.toBe(true);
    await shot(page, 'team');
    await page.getByTestId('child-link').filter({ hasText: service }).click();
    await scopeShown(page, service);
    expect(new URL(page.url()).pathname).toBe(`/service/${service}`);
    await shot(page, 'service');

    // A new deployment and its change arrive over the API: the tiles and the feed move, the page stays.
    await page.evaluate(() => {
      (window as unknown as { __marker: number }).__marker = 1;
    });
    const deploymentsBefore = await tileCount(page, 'deployment-frequency');
    const changesBefore = await tileCount(page, 'lead-time');
    const sha = randomBytes(20).toString('hex');
    const now = Date.now();
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { type: 'change', service, sha, committedAt: new Date(now - 2 * 3_600_000).toISOString() },
        {
          type: 'deployment',
          id: `browser-test-${sha.slice(0, 8)}`,
          service,
          environment: 'production',
          status: 'success',
          sha,
          startedAt: new Date(now - 5 * 60_000).toISOString(),
          finishedAt: new Date(now - 60_000).toISOString(),
        },
      ]),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => tileCount(page, 'deployment-frequency'), { timeout: 5_000 }).toBe(deploymentsBefore + 1);
    await expect.poll(() => tileCount(page, 'lead-time'), { timeout: 5_000 }).toBe(changesBefore + 1);
    const feed = page.getByTestId('feed-item');
    await expect
      .poll(() => feed.allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/Deployed to production.*1 change/)]));
    await expect(feed.first().textContent()).resolves.toContain(service);
    await expect(page.getByTestId('live-status').textContent()).resolves.toMatch(/arrived|updated/i);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    await page.waitForTimeout(300);
    await shot(page, 'service-live');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows the server's message for a bad range and a clear page for an unknown scope", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    await page.goto(`${server.url}/org?from=2026-03-01&to=2026-02-01`);
    await expect(page.getByTestId('error').first().textContent()).resolves.toContain('from: must be before to.');
    await shot(page, 'error-range');
    await page.goto(`${server.url}/team/no-such-team`);
    await expect(page.getByTestId('not-found').textContent()).resolves.toContain('no team “no-such-team”');
    // 400 answers show up as console errors of the failed fetches; nothing else may.
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.close();
  }, 30_000);
});

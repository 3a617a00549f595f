/**
 * The browser tests' harness: a real server on loopback with its own database (the demo
 * organisation unless asked otherwise) and Debian's Chromium, headless, driven by playwright-core.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';

export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHarness {
  server: RunningServer;
  browser: Browser;
  close: () => Promise<void>;
}

/** Starts a server (demo on unless `env` says otherwise) and Chromium; `close` stops both and removes the database. */
export async function startBrowserHarness(env: Record<string, string> = {}): Promise<BrowserHarness> {
  if (!existsSync(join(process.cwd(), 'dist', 'client', 'index.html'))) {
    throw new Error('dist/client is missing: run `npx vite build` before the browser tests.');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'deming-browser-'));
  const config = loadConfig({ DEMING_DB: join(dir, 'db.sqlite'), PORT: '0', DEMING_DEMO: 'on', ...env });
  const server = await startServer(config, { log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Problems the page reported: uncaught errors, console errors (CSP violations among them). */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return problems;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the page has its heading and nothing is loading any more (charts included). */
export async function settled(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('main h1').first().waitFor({ timeout });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="loading"]').length === 0, undefined, { timeout });
  await page.waitForTimeout(350); // the charts' short animation
}

/** The executive summary with its department rows. */
export async function summaryShown(page: Page): Promise<void> {
  await page.getByTestId('summary-row').first().waitFor({ timeout: 15_000 });
  await settled(page);
}

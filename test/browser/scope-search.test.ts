/**
 * The scope picker with 2,000 services, by keyboard: a combobox (WAI-ARIA's pattern) that
 * filters departments, teams and services as one types, moves with the arrow keys, opens the
 * place with Enter; it lists only the best matches and says how many there are.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';

const SERVICES = 2000;
let h: BrowserHarness;
let dir: string;
const name = (i: number) => `${i < 1000 ? 'tax' : 'health'}/service-${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-picker-'));
  const config = join(dir, 'deming.config.yaml');
  writeFileSync(
    config,
    `organisation:
  - id: revenue
    name: Revenue and Customs
    teams:
      - { id: returns, name: Self Assessment, services: ["tax/*"] }
  - id: health
    name: Health
    teams:
      - { id: booking, name: Appointments, services: ["health/*"] }
`,
  );
  h = await startBrowserHarness({ DEMING_DEMO: 'off', DEMING_CONFIG: config });
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const events = Array.from({ length: SERVICES }, (_, i) => ({
    type: 'change',
    service: name(i),
    sha: i.toString(16).padStart(40, '0'),
    committedAt: at,
  }));
  const r = await fetch(`${h.server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(r.status, await r.text()).toBe(200);
}, 60_000);

afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 20_000);

describe('the scope picker', () => {
  it('finds one service among 2,000 by typing, and opens it with the arrow keys and Enter', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/org`);
    await settled(page);
    const box = page.getByRole('combobox', { name: /Show/ });
    await expect(box.inputValue()).resolves.toBe('Whole organisation');
    await expect(box.getAttribute('aria-expanded')).resolves.toBe('false');

    // Keyboard only: type, arrows, Enter.
    await box.focus();
    await page.keyboard.type('service-19');
    await expect(box.getAttribute('aria-expanded')).resolves.toBe('true');
    const options = page.getByRole('listbox', { name: 'Places to show' }).getByRole('option');
    // health/service-1900 to 1999: 100 matches, the first 50 listed, and the count said.
    await expect(options.count()).resolves.toBe(50);
    await expect(page.getByTestId('scope-count').textContent()).resolves.toBe(
      '100 places match; the first 50 are listed, type more to narrow.',
    );
    await page.keyboard.type('99');
    await expect(options.count()).resolves.toBe(1);
    await expect(options.first().textContent()).resolves.toContain('health/service-1999');
    await expect(options.first().textContent()).resolves.toContain('Service: \u2068Appointments, Health\u2069');
    await page.keyboard.press('ArrowDown');
    await expect(options.first().getAttribute('aria-selected')).resolves.toBe('true');
    await expect(box.getAttribute('aria-activedescendant')).resolves.toBe(await options.first().getAttribute('id'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/service\/health\/service-1999$/);
    await page.getByTestId('scope-title').filter({ hasText: 'health/service-1999' }).waitFor();
    await expect(box.inputValue()).resolves.toBe('health/service-1999');

    // A team by the words of its name, in any case; Enter takes the first match.
    await box.focus();
    await page.keyboard.type('self ASSESS');
    await expect(options.first().textContent()).resolves.toContain('Self Assessment');
    await expect(options.first().textContent()).resolves.toContain('Team: \u2068Revenue and Customs\u2069');
    await shot(page, 'scope-search');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/team\/returns$/);

    // Escape closes the list, then puts back the place shown.
    await box.focus();
    await page.keyboard.type('heal');
    await page.keyboard.press('Escape');
    await expect(box.getAttribute('aria-expanded')).resolves.toBe('false');
    await page.keyboard.press('Escape');
    await expect(box.inputValue()).resolves.toBe('Self Assessment');
    // Alt+Down opens the whole list without choosing; nothing matched says so.
    await page.keyboard.press('Alt+ArrowDown');
    await expect(options.first().textContent()).resolves.toContain('Executive summary');
    await page.keyboard.type('no such place');
    await expect(page.getByTestId('scope-count').textContent()).resolves.toBe('No place matches.');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('opens a department with the mouse, and the executive summary from any page', async () => {
    const page = await h.browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${h.server.url}/team/returns`);
    await settled(page);
    const box = page.getByRole('combobox', { name: /Show/ });
    await box.click();
    await box.fill('health');
    await page.getByRole('option', { name: /^\u2068Health\u2069/ }).click();
    await page.waitForURL(/\/department\/health$/);
    await box.click();
    await box.fill('executive');
    await shot(page, 'scope-search-phone');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.close();
  }, 60_000);
});

/**
 * The approval wait on the pages, in headless Chromium at 1280 and 390 px: the hand-worked month
 * of test/helpers/approval-scenario.ts, moved to end yesterday, its change requests pushed as the
 * README's business rule sends them. The retro's changes table gives the approval wait its own
 * column (and Act the rest); the dashboard's slowest changes name each deployment's change request
 * and its wait, or why it is unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';
import { APPROVAL_SERVICE, approvalChangeRequests, approvalConfigYaml, approvalEvents, scenarioTime } from '../helpers/approval-scenario';

const SECRET = 'approval-board-secret-0123456789';
const DAY = 86_400_000;
let h: BrowserHarness;
let dir = '';
// The scenario's 2026-03-20 becomes yesterday.
const shift = Math.floor(Date.now() / DAY) * DAY - DAY - Date.parse('2026-03-20T00:00:00Z');
const day = (s: string) => scenarioTime(s, shift).slice(0, 10);
const from = day('03-01T00:00');
const to = day('03-20T00:00');

const send = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${h.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { id?: string } | null };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-approval-browser-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(file, approvalConfigYaml(SECRET));
  h = await startBrowserHarness({ DEMING_DEMO: 'off', DEMING_CONFIG: file, SERVICENOW_PASSWORD: 'unused-here' });
  for (const record of approvalChangeRequests(shift))
    expect((await send('/webhooks/servicenow', { table: 'change_request', record }, { 'X-Deming-Secret': SECRET })).status).toBe(200);
  expect((await send('/api/v1/events', approvalEvents(shift))).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
}, 20_000);

describe('the approval wait on the pages', () => {
  it('has its own column in the retro, and Act shows the rest, at 1280 and 390 px', async () => {
    const loop = await send('/api/v1/loops', {
      scope: `service:${APPROVAL_SERVICE}`,
      name: 'Standard changes skip the board',
      from,
      to,
      plan: { metric: 'leadTime', target: 1, unit: 'days', hypothesis: 'Pre-approved changes wait for no meeting.' },
    });
    expect(loop.status).toBe(201);
    for (const width of [1280, 390]) {
      const page = await h.browser.newPage({ viewport: { width, height: 900 } });
      const problems = watch(page);
      await page.goto(`${h.server.url}/retro/service/gov/app?from=${from}&to=${to}&loop=${loop.body!.id}`);
      await page.getByTestId('retro-change-row').first().waitFor({ timeout: 15_000 });
      await settled(page);
      const headers = await page.getByTestId('retro-changes').locator('thead th').allTextContents();
      expect(headers.slice(headers.indexOf('Check'), headers.indexOf('Check') + 3)).toEqual(['Check', 'Approval', 'Act']);
      // Slowest first: #1 (2.6 days) waited 1.8 days for CHG1's approval; Act is the 6 hours left.
      const first = page.getByTestId('retro-change-row').first();
      await expect(first.getByTestId('approval-cell').textContent()).resolves.toBe('1.8 daysCHG1');
      const cells = await first.locator('td').allTextContents();
      expect(cells[cells.findIndex((c) => c.endsWith('CHG1')) + 1]).toBe('6 hours');
      const cellOf = async (n: number) =>
        (await page
          .getByTestId('retro-change-row')
          .filter({ hasText: `#${n}` })
          .getByTestId('approval-cell')
          .textContent())!;
      await expect(cellOf(4)).resolves.toBe('—CHG4: approved after the deployment');
      await expect(cellOf(5)).resolves.toBe('—CHG5: not read from its tool');
      await expect(cellOf(10)).resolves.toBe('');
      // The table scrolls inside its panel: the page itself never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot(page, `approval-retro-${width}`);
      await page.getByTestId('retro-changes').screenshot({ path: join(ARTIFACTS, `approval-retro-table-${width}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('names each deployment’s change request and its wait among the slowest changes, at 1280 and 390 px', async () => {
    for (const width of [1280, 390]) {
      const page = await h.browser.newPage({ viewport: { width, height: 900 } });
      const problems = watch(page);
      await page.goto(`${h.server.url}/service/gov/app?from=${from}&to=${to}`);
      await page.getByTestId('change-row').first().waitFor({ timeout: 15_000 });
      await settled(page);
      const notes = await page.getByTestId('slowest-changes').getByTestId('approval-note').allTextContents();
      expect(notes).toContain('CHG1: waited 1.8 days for approval');
      expect(notes).toContain('CHG3: waited 0 s for approval');
      expect(notes).toContain('CHG6: approval wait unknown (not approved)');
      expect(notes.some((n) => n.startsWith('CHG10'))).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot(page, `approval-slowest-${width}`);
      await page.getByTestId('slowest-changes').screenshot({ path: join(ARTIFACTS, `approval-slowest-table-${width}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }
  }, 60_000);
});

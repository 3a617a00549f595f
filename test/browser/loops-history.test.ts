/**
 * Loops in daily use, in headless Chromium on the demo: the page opens on the last loop that
 * ended, the demo's planned loops with their Acts and a retrospective plan, a running loop with
 * no verdict, the loop history and a retro link that survive planning, and the Check on a
 * phone (axe clean at 390 px, nothing cut off, a loop picked by keyboard).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LoopsResponse } from '../../common/api';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';
import { axeProblems } from '../helpers/axe';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const loopsOf = async (scope: string, from = day(-90), to = day(1)) =>
  (await (await fetch(`${h.server.url}/api/v1/loops?scope=${scope}&from=${from}&to=${to}`)).json()) as LoopsResponse;

async function openLoops(page: Page, path: string) {
  await page.goto(`${h.server.url}${path}`);
  await page.getByTestId('loop-detail').waitFor({ timeout: 15_000 });
  await settled(page);
}

describe('loops in daily use', () => {
  it("opens on the last loop that ended, with the demo's planned loops, Acts, a real change and a running loop with no verdict", async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await openLoops(page, '/loops/team/appointments');
    const detail = page.getByTestId('loop-detail');
    // Not the running loop: the last one that has ended, whose Check finds a real change.
    await expect(detail.getByTestId('loop-name').textContent()).resolves.toBe('Deploy on every merge again');
    await expect(detail.getByTestId('verdict').textContent()).resolves.toMatch(
      /^Lead time against the previous loop: faster, unlikely to be noise \(p < 0\.001\)/,
    );
    await expect(detail.getByTestId('decision').textContent()).resolves.toMatch(/Adopt/);
    await expect(detail.getByTestId('previous-act').textContent()).resolves.toMatch(/Adapt/);
    await expect(detail.getByTestId('plan-target').textContent()).resolves.toBe('6 hours');
    const list = page.getByTestId('loop-list');
    await expect(list.textContent()).resolves.toContain('Review within the hour');
    expect(await list.getByTestId('cadence-tag').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('audit-row').count()).resolves.toBe(5);
    // When the loops were read, as on every page.
    await expect(page.getByTestId('updated-at').textContent()).resolves.toMatch(/^Updated at \d/);
    await shot(page, 'loops-1280');

    // The running loop: figures so far, no verdict, no arrows saying better or worse.
    await list.getByRole('link', { name: /Review within the hour/ }).click();
    await expect.poll(() => detail.getByTestId('loop-name').textContent(), { timeout: 5_000 }).toBe('Review within the hour');
    await expect(detail.getByTestId('running-tag').count()).resolves.toBe(1);
    await expect(detail.getByTestId('verdict').textContent()).resolves.toMatch(/^No verdict yet: this loop runs until/);
    await expect(detail.getByTestId('compare-table').locator('thead').textContent()).resolves.toContain('This loop, so far');
    await expect(detail.locator('.change-arrow, .change-worse, .change-better').count()).resolves.toBe(0);
    await expect(detail.getByTestId('change-so-far').first().textContent()).resolves.toMatch(/^so far: /);
    await expect(list.locator('[data-loop-id]').filter({ hasText: 'Review within the hour' }).textContent()).resolves.not.toContain(
      'Check:',
    );

    // Health's loop was planned three days after it began: marked so, with why.
    await openLoops(page, '/loops/department/health');
    await page
      .getByTestId('loop-list')
      .getByRole('link', { name: /Weekly change advisory board/ })
      .click();
    await expect.poll(() => detail.getByTestId('loop-name').textContent(), { timeout: 5_000 }).toBe('Weekly change advisory board');
    await expect(detail.getByTestId('retrospective-tag').textContent()).resolves.toMatch(/^Retrospective plan/);
    await expect(detail.getByTestId('retrospective-note').textContent()).resolves.toMatch(/Planned on .+, after the loop had started/);
    await expect(detail.getByTestId('decision').textContent()).resolves.toMatch(/Abandon/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps the loop history, the Check against the previous loop and a retro link when a loop is planned', async () => {
    const scope = 'team:licensing';
    const before = await loopsOf(scope);
    expect(before.derived).toBe(true);
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    // A retro link to a cadence loop, kept before anything is planned; the plan below covers half of it.
    const target = before.items.at(-3)!;
    await openLoops(page, `/loops/team/licensing?loop=${encodeURIComponent(target.id)}`);
    await page.getByTestId('retro-link').click();
    await page.getByTestId('retro-summary').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('updated-at').textContent()).resolves.toMatch(/^Updated at \d/);
    const retroUrl = page.url();
    await expect(page.locator('main h1').textContent()).resolves.toBe(`Retro: ${target.name}`);

    // Plan a loop over the second half of the next cadence loop and the first days of the one after.
    const from = new Date(Date.parse(target.from) + 7 * DAY_MS).toISOString().slice(0, 10);
    const to = new Date(Date.parse(target.to) + 3 * DAY_MS).toISOString().slice(0, 10);
    const planned = await fetch(`${h.server.url}/api/v1/loops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        scope,
        name: 'Licence renewals in one step',
        from,
        to,
        plan: { metric: 'leadTime', target: 1, unit: 'days', hypothesis: 'One form instead of three.' },
      }),
    });
    expect(planned.status).toBe(201);

    // The retro link still opens the same loop, now its first half.
    await page.goto(retroUrl);
    await page.getByTestId('retro-summary').waitFor({ timeout: 15_000 });
    await expect(page.locator('main h1').textContent()).resolves.toBe(`Retro: ${target.name}`);
    await expect(page.getByTestId('retro-pick').count()).resolves.toBe(0);
    await expect(page.getByTestId('retro-dates').textContent()).resolves.toContain('against “');

    // The loops page: every cadence loop before is still there; the one planned over keeps its id, clipped.
    await openLoops(page, '/loops/team/licensing');
    const ids = await page.getByTestId('loop-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-loop-id')));
    for (const l of before.items.slice(0, -3)) expect(ids).toContain(l.id);
    expect(ids).toContain(target.id);
    const item = page.locator(`[data-testid="loop-item"][data-loop-id="${target.id}"]`);
    await item.getByRole('link').click();
    await page.locator(`[data-testid="loop-detail"][data-loop-id="${target.id}"]`).waitFor({ timeout: 5_000 });
    // The planned loop is checked against that clipped cadence loop, and says so.
    await page
      .getByTestId('loop-list')
      .getByRole('link', { name: /Licence renewals in one step/ })
      .click();
    await expect.poll(() => page.getByTestId('loop-name').textContent(), { timeout: 5_000 }).toBe('Licence renewals in one step');
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(/^Lead time against the previous loop: /);
    await expect(page.getByTestId('compare-table').locator('tbody tr').first().textContent()).resolves.not.toContain('no previous loop');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the Check on a phone as cards, axe clean at 390 px, with a loop picked by keyboard', async () => {
    const page = await h.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const problems = watch(page);
    await openLoops(page, '/loops/team/appointments');
    const table = page.getByTestId('compare-table');
    await table.scrollIntoViewIfNeeded();
    // Nothing of the Check is cut off or off to the side.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const right = await table.evaluate((t) => Math.max(...[...t.querySelectorAll('td, th')].map((c) => c.getBoundingClientRect().right)));
    expect(right).toBeLessThanOrEqual(390);
    // Each figure says what it is.
    await expect(
      table
        .locator('tr[data-metric="leadTime"] td')
        .first()
        .evaluate((td) => getComputedStyle(td, '::before').content),
    ).resolves.toBe('"This loop"');
    await shot(page, 'loops-check-390');
    expect(await axeProblems(page)).toEqual([]);

    // By keyboard: Tab to another loop in the list, Enter, and its Check is shown.
    await page.getByTestId('loop-list').getByRole('link').first().focus();
    let name = '';
    for (let i = 0; i < 12 && !/Move to the new pipeline/.test(name); i++) {
      await page.keyboard.press('Tab');
      name = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(name).toMatch(/Move to the new pipeline/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('loop-name').textContent(), { timeout: 5_000 }).toBe('Move to the new pipeline');
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(
      /^Lead time against the previous loop: slower, unlikely to be noise/,
    );
    expect(await axeProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

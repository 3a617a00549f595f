/**
 * The retro printed, in headless Chromium on the demo: one landscape sheet of A4 and of US
 * Letter (pages counted from the PDF Chromium renders), with the charts of the loop against the
 * previous one, no date controls, and on screen tables that grow with the page (no inner scroll
 * box cutting a row).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopsResponse } from '../../common/api';
import { ARTIFACTS, settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

/** `/Type /Page` objects, not `/Type /Pages` (the tree that holds them). */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

describe('the retro printed', () => {
  it('fits one landscape sheet of A4 and of Letter, with the charts of the loop against the last, and no date controls', async () => {
    const loops = (await (
      await fetch(`${h.server.url}/api/v1/loops?scope=team:appointments&from=${day(-90)}&to=${day(1)}`)
    ).json()) as LoopsResponse;
    const loop = loops.items.find((l) => l.name === 'Deploy on every merge again')!;
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/retro/team/appointments?loop=${loop.id}`);
    await page.getByTestId('retro-change-row').first().waitFor({ timeout: 15_000 });
    await settled(page);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Retro: Deploy on every merge again');
    // The global date range would do nothing here: it is not offered.
    await expect(page.getByTestId('range-from').count()).resolves.toBe(0);
    // Two bars in each chart: the previous loop and this one.
    const charts = page.getByTestId('retro-charts');
    await expect(charts.locator('canvas').count()).resolves.toBe(2);
    await charts.getByTestId('loop-lead-time-chart').getByText('Show the figures as a table').click();
    await expect(charts.getByTestId('loop-lead-time-chart').locator('tbody tr').allTextContents()).resolves.toEqual([
      expect.stringContaining('Move to the new pipeline'),
      expect.stringContaining('Deploy on every merge again'),
    ]);
    // Every change is on the page: the table is not a scroll box with a row cut in half.
    const box = await page
      .getByTestId('retro-changes')
      .locator('table')
      .evaluate((t) => {
        let el: HTMLElement | null = t.parentElement;
        const cut: string[] = [];
        while (el && el !== document.body) {
          const s = getComputedStyle(el);
          if ((s.overflowY === 'auto' || s.overflowY === 'scroll') && el.scrollHeight > el.clientHeight + 1) cut.push(el.className);
          el = el.parentElement;
        }
        return cut;
      });
    expect(box).toEqual([]);
    await shot(page, 'retro-1280');

    const a4 = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    writeFileSync(join(ARTIFACTS, 'retro-print-a4.pdf'), a4);
    expect(pdfPageCount(a4)).toBe(1);
    const letter = await page.pdf({ format: 'Letter', landscape: true, printBackground: true });
    writeFileSync(join(ARTIFACTS, 'retro-print-letter.pdf'), letter);
    expect(pdfPageCount(letter)).toBe(1);
    expect(pdfPageCount(await page.pdf({ preferCSSPageSize: true, printBackground: true }))).toBe(1);

    // What the sheet shows: the check, the charts, the first changes and a note saying how many more there are.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 980, height: 718 });
    await expect(page.getByTestId('retro-charts').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('compare-table').isVisible()).resolves.toBe(true);
    await expect(page.locator('.print-only').first().textContent()).resolves.toMatch(/^The first 6 of \d+ slowest changes/);
    await page.screenshot({ path: join(ARTIFACTS, 'retro-print.png'), fullPage: true });
    // The short printed lead-time chart labels only the ticks that fit: their labels do not overlap.
    const leadTime = charts.getByTestId('loop-lead-time-chart').locator('canvas');
    const [ticks, height] = await leadTime.evaluate((c: HTMLCanvasElement) => [c.dataset.yTicks ?? '', c.clientHeight] as const);
    expect(ticks).not.toBe('');
    expect(ticks.split(', ').length).toBeLessThanOrEqual(Math.floor(height / 20) + 1);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

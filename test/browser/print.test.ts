/**
 * The executive summary printed: one landscape sheet, A4 or Letter, with no controls. Chromium
 * renders the PDF; its pages are counted from the PDF's own page objects.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserHarness, summaryShown, type BrowserHarness } from '../helpers/chromium';

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

describe('print', () => {
  it('fits the executive summary on one landscape sheet of A4 or Letter, without the controls', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${h.server.url}/`);
    await summaryShown(page);

    const a4 = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    writeFileSync(join(ARTIFACTS, 'summary-print-a4.pdf'), a4);
    expect(pdfPageCount(a4)).toBe(1);
    const letter = await page.pdf({ format: 'Letter', landscape: true, printBackground: true });
    expect(pdfPageCount(letter)).toBe(1);
    // The stylesheet's own paper size, as a person printing would get it.
    expect(pdfPageCount(await page.pdf({ preferCSSPageSize: true, printBackground: true }))).toBe(1);

    // What the sheet shows: the figures, not the controls. A4 landscape is 297 × 210 mm, 1123 × 794 CSS px.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 1047, height: 718 });
    for (const hidden of ['.header-controls', '.skip-link', '[data-testid="csv-link"]', '.site-footer']) {
      const shown = await page.locator(hidden).evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
      expect(shown, hidden).toBe(0);
    }
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(718);
    await page.screenshot({ path: join(ARTIFACTS, 'summary-print.png'), fullPage: true });
    await page.close();
  }, 30_000);
});

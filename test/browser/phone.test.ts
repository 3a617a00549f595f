/**
 * The executive summary on a phone (390 px wide): the departments table scrolls sideways in a
 * region reached by keyboard, its first column stays in view, a line of words says more columns
 * wait, names wrap between words; the page itself never scrolls sideways; axe finds nothing.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot, startBrowserHarness, summaryShown, type BrowserHarness } from '../helpers/chromium';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
interface AxeWindow {
  axe: { run: (context: Document, options: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
}

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

describe('the executive summary at 390 px', () => {
  it('scrolls its table sideways by keyboard with the first column in view, says so, and passes axe', async () => {
    const context = await h.browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${h.server.url}/`);
    await summaryShown(page);

    // The page itself fits the phone; only the table's region scrolls.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const region = page.getByRole('region', { name: /Departments, table: scrolls sideways/ });
    await expect(region.count()).resolves.toBe(1);
    await expect(page.getByTestId('scroll-cue').textContent()).resolves.toMatch(/More columns to the right/);
    await expect(page.getByTestId('scroll-cue').isVisible()).resolves.toBe(true);

    // Names wrap between words: no line of a department's name ends inside a word.
    const names = await page.getByTestId('department-link').evaluateAll((links) =>
      links.map((a) => {
        const range = document.createRange();
        range.selectNodeContents(a);
        const lines = [...range.getClientRects()].length;
        return { text: a.textContent ?? '', lines, words: (a.textContent ?? '').split(/\s+/).length };
      }),
    );
    for (const n of names) expect(n.lines, n.text).toBeLessThanOrEqual(n.words);

    // Keyboard: Tab reaches the region (from the "Download CSV" link before it), the arrow key scrolls it.
    await page.getByTestId('departments').getByTestId('csv-link').first().focus();
    await page.keyboard.press('Tab');
    expect(await region.evaluate((el) => el === document.activeElement)).toBe(true);
    const firstName = page.getByTestId('department-link').first();
    const before = (await firstName.boundingBox())!;
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
    // The first column stayed where it was; the cue now points back.
    const after = (await firstName.boundingBox())!;
    expect(Math.abs(after.x - before.x)).toBeLessThan(2);
    await expect(page.getByTestId('scroll-cue').textContent()).resolves.toMatch(/Back to the first columns|More columns to the right/);
    // The next Tab goes into the table: the first sort button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('table')?.getAttribute('data-testid'))).toBe('summary-table');
    await shot(page, 'summary-phone-scrolled');

    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
    });
    await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () =>
      (
        await (window as unknown as AxeWindow).axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        })
      ).violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`)),
    );
    expect(violations).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'summary-phone');
    await context.close();
  }, 60_000);

  it('shows the whole table with no cue and no extra tab stop on a desktop', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${h.server.url}/`);
    await summaryShown(page);
    await expect(page.getByTestId('scroll-cue').count()).resolves.toBe(0);
    await expect(page.getByTestId('summary-scroll').getAttribute('tabindex')).resolves.toBeNull();
    await page.close();
  }, 30_000);
});

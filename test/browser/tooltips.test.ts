/**
 * Every chart's tooltip, as chart.js draws it on the canvas: at full opacity on hover and on
 * keyboard focus, saying the value with its unit and the count it rests on; the dark box is
 * really on the canvas, and a screen reader hears the same words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;
let team: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  const org = (await (await fetch(`${h.server.url}/api/v1/org`)).json()) as OrgResponse;
  team = org.teams.find((t) => t.services.length > 0)!.id;
}, 60_000);

afterAll(async () => {
  await h?.close();
}, 20_000);

interface Drawn {
  opacity: number;
  lines: string[];
  dark: boolean;
}

/** What the chart on this canvas shows in its tooltip now, and whether its dark box is on the pixels. */
async function drawn(canvas: Locator): Promise<Drawn> {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const chart = (window as unknown as { demingChartOf: (c: HTMLCanvasElement) => any }).demingChartOf(el);
    const t = chart.tooltip;
    const lines: string[] = [...t.title, ...t.body.flatMap((b: { lines: string[] }) => b.lines), ...t.afterBody, ...t.footer];
    // The box's padding above and below its text, in the middle (chart.js draws at the device pixel ratio).
    const ratio = chart.currentDevicePixelRatio;
    const darkAt = (x: number, y: number) => {
      const px = el.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
      return px[0] < 80 && px[1] < 80 && px[2] < 80 && px[3] > 200;
    };
    const dark = t.width > 0 && darkAt(t.x + t.width / 2, t.y + 2) && darkAt(t.x + t.width / 2, t.y + t.height - 2);
    return { opacity: t.opacity, lines, dark };
  });
}

/** Waits until the tooltip has finished fading in (or times out with what it shows). */
async function fullyShown(page: Page, canvas: Locator): Promise<Drawn> {
  await page
    .waitForFunction(
      (el) => {
        const chart = (window as unknown as { demingChartOf: (c: Element) => any }).demingChartOf(el!);
        return chart.tooltip.opacity === 1;
      },
      await canvas.elementHandle(),
      { timeout: 3000 },
    )
    .catch(() => {});
  return drawn(canvas);
}

/** Hovers the chart where a bar or point is: scans across the middle of its plot area until a tooltip opens. */
async function hover(page: Page, canvas: Locator): Promise<void> {
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const area = await canvas.evaluate((el: HTMLCanvasElement) => {
    const c = (window as unknown as { demingChartOf: (c: HTMLCanvasElement) => any }).demingChartOf(el).chartArea;
    return { left: c.left, right: c.right, bottom: c.bottom };
  });
  for (let x = area.right - 10; x > area.left; x -= 15) {
    await page.mouse.move(box.x + x, box.y + area.bottom - 4);
    const active = await canvas.evaluate(
      (el: HTMLCanvasElement) =>
        (window as unknown as { demingChartOf: (c: HTMLCanvasElement) => any }).demingChartOf(el).tooltip._active.length,
    );
    if (active > 0) return;
  }
  throw new Error('no bar or point to hover');
}

const CHARTS: [string, RegExp, RegExp][] = [
  ['lead-time-canvas', /^p50 \(median\): \d/, /^from \d[\d,]* changes?$/],
  ['deployments-canvas', /^\d[\d,]* deployments?$/, /^successful, to production$/],
  ['failure-rate-canvas', /^\d+(\.\d)?% of deployments failed$/, /^\d+ of \d[\d,]* deployments?/],
  ['restore-time-canvas', /^Time to restore, median: \d/, /^from \d+ incidents? resolved$/],
];

describe('chart tooltips', () => {
  it('show on hover at full opacity with the value, its unit and the count, on every chart of a scope page', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/team/${team}`);
    await settled(page);
    for (const [id, value, count] of CHARTS) {
      const canvas = page.getByTestId(id).locator('canvas');
      await hover(page, canvas);
      const t = await fullyShown(page, canvas);
      expect(t.opacity, id).toBe(1);
      expect(t.dark, `${id}: the tooltip's box is drawn on the canvas`).toBe(true);
      expect(
        t.lines.some((l) => value.test(l)),
        `${id}: ${t.lines.join(' | ')}`,
      ).toBe(true);
      expect(
        t.lines.some((l) => count.test(l)),
        `${id}: ${t.lines.join(' | ')}`,
      ).toBe(true);
      if (id === 'lead-time-canvas') await shot(page, 'tooltip-lead-time');
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('show on keyboard focus, move with the arrow keys, and are said to screen readers', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${h.server.url}/team/${team}`);
    await settled(page);
    const panel = page.getByTestId('deployments-canvas');
    const canvas = panel.locator('canvas');
    // Tab from the panel's "Download CSV" reaches the canvas: it is in the tab order.
    await page.getByTestId('deployments-chart').getByTestId('csv-link').focus();
    await page.keyboard.press('Tab');
    expect(await canvas.evaluate((el) => el === document.activeElement)).toBe(true);
    const first = await fullyShown(page, canvas);
    expect(first.opacity).toBe(1);
    expect(first.dark).toBe(true);
    // The latest bucket first; the words are in the polite region beside the canvas.
    const said = await panel.getByTestId('chart-tooltip-text').textContent();
    expect(said).toContain(first.lines.find((l) => /deployments?$/.test(l)));
    await page.keyboard.press('ArrowLeft');
    const second = await fullyShown(page, canvas);
    expect(second.opacity).toBe(1);
    expect(second.lines[0]).not.toBe(first.lines[0]); // another week's title
    expect(await panel.getByTestId('chart-tooltip-text').textContent()).toContain(second.lines[0]);
    await shot(page, 'tooltip-keyboard');
    // Escape and leaving the chart put the tooltip away.
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      (el) => (window as unknown as { demingChartOf: (c: Element) => any }).demingChartOf(el!).tooltip.opacity === 0,
      await canvas.elementHandle(),
    );
    expect(await panel.getByTestId('chart-tooltip-text').textContent()).toBe('');
    await page.close();
  }, 60_000);

  it('show on the process behaviour chart with the change count and the signal explained', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${h.server.url}/loops/team/${team}`);
    await page.getByTestId('xmr-canvas').waitFor({ timeout: 20_000 });
    await settled(page);
    for (const [id, count] of [
      ['xmr-canvas', /^from \d+ changes?$/],
      ['xmr-range-canvas', null],
    ] as const) {
      const canvas = page.getByTestId(id).locator('canvas');
      await hover(page, canvas);
      const t = await fullyShown(page, canvas);
      expect(t.opacity, id).toBe(1);
      expect(t.dark, id).toBe(true);
      expect(
        t.lines.some((l) => /: \d/.test(l)),
        t.lines.join(' | '),
      ).toBe(true);
      if (count)
        expect(
          t.lines.some((l) => count.test(l)),
          t.lines.join(' | '),
        ).toBe(true);
    }
    await page.close();
  }, 60_000);
});

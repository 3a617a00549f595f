/**
 * While a first backfill still reads older history, the dashboard says how far back the data
 * goes ("History from 2025-03 so far; backfill running") and marks the baseline provisional; once
 * the backfill has reached its horizon, both go away. In headless Chromium at desktop and phone
 * widths, over a real server whose collector cursors say where the backfill is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';
import { collectorCursorRow } from '../../collectors/shared/cursors';

let h: BrowserHarness;
let service: string;

/** Writes the pull requests cursor of a service's repository as the GitHub collector does, with older history left or not. */
async function backfillAt(reached: string | null): Promise<void> {
  const state = { watermark: '2026-11-30T00:00:00Z', ...(reached ? { older: { after: 'Y3Vyc29yOjEwMA==', reached } } : {}) };
  await h.server.store.ingestBatch([], {
    production: /^prod(uction)?$/i,
    now: Date.now(),
    resolveTeam: () => null,
    cursors: [collectorCursorRow('github', `${service.toLowerCase()}:pulls`, state, null)],
  });
}

beforeAll(async () => {
  h = await startBrowserHarness({});
  service = (await h.server.store.readOrganisation()).services[0].name;
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

describe('a backfill under way', () => {
  it.each([
    [1280, 'desktop'],
    [390, 'phone'],
  ])('says how far back the history goes and marks the baseline provisional until it is complete, at %i px', async (width, name) => {
    const page = await h.browser.newPage({ viewport: { width, height: 900 } });
    const problems = watch(page);
    try {
      await backfillAt('2025-03-14T09:00:00.000Z');
      await page.goto(`${h.server.url}/org`);
      await settled(page);
      expect(await page.getByTestId('backfill-notice').innerText()).toMatch(/^History from 2025-03 so far; backfill running\./);
      expect(await page.getByTestId('baseline-provisional').count()).toBe(1);
      expect(await page.getByTestId('baseline-note').innerText()).toMatch(/^Provisional: the backfill is still reading older history/);
      await shot(page, `backfill-running-${name}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);

      // The backfill reaches its horizon: no older history left in the cursor.
      await backfillAt(null);
      await page.reload();
      await settled(page);
      await page.getByTestId('baseline-note').waitFor();
      expect(await page.getByTestId('backfill-notice').count()).toBe(0);
      expect(await page.getByTestId('baseline-provisional').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

/**
 * The drill-down by keyboard alone (Tab and Enter): from the executive summary to a department,
 * a team and a service, with the focus visible at every stop and put on the new page's heading
 * after every move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { join } from 'node:path';
import { ARTIFACTS, settled, startBrowserHarness, summaryShown, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

interface Focused {
  tag: string;
  testId: string | null;
  text: string;
  visible: boolean;
  onScreen: boolean;
}

/** What has the focus, and whether it shows: an outline or a box-shadow (the house focus style), on screen. */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', testId: null, text: '', visible: false, onScreen: false };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow !== 'none' && cs.boxShadow !== '';
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      testId: el.getAttribute('data-testid'),
      text: (el.textContent ?? '').trim(),
      visible: outline || shadow,
      onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth,
    };
  });

/** Presses Tab until the focus is on what `wanted` accepts; every stop on the way must show its focus. */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, max = 120): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f.visible, `focus not visible on <${f.tag}> "${f.text.slice(0, 40)}"`).toBe(true);
    if (wanted(f)) return f;
  }
  throw new Error(`no focusable element matched within ${max} presses of Tab`);
}

describe('keyboard', () => {
  it('drills down from the summary to a service with Tab and Enter only, the focus always visible', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    const org = (await (await fetch(`${h.server.url}/api/v1/org`)).json()) as OrgResponse;
    const department = org.departments[org.departments.length - 1];
    const team = org.teams.find((t) => t.id === department.teams[0])!;
    const service = team.services[team.services.length - 1];

    await page.goto(`${h.server.url}/`);
    await summaryShown(page);

    // The first stop is the skip link, shown when focused; Enter takes the focus to the main content.
    const skip = await tabTo(page, () => true);
    expect(skip).toMatchObject({ tag: 'a', text: 'Skip to the figures', onScreen: true });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // Sort by a column from the keyboard.
    await tabTo(page, (f) => f.testId === 'sort-changeFailureRate');
    await page.keyboard.press('Enter');
    await expect(page.locator('th', { has: page.getByTestId('sort-changeFailureRate') }).getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );

    // Summary → department.
    const toDepartment = await tabTo(page, (f) => f.testId === 'department-link' && f.text === department.name);
    expect(toDepartment.onScreen).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'keyboard-summary-focus.png') });
    await page.keyboard.press('Enter');
    await page.getByTestId('scope-title').filter({ hasText: department.name }).waitFor();
    // The focus moved to the new page's heading, where reading starts.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await settled(page);

    // Department → team → service, through the children tables.
    await tabTo(page, (f) => f.testId === 'child-link' && f.text === team.name);
    await page.keyboard.press('Enter');
    await page.getByTestId('scope-title').filter({ hasText: team.name }).waitFor();
    await settled(page);
    await tabTo(page, (f) => f.testId === 'child-link' && f.text === service);
    await page.screenshot({ path: join(ARTIFACTS, 'keyboard-team-focus.png') });
    await page.keyboard.press('Enter');
    await page.getByTestId('scope-title').filter({ hasText: service }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/service/${service}`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(service);

    // On the service page, the links to the slowest change's commit and pull request are reachable too.
    await settled(page);
    const commit = await tabTo(page, (f) => f.testId === 'commit-link');
    expect(commit.text).toMatch(/^commit [0-9a-f]{7} \(opens in a new tab\)$/);
    expect(problems).toEqual([]);
    await page.close();
  }, 40_000);
});

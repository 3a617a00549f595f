/**
 * A team lead's PDCA loops in headless Chromium on the demo organisation: cadence loops first,
 * then a loop planned through the form (refused once, with the message beside its field), its
 * check, its act kept across a reload, its retro, the next loop showing the decision, the process
 * behaviour chart with its limits and signals, and a deletion with its audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LoopsResponse, OrgResponse } from '../../common/api';
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
const json = async <T>(path: string): Promise<T> => (await (await fetch(`${h.server.url}${path}`)).json()) as T;
const status = (page: Page) => page.getByTestId('loops-status').textContent();

/** Fills the plan form; the hypothesis is left as it is when `hypothesis` is undefined. */
async function fillPlan(page: Page, v: { name: string; from?: string; to?: string; target: string; unit: string; hypothesis?: string }) {
  const form = page.getByTestId('plan-form');
  await form.getByTestId('plan-name').fill(v.name);
  if (v.from) await form.getByTestId('plan-from').fill(v.from);
  if (v.to) await form.getByTestId('plan-to').fill(v.to);
  await form.getByTestId('plan-metric').selectOption('leadTime');
  await form.getByTestId('plan-target').fill(v.target);
  await form.getByTestId('plan-unit').selectOption(v.unit);
  if (v.hypothesis !== undefined) await form.getByTestId('plan-hypothesis').fill(v.hypothesis);
}

describe('loops view', () => {
  it('plans a loop, checks it, records the act, and the next loop shows the decision', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    const org = await json<OrgResponse>('/api/v1/org');
    // A team the demo planned nothing for (it plans in the first teams a newcomer opens).
    const team = org.teams.find((t) => t.services.length > 0 && t.id !== 'appointments')!;

    // From the team's dashboard, the tab opens its loops: cadence loops, since none is recorded.
    await page.goto(`${h.server.url}/team/${team.id}`);
    await page.getByTestId('tab-loops').click();
    await page.waitForURL(new RegExp(`/loops/team/${team.id}$`));
    await page.getByTestId('loop-item').first().waitFor({ timeout: 15_000 });
    await settled(page);
    await expect(page.getByTestId('cadence-notice').textContent()).resolves.toContain(
      `No improvement loop is recorded for ${team.name} yet`,
    );
    expect(await page.getByTestId('cadence-tag').count()).toBeGreaterThan(3);
    await expect(page.getByTestId('loop-detail').getByTestId('verdict').textContent()).resolves.toMatch(
      /faster|slower|no detectable change|too few changes/,
    );
    await shot(page, 'loops-cadence');

    // Plan: the server refuses an empty hypothesis, and says so beside the field.
    await page.getByTestId('plan-open').click();
    await fillPlan(page, { name: 'Smaller pull requests', from: day(-42), to: day(-29), target: '6', unit: 'hours', hypothesis: '' });
    await page.getByTestId('plan-submit').click();
    const hypothesisError = page.locator('[data-field="hypothesis"]').getByTestId('error-hypothesis');
    await expect(hypothesisError.textContent({ timeout: 5_000 })).resolves.toMatch(/say what you expect/i);
    await expect(page.getByTestId('plan-hypothesis').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByTestId('plan-errors').textContent()).resolves.toMatch(/say what you expect/i);
    await page.getByTestId('plan-hypothesis').fill('Pull requests under 200 lines are reviewed the same day, so changes wait less.');
    await page.getByTestId('plan-submit').click();
    await expect.poll(() => status(page), { timeout: 5_000 }).toBe('Planned “Smaller pull requests”.');

    // The planned loop takes its place among the cadence loops, which stay, with its target on the lead-time chart.
    await expect
      .poll(() => page.locator('[data-testid="loop-item"]:not(:has([data-testid="cadence-tag"]))').count(), { timeout: 5_000 })
      .toBe(1);
    await expect(page.getByTestId('cadence-notice').count()).resolves.toBe(0);
    expect(await page.getByTestId('cadence-tag').count()).toBeGreaterThan(3);
    const detail = page.getByTestId('loop-detail');
    await expect(detail.getByTestId('loop-name').textContent()).resolves.toBe('Smaller pull requests');
    await expect(detail.getByTestId('plan-target').textContent()).resolves.toBe('6 hours');
    // The first loop planned is checked against the cadence loop before it.
    await expect(detail.getByTestId('verdict').textContent()).resolves.toMatch(
      /^Lead time against the previous loop: (faster|slower|no detectable change|too few changes)/,
    );
    await expect(detail.getByTestId('compare-table').locator('tr[data-metric="leadTime"] td').last().textContent()).resolves.toMatch(/\d/);
    const leadChart = page.getByTestId('loop-lead-time-chart');
    await leadChart.getByText('Show the figures as a table').click();
    await expect(
      leadChart.locator('table tbody tr').filter({ hasText: 'Smaller pull requests' }).locator('td').last().textContent(),
    ).resolves.toBe('6 hours');

    // Act: adopt, with notes; the decision stays after a reload.
    await detail.getByTestId('decision-adopt').check();
    await detail.getByTestId('act-notes').fill('Keep the 200-line limit; add it to the team agreement.');
    await detail.getByTestId('act-submit').click();
    await expect.poll(() => status(page), { timeout: 5_000 }).toBe('Recorded the decision on “Smaller pull requests”: adopt.');
    await expect(detail.getByTestId('decision').textContent()).resolves.toMatch(/Adopt/);
    await page.reload();
    await page.getByTestId('decision').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('decision').textContent()).resolves.toContain('Keep the 200-line limit');

    // The retro of the loop: its changes, its plan and its act on one page; then back.
    await page.getByTestId('retro-link').click();
    await page.waitForURL(/\/retro\/team\/[^?]+\?from=.+&loop=\d+/);
    await page.getByTestId('retro-change-row').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('main h1').textContent()).resolves.toBe('Retro: Smaller pull requests');
    await expect(page.getByTestId('retro-plan').textContent()).resolves.toContain('Pull requests under 200 lines');
    await expect(page.getByTestId('retro-act').textContent()).resolves.toContain('Keep the 200-line limit');
    await page.getByTestId('back-to-loops').click();
    await page.getByTestId('loop-detail').waitFor({ timeout: 15_000 });

    // The next loop starts where the last one ended, and shows the decision taken on it.
    await page.getByTestId('plan-open').click();
    await expect(page.getByTestId('plan-from').inputValue()).resolves.toBe(day(-28));
    await fillPlan(page, {
      name: 'Deploy on merge',
      target: '2',
      unit: 'hours',
      hypothesis: 'Deploying each merge at once removes the wait for the daily release.',
    });
    await page.getByTestId('plan-submit').click();
    await expect
      .poll(() => page.locator('[data-testid="loop-item"]:not(:has([data-testid="cadence-tag"]))').count(), { timeout: 5_000 })
      .toBe(2);
    await expect(detail.getByTestId('loop-name').textContent()).resolves.toBe('Deploy on merge');
    await expect(detail.getByTestId('previous-act').textContent()).resolves.toMatch(/Adopt.*Keep the 200-line limit/);
    await expect(detail.getByTestId('verdict').textContent()).resolves.toMatch(
      /Lead time against the previous loop: (faster|slower|no detectable change|too few changes).*\(p [<=] [\d.]+\)|too few changes/,
    );
    await expect(detail.getByTestId('compare-table').locator('tbody tr').first().textContent()).resolves.toMatch(
      /faster|slower|about the same/,
    );
    await expect(page.getByTestId('audit-row').count()).resolves.toBe(3);
    await settled(page);
    await shot(page, 'loops-planned');
    expect(await axeProblems(page)).toEqual([]);

    // The process behaviour chart over 18 months: centre line, limits, and signals explained in its table.
    await page.getByTestId('preset-18m').click();
    const xmr = page.getByTestId('xmr-chart');
    await xmr.getByTestId('xmr-canvas').waitFor({ timeout: 15_000 });
    await expect(xmr.getByTestId('xmr-centre').textContent()).resolves.toMatch(/centre line \(mean\): \d/);
    await expect(xmr.getByTestId('xmr-limits').textContent()).resolves.toMatch(/natural process limits: .+ to \d/);
    await xmr.getByText('Show the figures as a table').click();
    const weeks = await xmr.locator('tbody tr').count();
    expect(weeks).toBeGreaterThan(70);
    await expect(xmr.locator('tbody').textContent()).resolves.toMatch(/natural process limit|in a row (above|below) the centre line/);
    await settled(page);
    await xmr.screenshot({ path: 'test/artifacts/loops-xmr.png' });

    // Delete the second loop, after a confirmation; the audit trail keeps it.
    await page.getByTestId('loop-item').filter({ hasText: 'Deploy on merge' }).getByRole('link').click();
    await page.getByTestId('delete-loop').click();
    await page.getByTestId('delete-yes').click();
    await expect.poll(() => status(page), { timeout: 5_000 }).toMatch(/^Deleted “Deploy on merge”/);
    await expect
      .poll(() => page.locator('[data-testid="loop-item"]:not(:has([data-testid="cadence-tag"]))').count(), { timeout: 5_000 })
      .toBe(1);
    // The audit trail is read again after the delete: wait for it as for the list.
    await expect.poll(() => page.locator('[data-testid="audit-row"][data-action="delete"]').count(), { timeout: 5_000 }).toBe(1);
    const left = await json<LoopsResponse>(`/api/v1/loops?scope=team:${team.id}&from=${day(-60)}`);
    expect(left.items.filter((l) => !l.derived).map((l) => l.name)).toEqual(['Smaller pull requests']);

    // The one refused plan shows as the console error of its failed request; nothing else may.
    expect(problems.filter((p) => /status of 400/.test(p))).toHaveLength(1);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.close();
  }, 45_000);
});

/**
 * The journeys of the executive and the delivery manager, clicked through in headless Chromium
 * on the demo organisation; then the summary's live notice, its error, empty and loading states.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { OrgResponse, SummaryResponse } from '../../common/api';
import { settled, shot, startBrowserHarness, summaryShown, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;
let empty: BrowserHarness;

beforeAll(async () => {
  [h, empty] = await Promise.all([startBrowserHarness(), startBrowserHarness({ DEMING_DEMO: 'off' })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([h?.close(), empty?.close()]);
}, 20_000);

const json = async <T>(path: string): Promise<T> => (await (await fetch(`${h.server.url}${path}`)).json()) as T;
const rowNames = (page: Page) => page.getByTestId('summary-row').locator('th[scope="row"] a').allTextContents();

describe('executive summary', () => {
  it('shows every department, sorts by a column and opens a department', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    const summary = await json<SummaryResponse>('/api/v1/summary');
    await page.goto(`${h.server.url}/`);
    await summaryShown(page);

    expect(await page.locator('h1').allTextContents()).toEqual(['Executive summary']);
    await expect(page.getByTestId('headline-lead-time').getByTestId('headline-value').textContent()).resolves.toMatch(/\d/);
    await expect(page.getByTestId('headline-sentence').textContent()).resolves.toMatch(
      /^Median lead time went from .+ at baseline to .+: [\d,]+× faster\.$/,
    );
    await expect(page.getByTestId('summary-row').count()).resolves.toBe(summary.departments.length);
    // Default order: by name. Every row has a speed-up sentence, a sparkline with words, and bands in words.
    const byName = summary.departments.map((d) => d.department.name).sort((a, b) => a.localeCompare(b, 'en-GB'));
    expect(await rowNames(page)).toEqual(byName);
    const first = page.getByTestId('summary-row').first();
    await expect(first.getByTestId('speedup-cell').textContent()).resolves.toMatch(/× faster/);
    await expect(first.getByTestId('sparkline').getAttribute('aria-label')).resolves.toMatch(
      /^Median lead time by month, \w+ \d{4} to \w+ \d{4}: /,
    );
    await expect(first.getByTestId('band-bar').textContent()).resolves.toMatch(/\d+ (elite|high|medium|low)/);
    await shot(page, 'summary');

    // Sort by lead time: a real button in the header, aria-sort on its <th>, rows reordered, twice flips.
    const header = page.locator('th', { has: page.getByTestId('sort-nowLeadTime') });
    await page.getByTestId('sort-nowLeadTime').click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    const ascending = [...summary.departments]
      .sort((a, b) => (a.metrics.now.leadTimeP50 ?? Infinity) - (b.metrics.now.leadTimeP50 ?? Infinity))
      .map((d) => d.department.name);
    await expect.poll(() => rowNames(page)).toEqual(ascending);
    await expect(page.getByTestId('sort-caption').textContent()).resolves.toBe(
      'Sorted by lead time median, last 90 days, from lowest to highest.',
    );
    await page.getByTestId('sort-nowLeadTime').click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('descending');
    await expect.poll(() => rowNames(page)).toEqual([...ascending].reverse());
    expect(await page.locator('th[aria-sort]').count()).toBe(1);
    await shot(page, 'summary-sorted');

    // The CSV beside the table is the same read, as CSV.
    const csvHref = await page.getByTestId('departments').getByTestId('csv-link').first().getAttribute('href');
    expect(csvHref).toMatch(/^\/api\/v1\/summary\?.*format=csv/);
    const csv = await fetch(`${h.server.url}${csvHref}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^department,/);

    // The trend table holds the sparklines' figures.
    await page.getByText('Show the last 12 months as a table').click();
    await expect(page.getByTestId('trend-table').locator('tbody tr').count()).resolves.toBe(12);

    // Into a department, and back.
    const target = ascending[0];
    await page.getByTestId('department-link').filter({ hasText: target }).click();
    await page.getByTestId('scope-title').filter({ hasText: target }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/department\//);
    await page.goBack();
    await summaryShown(page);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('tells the user, politely and in place, when new events arrive', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${h.server.url}/`);
    await summaryShown(page);
    await page.locator('[data-testid="connection"][data-status="live"][role="status"]').waitFor();
    await expect(page.getByTestId('connection').textContent()).resolves.toContain('Live updates on');
    await expect(page.getByTestId('live-status').getAttribute('aria-live')).resolves.toBe('polite');
    await page.evaluate(() => {
      (window as unknown as { __marker: number }).__marker = 1;
    });
    const org = await json<OrgResponse>('/api/v1/org');
    const service = org.services[0].name;
    const sha = randomBytes(20).toString('hex');
    const now = Date.now();
    const res = await fetch(`${h.server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { type: 'change', service, sha, committedAt: new Date(now - 3_600_000).toISOString() },
        {
          type: 'deployment',
          id: `summary-live-${sha.slice(0, 8)}`,
          service,
          environment: 'production',
          status: 'success',
          sha,
          finishedAt: new Date(now - 60_000).toISOString(),
        },
      ]),
    });
    expect(res.status).toBe(200);
    await expect
      .poll(() => page.getByTestId('live-status').textContent(), { timeout: 5_000 })
      .toMatch(/Figures updated at|arrived|^Updated: /);
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    await page.close();
  }, 20_000);

  it("shows the server's message, a loading state, and what to do when there is no data", async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${h.server.url}/?from=2026-03-01&to=2026-02-01`);
    await expect(page.getByTestId('error').first().textContent()).resolves.toContain('from: must be before to.');
    await shot(page, 'summary-error');

    // A slow answer shows a loading state, not a blank page.
    await page.route('**/api/v1/summary*', async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await page.goto(`${h.server.url}/`);
    await expect(page.getByTestId('loading').first().textContent()).resolves.toContain('Loading the summary');
    await page.close();

    const fresh = await empty.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await fresh.goto(`${empty.server.url}/`);
    await expect(fresh.getByTestId('empty').textContent()).resolves.toMatch(/No deployments yet: configure a source .* or send events/);
    await shot(fresh, 'summary-empty');
    await fresh.close();
  }, 20_000);
});

describe('delivery manager drill-down', () => {
  it('goes department → team → service by the children tables, with all four trends and links to the changes', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watch(page);
    const org = await json<OrgResponse>('/api/v1/org');
    const department = org.departments[0];
    const team = org.teams.find((t) => t.id === department.teams[0])!;
    const service = team.services[0];

    await page.goto(`${h.server.url}/department/${department.id}`);
    await settled(page);
    const children = page.getByTestId('children');
    await expect(children.locator('h2').textContent()).resolves.toBe(`Teams in ${department.name}`);
    await expect(children.getByTestId('child-row').count()).resolves.toBe(department.teams.length);
    for (const chart of ['lead-time-chart', 'deployments-chart', 'failure-rate-chart', 'restore-time-chart']) {
      await expect(page.getByTestId(chart).locator('canvas').count(), chart).resolves.toBe(1);
      await expect(page.getByTestId(chart).getByTestId('chart-summary').textContent(), chart).resolves.toMatch(/ per week, .+: /);
      await expect(page.getByTestId(chart).getByTestId('csv-link').getAttribute('href'), chart).resolves.toMatch(
        /^\/api\/v1\/metrics\/series\?scope=department.*format=csv$/,
      );
    }
    await shot(page, 'department');

    await children.getByTestId('child-link').filter({ hasText: team.name }).click();
    await page.getByTestId('scope-title').filter({ hasText: team.name }).waitFor();
    await settled(page);
    await expect(page.getByTestId('children').locator('h2').textContent()).resolves.toBe(`Services in ${team.name}`);
    await shot(page, 'team');

    await page.getByTestId('children').getByTestId('child-link').filter({ hasText: service }).click();
    await page.getByTestId('scope-title').filter({ hasText: service }).waitFor();
    await settled(page);
    expect(new URL(page.url()).pathname).toBe(`/service/${service}`);
    await expect(page.getByTestId('children').count()).resolves.toBe(0);
    const firstChange = page.getByTestId('change-row').first();
    await expect(firstChange.getByTestId('commit-link').getAttribute('href')).resolves.toMatch(/^https?:\/\/.+\/commit\/[0-9a-f]{40}$/);
    await expect(firstChange.getByTestId('pr-link').getAttribute('href')).resolves.toMatch(/^https?:\/\/.+\/pull\/\d+$/);
    // The demo's deployments have no page of their own: the cell names the deployment instead of linking.
    await expect(firstChange.locator('td').last().textContent()).resolves.toMatch(/\d{4}.*#\d+$/);
    await page.getByTestId('failure-rate-chart').getByText('Show the figures as a table').click();
    await expect(page.getByTestId('failure-rate-chart').locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    await shot(page, 'service');

    // The breadcrumb goes back up, and the browser's back and forward work.
    await page.getByTestId('breadcrumb-link').filter({ hasText: department.name }).click();
    await page.getByTestId('scope-title').filter({ hasText: department.name }).waitFor();
    await page.goBack();
    await page.getByTestId('scope-title').filter({ hasText: service }).waitFor();
    await page.goForward();
    await page.getByTestId('scope-title').filter({ hasText: department.name }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);
});

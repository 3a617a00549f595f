/**
 * Live cues on a scope page, against a real server (no demo) fed over HTTP: the feed shows the
 * recent history the moment the page opens (status, title, severity, links); an event posted
 * while the page is open marks the tiles it moved and says so in the polite live region; the
 * page says when it was last updated.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;
const SERVICE = 'acme/web';
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const sha = () => randomBytes(20).toString('hex');

async function send(events: unknown[]): Promise<void> {
  const r = await fetch(`${h.server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(r.status, await r.text()).toBe(200);
}

beforeAll(async () => {
  h = await startBrowserHarness({ DEMING_DEMO: 'off' });
  const [a, b] = [sha(), sha()];
  await send([
    { type: 'change', service: SERVICE, sha: a, committedAt: ago(30 * HOUR) },
    {
      type: 'deployment',
      id: 'web-ok',
      service: SERVICE,
      environment: 'production',
      status: 'success',
      sha: a,
      finishedAt: ago(26 * HOUR),
      url: 'https://ci.example/web/ok',
    },
    { type: 'change', service: SERVICE, sha: b, committedAt: ago(8 * HOUR) },
    {
      type: 'deployment',
      id: 'web-failed',
      service: SERVICE,
      environment: 'production',
      status: 'failure',
      sha: b,
      finishedAt: ago(6 * HOUR),
    },
    {
      type: 'incident',
      id: 'inc-1',
      service: SERVICE,
      openedAt: ago(5 * HOUR),
      title: 'Sign-in page down',
      severity: 'SEV1',
      url: 'https://pager.example/inc-1',
    },
  ]);
}, 60_000);

afterAll(async () => {
  await h?.close();
}, 20_000);

describe('live cues', () => {
  it('shows the recent history in the feed as soon as the page opens: status, incident title and severity, links', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/service/${SERVICE}`);
    await settled(page);
    const items = page.getByTestId('feed-item');
    await items.first().waitFor();
    // Newest first: the incident, the failed deployment (never "1 deployment"), the good one.
    expect(await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-status')]))).toEqual([
      ['incident', 'open'],
      ['deployment', 'failed'],
      ['deployment', 'success'],
    ]);
    const texts = await items.allTextContents();
    expect(texts[0]).toContain('Incident opened');
    expect(texts[0]).toContain('Sign-in page down');
    expect(texts[0]).toContain('SEV1');
    expect(texts[1]).toContain('Failed deployment to production');
    expect(texts[2]).toContain('Deployed to production');
    expect(texts.join(' ')).not.toMatch(/\b1 deployment\b/);
    // Links: to the incident and the deployment at their source, and to the service's page; none where there is no URL.
    await expect(items.nth(0).getByTestId('feed-source-link').getAttribute('href')).resolves.toBe('https://pager.example/inc-1');
    await expect(items.nth(2).getByTestId('feed-source-link').getAttribute('href')).resolves.toBe('https://ci.example/web/ok');
    expect(await items.nth(1).getByTestId('feed-source-link').count()).toBe(0);
    await expect(items.nth(1).getByTestId('feed-service-link').getAttribute('href')).resolves.toBe(`/service/${SERVICE}`);
    // When the figures were read.
    await expect(page.getByTestId('updated-at').textContent()).resolves.toMatch(/^Updated at \d\d:\d\d:\d\d$/);
    await shot(page, 'live-feed-history');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('marks the tiles an event moved, says so politely, and puts the event at the top of the feed', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${h.server.url}/service/${SERVICE}`);
    await settled(page);
    await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 10_000 });
    const tile = page.getByTestId('tile-deployment-frequency');
    expect(await tile.getAttribute('data-changed')).toBeNull();
    const status = page.getByTestId('live-status');
    expect(await status.getAttribute('aria-live')).toBe('polite');

    const c = sha();
    await send([
      { type: 'change', service: SERVICE, sha: c, committedAt: ago(2 * HOUR) },
      {
        type: 'deployment',
        id: 'web-live',
        service: SERVICE,
        environment: 'production',
        status: 'success',
        sha: c,
        finishedAt: ago(60_000),
      },
    ]);
    await expect.poll(() => tile.getAttribute('data-changed'), { timeout: 5_000 }).toBe('true');
    await expect(tile.getByTestId('tile-changed').textContent()).resolves.toContain('updated');
    await expect(page.getByTestId('tile-lead-time').getAttribute('data-changed')).resolves.toBe('true');
    // Tiles the event did not move stay as they were.
    await expect(page.getByTestId('tile-time-to-restore').getAttribute('data-changed')).resolves.toBeNull();
    await expect
      .poll(() => status.textContent(), { timeout: 5_000 })
      .toMatch(/^Updated: change lead time now .+, from 2 changes; deployment frequency now .+ per week, from 2 deployments/);
    const first = page.getByTestId('feed-item').first();
    await expect.poll(() => first.textContent(), { timeout: 5_000 }).toContain('Deployed to production');
    await expect(first.getAttribute('class')).resolves.toContain('feed-new');
    await shot(page, 'live-cue');
    // The mark is for a moment only.
    await expect.poll(() => tile.getAttribute('data-changed'), { timeout: 10_000 }).toBeNull();
    await page.close();
  }, 60_000);

  it('says when the executive summary was updated, and marks the headline figures an event moved', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${h.server.url}/`);
    await page.getByTestId('updated-at').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('updated-at').textContent()).resolves.toMatch(/^Updated at \d\d:\d\d:\d\d$/);
    await page.getByTestId('summary-headline').waitFor();
    await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 10_000 });
    const figure = page.getByTestId('headline-deployment-frequency');
    expect(await figure.getAttribute('data-changed')).toBeNull();
    await send([
      { type: 'deployment', id: 'web-summary', service: SERVICE, environment: 'production', status: 'success', finishedAt: ago(30_000) },
    ]);
    await expect.poll(() => figure.getAttribute('data-changed'), { timeout: 5_000 }).toBe('true');
    await expect(page.getByTestId('headline-time-to-restore').getAttribute('data-changed')).resolves.toBeNull();
    await expect
      .poll(() => page.getByTestId('live-status').textContent(), { timeout: 5_000 })
      .toMatch(/^Updated: deployment frequency now .+ per week, from \d+ deployments/);
    await page.close();
  }, 30_000);
});

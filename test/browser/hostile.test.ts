/**
 * Hostile text from events, in headless Chromium: service names, deployment ids, incident titles,
 * a loop's name, hypothesis and notes that look like HTML, SQL, bidirectional or invisible
 * unicode, or that run on for thousands of characters. The API refuses most of these in names
 * now; a database from before holds them, so they are stored as an older version did. Every page
 * that shows them must show them as text, run nothing, link nowhere but http(s), and keep its layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { pathForScope } from '../../client/lib/scope';
import { loopsPath, retroPath, retroSearch } from '../../client/lib/loops-paths';
import { shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import type { NativeEvent } from '../../common/events';

const SVG = 'acme/<svg/onload=window.__pwned=1>';
const SQL = `acme/'";DROP-TABLE-deployments;--`;
const UNICODE = 'acme/\u202Egnp.exe\u200B\u200D\u2066👩‍💻🚀مرحبا\u2069';
const LONG_SERVICE = `acme/${'W'.repeat(195)}`;
/** A right-to-left name the API still takes (letters of any script). */
const RTL = 'acme/مرحبا-عالم';
const IMG = '<img src=x onerror=window.__pwned=1>';
const DROP = `'; DROP TABLE deployments;--`;
const LONG_TITLE = 'T'.repeat(500);
const LOOP_NAME = '<b>Loop</b><img src=x onerror=window.__pwned=1>';
const HYPOTHESIS = `<script>window.__pwned=1</script> ${DROP} ${'H'.repeat(1500)}`;
const NOTES = 'N'.repeat(5000);
const TEN_THOUSAND = 'Z'.repeat(10_000);

const DAY_MS = 86_400_000;
let h: BrowserHarness;
let dir: string;
let loopId: string;
let loop: { id: string; from: string; to: string };

async function send(path: string, body: unknown, method = 'POST'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const sha = (i: number) => `${i}`.padStart(4, '0').repeat(10);

beforeAll(async () => {
  const events = [SVG, SQL, UNICODE, LONG_SERVICE, RTL].flatMap((service, i) => [
    { type: 'change', service, sha: sha(i + 1), committedAt: iso(3 * DAY_MS + 6 * 3_600_000), url: `https://git.example/${i}` },
    {
      type: 'deployment',
      id: `deploy-${i}`,
      service,
      environment: 'production',
      status: 'success',
      sha: sha(i + 1),
      startedAt: iso(3 * DAY_MS + 600_000),
      finishedAt: iso(3 * DAY_MS),
      url: `https://ci.example/${i}`,
    },
  ]);
  const failed = ['<script>window.__pwned=1</script>', DROP].map((id, i) => ({
    type: 'deployment',
    id,
    service: SVG,
    environment: 'production',
    status: 'failure',
    startedAt: iso(3 * DAY_MS - 3_600_000 * (i + 1)),
    finishedAt: iso(3 * DAY_MS - 3_600_000 * (i + 1) - 60_000),
    url: `https://ci.example/failed-${i}`,
  }));
  const incidents = [IMG, DROP, `\u202Eevil\u200B 🚀 مرحبا`, LONG_TITLE].map((title, i) => ({
    type: 'incident',
    id: `incident-${i}`,
    service: SVG,
    openedAt: iso(2 * DAY_MS + i * 60_000),
    resolvedAt: iso(2 * DAY_MS - 3_600_000),
    severity: '<b>sev1</b>',
    title,
    url: `https://pager.example/${i}`,
  }));
  // The API now refuses such service names and titles (DESIGN.md, "Security"), but a database
  // from before holds them: stored as an older version did, so every page must still show them as text.
  dir = mkdtempSync(join(tmpdir(), 'deming-hostile-'));
  const legacy = openDatabase(join(dir, 'deming.db'));
  ingestEvents(legacy, [...events, ...failed, ...incidents] as NativeEvent[], {
    production: /^prod(uction)?$/i,
    now: Date.now(),
    resolveTeam: () => null,
  });
  legacy.close();
  h = await startBrowserHarness({ DEMING_DB: join(dir, 'deming.db') });

  // The server keeps what it must never store: a script URL, a 10,000-character name or title.
  expect(
    (await send('/api/v1/events', [{ type: 'incident', id: 'x', service: SVG, openedAt: iso(DAY_MS), url: 'javascript:alert(1)' }])).status,
  ).toBe(400);
  expect(
    (await send('/api/v1/events', [{ type: 'incident', id: 'x', service: `acme/${TEN_THOUSAND}`, openedAt: iso(DAY_MS) }])).status,
  ).toBe(400);
  expect(
    (await send('/api/v1/events', [{ type: 'incident', id: 'x', service: SVG, openedAt: iso(DAY_MS), title: TEN_THOUSAND }])).status,
  ).toBe(400);

  const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
  const planned = await send('/api/v1/loops', {
    scope: `service:${SVG}`,
    name: LOOP_NAME,
    from: day(-10),
    to: day(-1),
    plan: { metric: 'leadTime', target: 6, unit: 'hours', hypothesis: HYPOTHESIS },
  });
  expect(planned.status, JSON.stringify(planned.body)).toBe(201);
  loopId = planned.body.id;
  expect((await send(`/api/v1/loops/${loopId}`, { act: { decision: 'adapt', notes: NOTES } }, 'PATCH')).status).toBe(200);
  loop = { id: loopId, from: `${day(-10)}T00:00:00Z`, to: `${day(-1)}T00:00:00Z` };
}, 60_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
}, 20_000);

/** What must hold on every page: nothing ran, nothing was parsed as markup, no script link, no sideways scroll. */
async function harmless(page: Page, name: string): Promise<void> {
  const found = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    scriptLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action') ?? e.getAttribute('formaction') ?? '')
      .filter((v) => /^\s*(javascript|data|vbscript):/i.test(v) && v !== 'data:,'),
    handlers: document.querySelectorAll('[onload], [onerror], [onclick], main script, main img, main b').length,
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  expect(found.pwned, `${name}: a script ran`).toBeUndefined();
  expect(found.scriptLinks, `${name}: script links`).toEqual([]);
  expect(found.handlers, `${name}: markup from data`).toBe(0);
  expect(found.sideways, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
}

const text = (page: Page) => page.locator('body').innerText();

describe('hostile strings', () => {
  it('are shown as text on every page that shows them, and run nothing', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);
    const org = (await (await fetch(`${h.server.url}/api/v1/org`)).json()) as OrgResponse;
    const teamId = org.services.find((s) => s.name === SVG)!.teamId;

    // The service page: its name as the heading, whole.
    await page.goto(`${h.server.url}${pathForScope(`service:${SVG}`)}`);
    await page.getByTestId('scope-title').filter({ hasText: SVG }).waitFor({ timeout: 15_000 });
    await page.getByTestId('change-row').first().waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('scope-title').textContent()).resolves.toBe(SVG);
    await harmless(page, 'service');

    // Its team: every hostile name in the links down, the slowest changes and the picker; and one arriving live.
    await page.goto(`${h.server.url}${pathForScope(`team:${teamId}`)}`);
    await page.getByTestId('change-row').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 10_000 });
    const feed = await send('/api/v1/events', [{ type: 'change', service: RTL, sha: sha(9), committedAt: iso(3_600_000) }]);
    expect(feed.status).toBe(200);
    await expect
      .poll(
        () =>
          page
            .getByTestId('feed-item')
            .first()
            .textContent()
            .catch(() => ''),
        { timeout: 5_000 },
      )
      .toContain(RTL);
    const body = await text(page);
    for (const s of [SVG, SQL, LONG_SERVICE]) expect(body, s.slice(0, 30)).toContain(s);
    expect(body).toContain('<svg/onload=');
    // Each name isolated in the picker's list, so a right-to-left override in one cannot run on past it.
    for (const s of [SVG, SQL, UNICODE, LONG_SERVICE]) {
      await page.getByTestId('scope-picker').fill(s.slice(0, 40));
      const options = await page.getByTestId('scope-options').locator('.combobox-name').allTextContents();
      expect(options, s.slice(0, 30)).toContain(`\u2068${s}\u2069`);
    }
    await page.getByTestId('scope-picker').press('Escape');
    await page.getByTestId('scope-picker').press('Escape');
    await harmless(page, 'team');
    await shot(page, 'hostile-team');

    // The organisation and the summary.
    await page.goto(`${h.server.url}/org`);
    await page.getByTestId('change-row').first().waitFor({ timeout: 15_000 });
    await harmless(page, 'org');
    await page.goto(`${h.server.url}/`);
    await page.getByTestId('summary-row').first().waitFor({ timeout: 15_000 });
    await harmless(page, 'summary');

    // The loops view: the loop's name, hypothesis and 5,000-character notes as text.
    await page.goto(`${h.server.url}${loopsPath(`service:${SVG}`)}?loop=${loopId}`);
    await page.getByTestId('loop-name').filter({ hasText: LOOP_NAME }).waitFor({ timeout: 15_000 });
    const loops = await text(page);
    expect(loops).toContain(LOOP_NAME);
    expect(loops).toContain('<script>window.__pwned=1</script>');
    expect(loops).toContain(NOTES);
    await harmless(page, 'loops');
    await shot(page, 'hostile-loops');

    // The retro: the incidents' titles, the failed deployments' ids.
    await page.goto(`${h.server.url}${retroPath(`service:${SVG}`)}${retroSearch(loop)}`);
    await page.getByTestId('retro-incident-row').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('retro-failed-row').first().waitFor({ timeout: 10_000 });
    const incidents = await page.getByTestId('retro-incidents').innerText();
    for (const t of [IMG, DROP, LONG_TITLE]) expect(incidents).toContain(t);
    expect(incidents).toContain('<b>sev1</b>');
    await expect(page.getByTestId('retro-failed').innerText()).resolves.toContain('<script>window.__pwned=1</script>');
    await expect(page.getByTestId('retro-incidents').locator('a').first().getAttribute('href')).resolves.toMatch(
      /^https:\/\/pager\.example\//,
    );
    await harmless(page, 'retro');
    await shot(page, 'hostile-retro');

    // A 10,000-character name in the address: the page says there is no such service, quoting the name cut short.
    await page.goto(`${h.server.url}/service/acme/${TEN_THOUSAND}`);
    await page.getByTestId('not-found').waitFor({ timeout: 15_000 });
    const notFound = await page.getByTestId('not-found').innerText();
    expect(notFound).toContain(`This organisation has no service “acme/${'Z'.repeat(114)}…”`);
    await expect(page.getByTestId('not-found').locator('bdi').count()).resolves.toBe(1);
    expect(notFound.length).toBeLessThan(500);
    await harmless(page, 'not-found');
    await shot(page, 'hostile-10000');
    await page.goto(`${h.server.url}/loops/service/acme/${TEN_THOUSAND}`);
    await page.getByTestId('not-found').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('not-found').innerText()).resolves.toContain('…”');
    await harmless(page, 'loops-not-found');

    expect(problems).toEqual([]);
    await context.close();
  }, 45_000);
});

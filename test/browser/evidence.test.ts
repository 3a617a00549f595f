/**
 * Issue 15 in headless Chromium: a service whose last deployment is months old, with no
 * incident source, and a service with one incident. The empty range's hint, "no incident
 * data" with its hint, "too few to band", the benchmark panel, and the executive page's
 * benchmark line and lead-time trend since the baseline, at desktop and phone widths.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { NativeEventInput } from '../../common/events';
import { change, deployment, incident, sha } from '../helpers/factories';
import { settled, shot, startBrowserHarness, summaryShown, watch, type BrowserHarness } from '../helpers/chromium';

const H = 3_600_000,
  DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
/** Sixty daily deployments that ended 200 days ago: outside the default 90-day view. */
const FIRST = today - 260 * DAY;

function daily(service: string, days: number): NativeEventInput[] {
  const out: NativeEventInput[] = [];
  for (let i = 0; i < days; i++) {
    const deployed = FIRST + i * DAY + 10 * H;
    const s = sha(`${service} ${i}`);
    out.push(change({ service, sha: s, committedAt: at(deployed - 3 * H), parents: i > 0 ? [sha(`${service} ${i - 1}`)] : [] }));
    out.push(deployment({ service, id: `${service}-${i}`, sha: s, finishedAt: at(deployed) }));
  }
  return out;
}

let h: BrowserHarness;
beforeAll(async () => {
  const config = join(mkdtempSync(join(tmpdir(), 'deming-evidence-')), 'deming.config.yaml');
  writeFileSync(
    config,
    stringify({
      organisation: [
        { id: 'records', name: 'Public Records', teams: [{ id: 'archive', name: 'Archive', services: ['gov/app', 'gov/api'] }] },
      ],
    }),
  );
  h = await startBrowserHarness({ DEMING_DEMO: 'off', DEMING_CONFIG: config });
  const events = [
    ...daily('gov/app', 60),
    ...daily('gov/api', 6),
    // gov/api's one incident: opened after its third deployment, resolved two hours later.
    incident({
      service: 'gov/api',
      id: 'inc-1',
      openedAt: at(FIRST + 2 * DAY + 12 * H),
      resolvedAt: at(FIRST + 2 * DAY + 14 * H),
      deploymentId: 'gov/api-2',
    }),
  ];
  const r = await fetch(`${h.server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: h.server.url },
    body: JSON.stringify(events),
  });
  expect(r.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

describe('figures a department can defend', () => {
  it.each([
    [1280, 'desktop'],
    [390, 'phone'],
  ])('a service with old data and no incident source, at %i px', async (width, name) => {
    const page = await h.browser.newPage({ viewport: { width, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/service/gov/app`);
    await settled(page);
    // The default 90 days hold nothing: the page says when the last data is and offers that range.
    const hint = page.getByTestId('empty-range');
    const last = new Date(FIRST + 59 * DAY + 10 * H).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    await expect(hint.textContent()).resolves.toContain(`its last data is from ${last}`);
    await shot(page, `evidence-empty-range-${name}`);
    await page.getByTestId('show-last-data').click();
    await page.getByTestId('tile-lead-time').getByTestId('tile-count').filter({ hasText: '60 changes' }).waitFor();
    await settled(page);
    expect(new URL(page.url()).searchParams.get('to')).toBe(new Date(FIRST + 59 * DAY).toISOString().slice(0, 10));
    // "Now" is the 90 days to the range's last day, whatever its start.
    await expect(page.getByTestId('now-note').textContent()).resolves.toContain(`Now: the 90 days to ${last}, 60 changes`);
    // No incident source: no rate, a hint how to connect one, and no band from it.
    const cfr = page.getByTestId('tile-change-failure-rate');
    await expect(cfr.getByTestId('tile-value').textContent()).resolves.toBe('No incident data');
    await expect(cfr.getByTestId('tile-detail').textContent()).resolves.toMatch(
      /Connect an incident source, or name the services .* evidence setting/,
    );
    await expect(page.getByTestId('tile-rework-rate').getByTestId('tile-value').textContent()).resolves.toBe('No rework data');
    await expect(page.getByTestId('tile-failed-deployment-recovery-time').getByTestId('tile-value').textContent()).resolves.toBe(
      'No incident data',
    );
    // DORA's groups and names.
    await expect(page.getByTestId('group-throughput').locator('h3.tile-title').allTextContents()).resolves.toEqual([
      'Change lead time',
      'Deployment frequency',
      'Failed deployment recovery time',
    ]);
    await expect(page.getByTestId('group-instability').locator('h3.tile-title').allTextContents()).resolves.toEqual([
      'Change fail rate',
      'Deployment rework rate',
    ]);
    // The benchmark: survey answers, not measurements, and where they come from.
    const panel = page.getByTestId('benchmark');
    await expect(panel.textContent()).resolves.toMatch(/survey answers, people's own estimates, not measurements/);
    await expect(panel.getByTestId('benchmark-source').textContent()).resolves.toMatch(/DORA Quick Check, 2025 edition .*Apache-2\.0/);
    await expect(panel.getByTestId('benchmark-change-failure-rate').getByTestId('ahead-government').textContent()).resolves.toBe(
      'no comparison',
    );
    await expect(panel.getByTestId('benchmark-lead-time').getByTestId('ahead-government').textContent()).resolves.toMatch(
      /^ahead of \d+% of Government answers$/,
    );
    await shot(page, `evidence-no-incident-data-${name}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a team where one service reports incidents: its share of services, and too few to band', async () => {
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    const from = new Date(FIRST - DAY).toISOString().slice(0, 10),
      to = new Date(FIRST + 70 * DAY).toISOString().slice(0, 10);
    await page.goto(`${h.server.url}/team/archive?from=${from}&to=${to}`);
    await settled(page);
    const cfr = page.getByTestId('tile-change-failure-rate');
    // gov/api from its incident's deployment (the 3rd): 4 deployments, 1 failed; gov/app reports nothing.
    await expect(cfr.getByTestId('tile-value').textContent()).resolves.toBe('25%');
    await expect(cfr.getByTestId('tile-evidence').textContent()).resolves.toBe('From 1 of 2 services: the others report no incidents.');
    await expect(cfr.getByTestId('band').textContent()).resolves.toBe('Too few to band');
    await expect(page.getByTestId('tile-time-to-restore').getByTestId('band').textContent()).resolves.toBe('Too few to band');
    await shot(page, 'evidence-too-few-to-band');
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each([
    [1280, 'desktop'],
    [390, 'phone'],
  ])('the executive summary at %i px: a benchmark line per department and the trend since the baseline', async (width, name) => {
    const page = await h.browser.newPage({ viewport: { width, height: 900 } });
    const problems = watch(page);
    const from = new Date(FIRST - DAY).toISOString().slice(0, 10),
      to = new Date(FIRST + 70 * DAY).toISOString().slice(0, 10);
    await page.goto(`${h.server.url}/?from=${from}&to=${to}`);
    await summaryShown(page);
    const row = page.getByTestId('summary-row').first();
    // gov/api's incident gives recovery and failure figures: the department has an average to compare.
    await expect(row.getByTestId('benchmark-cell').textContent()).resolves.toMatch(
      /^ahead of \d+% of Government answersscore \d+\.\d of 10; ahead of \d+% of all industries answers$/,
    );
    await expect(page.getByTestId('benchmark-note').textContent()).resolves.toMatch(
      /survey answers, not measurements, .* DORA's Quick Check \(2025 edition/,
    );
    await expect(page.getByTestId('baseline-trend-row').count()).resolves.toBe(1);
    await expect(page.getByTestId('baseline-mark').count()).resolves.toBe(1);
    await expect(page.getByTestId('headline-baseline').textContent()).resolves.toMatch(
      /Baseline: .* \(the first 90 days of data\), \d+ changes; 2 changes shipped by a service's first deployment left out/,
    );
    await shot(page, `evidence-summary-${name}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

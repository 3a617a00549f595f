/**
 * The retro of one loop in headless Chromium: two loops planned over the API, the first acted
 * on; the retro of the second shows it against the first on the five metrics, its changes
 * slowest first, its failed deployments and incidents, the decision before it, and records
 * its own act; printing leaves out the page's furniture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgResponse } from '../../common/api';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${h.server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { id: string } | null };
};

describe('retro view', () => {
  it('shows one loop against the last, what happened in it, and records its act', async () => {
    const org = (await (await fetch(`${h.server.url}/api/v1/org`)).json()) as OrgResponse;
    // Not Appointments: the demo has planned loops there.
    const team = org.teams.find((t) => t.services.length > 1 && t.id !== 'appointments')!;
    const scope = `team:${team.id}`;
    const first = await api('POST', '/api/v1/loops', {
      scope,
      name: 'Trunk-based development',
      from: day(-56),
      to: day(-28),
      plan: { metric: 'leadTime', target: 1, unit: 'days', hypothesis: 'Short-lived branches merge sooner.' },
    });
    expect(first.status).toBe(201);
    expect(
      (await api('PATCH', `/api/v1/loops/${first.body!.id}`, { act: { decision: 'adapt', notes: 'Keep it, but pair on reviews.' } }))
        .status,
    ).toBe(200);
    const second = await api('POST', '/api/v1/loops', {
      scope,
      name: 'Pair on reviews',
      from: day(-28),
      to: day(0),
      plan: { metric: 'changeFailureRate', target: 5, unit: 'percent', hypothesis: 'Two people see every change before it merges.' },
    });
    expect(second.status).toBe(201);

    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/retro/team/${team.id}?from=${day(-28)}&to=${day(-1)}&loop=${second.body!.id}`);
    await page.getByTestId('retro-change-row').first().waitFor({ timeout: 15_000 });
    await settled(page);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Retro: Pair on reviews');
    await expect(page.getByTestId('retro-dates').textContent()).resolves.toContain('against “Trunk-based development”');
    await expect(page.getByTestId('previous-act').textContent()).resolves.toMatch(/Adapt.*pair on reviews/);
    await expect(page.getByTestId('retro-plan').textContent()).resolves.toMatch(/Change fail rate: at most 5%/);

    // The five metrics, this loop and the last, the change in words.
    const rows = page.getByTestId('compare-table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(5);
    for (const text of await rows.allTextContents()) {
      expect(text).toMatch(/faster|slower|more often|less often|failures|rework|about the same|no comparison/);
      expect(text).not.toContain('no previous loop');
    }
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(/\(p [<=] [\d.]+\)|too few changes/);

    // Changes slowest first; failed deployments and incidents with their restore time.
    const seconds = await page.evaluate(
      async ([path]) => {
        const r = await fetch(path);
        const b = (await r.json()) as { items: { leadTime: number }[] };
        return b.items.map((c) => c.leadTime);
      },
      [`/api/v1/changes?scope=${scope}&from=${day(-28)}&to=${day(0)}&sort=slowest&limit=3`],
    );
    expect(seconds.length).toBeGreaterThan(0);
    expect(await page.getByTestId('retro-change-row').count()).toBeGreaterThan(0);
    await page.getByTestId('retro-failed').waitFor();
    const incidents = page.getByTestId('retro-incident-row');
    if ((await incidents.count()) > 0) await expect(incidents.first().locator('td').last().textContent()).resolves.toMatch(/\d|still open/);
    await shot(page, 'retro');

    // The act, recorded on the retro page itself.
    await page.getByTestId('retro-act').getByTestId('decision-adopt').check();
    await page.getByTestId('retro-act').getByTestId('act-notes').fill('Pairing stays.');
    await page.getByTestId('retro-act').getByTestId('act-submit').click();
    await expect
      .poll(() => page.getByTestId('loops-status').textContent(), { timeout: 5_000 })
      .toBe('Recorded the decision on “Pair on reviews”: adopt.');
    await expect(page.getByTestId('retro-act').getByTestId('decision').textContent()).resolves.toMatch(/Adopt.*Pairing stays\./);

    // Printed, the retro keeps its figures and drops the header, controls and forms.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
    await expect(page.getByTestId('retro-changes').isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // A loop that is not there: the loops of the range to pick from.
    await page.goto(`${h.server.url}/retro/team/${team.id}?loop=999999`);
    await expect(page.getByTestId('retro-pick').textContent({ timeout: 15_000 })).resolves.toContain('There is no loop “999999”');
    // The one 404 is the lookup of that loop; nothing else may fail.
    expect(problems.filter((p) => /status of 404/.test(p))).toHaveLength(1);
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await page.close();
  }, 40_000);
});

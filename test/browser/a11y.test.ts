/**
 * WCAG 2.1 A and AA on every page, by axe-core in headless Chromium on the demo organisation:
 * zero violations, with every "show the figures" table unfolded so they are checked too.
 * The server's CSP allows only its own scripts, so axe goes in through a context that bypasses it.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { OrgResponse } from '../../common/api';
import { settled, shot, startBrowserHarness, type BrowserHarness } from '../helpers/chromium';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SHOT_ELSEWHERE = new Set(['org', 'department', 'team', 'service']);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}
interface AxeResults {
  violations: AxeViolation[];
  passes: unknown[];
}
interface AxeWindow {
  axe: { run: (context: Document, options: unknown) => Promise<AxeResults> };
}

let h: BrowserHarness;
let context: BrowserContext;
let team: OrgResponse['teams'][number];

/** Every page, by the path it is opened at (the team is the demo's first with services). */
const pages: [string, () => string][] = [
  ['summary', () => '/'],
  ['org', () => '/org'],
  ['department', () => `/department/${team.departmentId}`],
  ['team', () => `/team/${team.id}`],
  ['service', () => `/service/${team.services[0]}`],
  ['loops', () => `/loops/team/${team.id}`],
  ['loops-org', () => '/loops'],
  ['retro', () => `/retro/team/${team.id}`],
  ['summary-error', () => '/?from=2026-03-01&to=2026-02-01'],
  ['not-found', () => '/no-such-page'],
  ['unknown-scope', () => '/team/no-such-team'],
  ['login', () => '/login?next=%2Forg'],
];

beforeAll(async () => {
  h = await startBrowserHarness();
  const org = (await (await fetch(`${h.server.url}/api/v1/org`)).json()) as OrgResponse;
  team = org.teams.find((t) => t.services.length > 0)!;
  context = await h.browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await h?.close();
}, 20_000);

/** axe's verdict, each violation as one readable line. */
async function audit(page: Page): Promise<{ violations: string[]; passes: number }> {
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(async (tags) => {
    const r = await (window as unknown as AxeWindow).axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return { violations: r.violations, passes: r.passes.length };
  }, WCAG_21_AA);
  const violations = results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
  );
  return { violations, passes: results.passes };
}

describe('accessibility: no WCAG 2.1 A or AA violation, one h1, the landmarks and a skip link', () => {
  for (const [name, path] of pages) {
    it(`on the ${name} page`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(`${h.server.url}${path()}`);
        await settled(page);
        // Unfold every table of figures, so axe checks them too.
        await page.evaluate(() => {
          for (const d of document.querySelectorAll('details')) d.open = true;
        });
        const { violations, passes } = await audit(page);
        expect(violations, name).toEqual([]);
        expect(passes, name).toBeGreaterThan(10);
        expect(await page.locator('h1').count(), `${name}: one h1`).toBe(1);
        for (const landmark of ['header', 'main#main', 'footer'])
          expect(await page.locator(landmark).count(), `${name}: ${landmark}`).toBe(1);
        await expect(page.locator('a.skip-link[href="#main"]').count()).resolves.toBe(1);
        await expect(page.title()).resolves.toMatch(/· Deming$/);
        // The other browser tests keep pictures of the scope pages; these are the rest, tables unfolded.
        if (!SHOT_ELSEWHERE.has(name)) await shot(page, `a11y-${name}`);
      } finally {
        await page.close();
      }
    }, 45_000);
  }
});

/**
 * How fast the executive summary shows its numbers on a first visit, in headless Chromium,
 * against a real server with the demo organisation in a temporary database.
 *
 *   npx vite build && npx tsx bench/page-load.ts [loads=7]
 *
 * (It also exports `run(args)`, as the modules of `bench/index.ts` do, and prints its report as JSON last.)
 *
 * Each measured load uses a fresh browser context (an empty cache, as on a first visit), after
 * one warm-up load. The clock runs from navigation start to the moment the organisation's
 * lead time and a department row both show a number. Also reports the JavaScript the page
 * loaded and the whole build's, gzipped. Not part of `npm test`: timings depend on the machine.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../server/config';
import { startServer } from '../server/server';

const BUDGET_MS = 1000;
const BUDGET_JS_KB = 300;
const ASSETS = join(process.cwd(), 'dist', 'client', 'assets');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Load {
  numbersAt: number;
  domContentLoaded: number;
  summaryApiEnd: number;
  scripts: string[];
}

/**
 * Runs in the page before its own scripts: notes when the summary's numbers are first on screen.
 * A string, not a function: tsx would wrap a function in helpers the page does not have.
 */
const WATCH_FOR_NUMBERS = `(() => {
  const shown = () => {
    const lead = document.querySelector('[data-testid="headline-lead-time"] [data-testid="headline-value"]');
    const row = document.querySelector('[data-testid="summary-row"] [data-testid="lead-time-cell"]');
    return Boolean(lead && /\\d/.test(lead.textContent || '') && row && /\\d/.test(row.textContent || ''));
  };
  const observer = new MutationObserver(() => {
    if (window.__numbersAt === undefined && shown()) {
      window.__numbersAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;

async function measure(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(WATCH_FOR_NUMBERS);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __numbersAt?: number }).__numbersAt !== undefined, undefined, {
    timeout: 15_000,
  });
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const summary = resources.find((r) => r.name.includes('/api/v1/summary'));
    return {
      numbersAt: (window as unknown as { __numbersAt: number }).__numbersAt,
      domContentLoaded: nav.domContentLoadedEventEnd,
      summaryApiEnd: summary?.responseEnd ?? NaN,
      scripts: resources.filter((r) => r.name.endsWith('.js')).map((r) => new URL(r.name).pathname),
    };
  });
  await context.close();
  return load;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const gzipKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;
const ms = (n: number) => `${Math.round(n)} ms`;

/** Measures `args[0]` loads (7 by default) and prints what it found, then the report as JSON. */
export async function run(args: string[]): Promise<unknown> {
  const LOADS = Number(args[0] ?? 7);
  if (!existsSync(ASSETS)) throw new Error('dist/client is missing: run `npx vite build` first.');
  const dir = mkdtempSync(join(tmpdir(), 'deming-bench-'));
  const started = Date.now();
  const server = await startServer(loadConfig({ DEMING_DB: join(dir, 'db.sqlite'), PORT: '0', DEMING_DEMO: 'on' }), { log: () => {} });
  console.log(`server with the demo organisation ready in ${ms(Date.now() - started)} at ${server.url}`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const warm = await measure(browser, `${server.url}/`);
    console.log(`warm-up load: numbers at ${ms(warm.numbersAt)}`);
    const loads: Load[] = [];
    for (let i = 0; i < LOADS; i++) loads.push(await measure(browser, `${server.url}/`));
    const numbers = loads.map((l) => l.numbersAt);
    console.log(`\nfirst visit (empty cache), ${LOADS} loads, navigation start → summary numbers visible:`);
    console.log(`  p50 ${ms(median(numbers))}  (min ${ms(Math.min(...numbers))}, max ${ms(Math.max(...numbers))}); budget ${BUDGET_MS} ms`);
    console.log(
      `  of which: DOMContentLoaded p50 ${ms(median(loads.map((l) => l.domContentLoaded)))}, /api/v1/summary answered p50 ${ms(median(loads.map((l) => l.summaryApiEnd)))}`,
    );

    const pageScripts = [...new Set(warm.scripts)].map((p) => join(ASSETS, basename(p)));
    const pageJs = pageScripts.reduce((sum, f) => sum + gzipKb(f), 0);
    const allJs = readdirSync(ASSETS)
      .filter((f) => f.endsWith('.js'))
      .reduce((sum, f) => sum + gzipKb(join(ASSETS, f)), 0);
    console.log(
      `\nJavaScript, gzipped: the summary page loads ${pageJs.toFixed(1)} kB (${pageScripts.map((f) => basename(f)).join(', ')});`,
    );
    console.log(`  the whole build is ${allJs.toFixed(1)} kB (charts and the loops views load on demand); budget ${BUDGET_JS_KB} kB`);
    const ok = median(numbers) < BUDGET_MS && pageJs < BUDGET_JS_KB;
    console.log(`\n${ok ? 'within' : 'OVER'} budget`);
    process.exitCode = ok ? 0 : 1;
    const report = {
      loads: LOADS,
      numbersVisibleMs: { p50: Math.round(median(numbers)), min: Math.round(Math.min(...numbers)), max: Math.round(Math.max(...numbers)) },
      domContentLoadedMsP50: Math.round(median(loads.map((l) => l.domContentLoaded))),
      summaryApiAnsweredMsP50: Math.round(median(loads.map((l) => l.summaryApiEnd))),
      javascriptGzipKb: { summaryPage: Math.round(pageJs * 10) / 10, wholeBuild: Math.round(allJs * 10) / 10 },
      budget: { ms: BUDGET_MS, javascriptGzipKb: BUDGET_JS_KB },
      withinBudget: ok,
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await run(process.argv.slice(2));

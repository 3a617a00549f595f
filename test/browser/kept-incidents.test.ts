/**
 * The "Incidents kept aside" page in headless Chromium: an Alertmanager incident no rule maps
 * (with the label that would map it), and one below the threshold (with the reason), at desktop
 * and phone widths; reached from the footer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, shot, startBrowserHarness, watch, type BrowserHarness } from '../helpers/chromium';
import { notification } from '../collectors/alertmanager/notifications';

const TOKEN = 'am-browser-token-0123456789';
let h: BrowserHarness;
beforeAll(async () => {
  const config = join(mkdtempSync(join(tmpdir(), 'deming-kept-')), 'deming.config.yaml');
  writeFileSync(
    config,
    `incidents:
  alertmanager:
    bearerTokens: [${TOKEN}]
    filter: ['env="production"']
    services: [{when: {service: booking}, service: health/booking}]
`,
  );
  h = await startBrowserHarness({ DEMING_DEMO: 'off', DEMING_CONFIG: config });
  const send = async (body: unknown) => {
    const r = await fetch(`${h.server.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
  };
  const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  await send(
    notification({ alertname: 'PaymentsDown' }, [
      { labels: { alertname: 'PaymentsDown', team: 'payments', env: 'production', severity: 'critical' }, startsAt: `${day}T09:00:00Z` },
    ]),
  );
  await send(
    notification({ alertname: 'DiskWarning' }, [
      {
        labels: { alertname: 'DiskWarning', service: 'booking', env: 'production', severity: 'warning' },
        startsAt: `${day}T10:00:00Z`,
        endsAt: `${day}T11:00:00Z`,
      },
    ]),
  );
}, 60_000);
afterAll(async () => {
  await h?.close();
}, 20_000);

describe('incidents kept aside', () => {
  it.each([
    [1280, 'desktop'],
    [390, 'phone'],
  ])('lists the unmapped and the skipped incidents with what to do, at %i px', async (width, name) => {
    const page = await h.browser.newPage({ viewport: { width, height: 900 } });
    const problems = watch(page);
    await page.goto(`${h.server.url}/org`);
    await page.getByRole('link', { name: 'Incidents kept aside' }).click();
    await settled(page);
    const unmapped = page.getByTestId('kept-unmapped');
    expect(await unmapped.innerText()).toMatch(/alertmanager[\s\S]*alertname\s*=\s*PaymentsDown/);
    const skipped = page.getByTestId('kept-skipped');
    expect(await skipped.innerText()).toMatch(/health\/booking[\s\S]*below the threshold: sev4 \(warning\)/);
    await shot(page, `kept-incidents-${name}`);
    const scrollsSideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(scrollsSideways).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});

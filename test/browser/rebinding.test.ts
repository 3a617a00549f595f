/**
 * DNS rebinding in a real browser: a page of another site whose name then resolves to 127.0.0.1
 * (Chromium's host-resolver rules play the attacker's DNS) tries to read the organisation,
 * ingest an event, plan a loop and open the live socket of a default install. Each is refused
 * by the Host check, and nothing is stored; the same calls from the server's own page work.
 * Chromium's Private/Local Network Access checks are turned off, as other browsers have none.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../helpers/chromium';
import { startTestServer } from '../helpers/server';
import { deployment } from '../helpers/factories';

const ATTACKER = 'rebind.attacker.test';
let s: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  s = await startTestServer({});
  await fetch(`${s.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([deployment({ service: 'rebind/app' })]),
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      ...CHROMIUM_ARGS,
      `--host-resolver-rules=MAP ${ATTACKER} 127.0.0.1`,
      // Chromium's own guard against public pages calling local addresses: off, as in browsers that have none, so the server's guard is what is tested.
      '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** What a script on the page gets from the server: the status of each call, and whether the live socket opened. */
async function probe(page: Page) {
  return page.evaluate(async () => {
    const json = { 'content-type': 'application/json' };
    const org = (await fetch('/api/v1/org')).status;
    const events = (
      await fetch('/api/v1/events', {
        method: 'POST',
        headers: json,
        body: JSON.stringify([
          {
            type: 'deployment',
            id: 'rebound-1',
            service: 'rebind/stolen',
            environment: 'production',
            status: 'success',
            finishedAt: '2026-03-04T00:00:00Z',
          },
        ]),
      })
    ).status;
    const loop = (
      await fetch('/api/v1/loops', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ scope: 'org', name: 'rebound', from: '2026-01-01', to: '2026-01-10' }),
      })
    ).status;
    const socket = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/socket.io/?EIO=4&transport=websocket`);
      ws.onopen = () => {
        ws.close();
        resolve('open');
      };
      ws.onerror = () => resolve('refused');
      setTimeout(() => resolve('timeout'), 5000);
    });
    return { org, events, loop, socket };
  });
}

it('refuses every call of a page whose name was rebound to loopback, and stores nothing', async () => {
  const port = new URL(s.url).port;
  const page = await browser.newPage();
  // The attacker's page, as first served by the attacker's own server before the name is rebound.
  await page.route(`http://${ATTACKER}:${port}/`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>cats</title><p>cute cats</p>' }),
  );
  await page.goto(`http://${ATTACKER}:${port}/`);
  expect(await probe(page)).toEqual({ org: 403, events: 403, loop: 403, socket: 'refused' });
  await page.close();

  // Nothing reached the database.
  const deployments = await (await fetch(`${s.url}/api/v1/deployments?from=2026-01-01&to=2026-06-01`)).json();
  expect(deployments.items.map((d: { service: string }) => d.service)).toEqual(['rebind/app']);
  const loops = await (await fetch(`${s.url}/api/v1/loops?scope=org&from=2025-12-01&to=2026-02-01`)).json();
  expect(loops.items.filter((l: { derived: boolean }) => !l.derived)).toEqual([]);
});

it("lets the server's own page make the same calls (the refusal is the Host, not the browser)", async () => {
  const page = await browser.newPage();
  await page.goto(`${s.url}/api/v1/health`);
  const own = await probe(page);
  expect(own).toEqual({ org: 200, events: 200, loop: 201, socket: 'open' });
  await page.close();
});

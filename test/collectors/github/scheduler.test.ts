/**
 * The collector inside the server: a first run soon after the start, the next one an interval
 * later, its state in the health answer (in full for viewers only), and a stop that aborts a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import { get, startTestServer } from '../../helpers/server';
import { acmeConfig } from './helpers';

const VIEWER = 'viewer-token-0123456789';
let fake: FakeGithubServer;

beforeAll(async () => {
  fake = await startFakeGithub(acme(), { tokens: ['test-token'], latencyMs: 20 });
});
afterAll(() => fake.close());

async function until<T>(what: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the in-server schedule', () => {
  it('runs soon after the start, then every interval, and shows it in the health answer', async () => {
    const config = acmeConfig(fake.apiUrl, { extra: '    interval: 10m' }).file;
    const s = await startTestServer({ DEMING_CONFIG: config, DEMING_VIEWER_TOKEN: VIEWER });
    try {
      const auth = { authorization: `Bearer ${VIEWER}` };
      const gh = await until(async () => {
        const c = (await get(`${s.url}/api/v1/health`, auth)).body.collectors.find((x: { name: string }) => x.name === 'github');
        return c?.lastRun ? c : undefined;
      });
      expect(gh).toMatchObject({
        kind: 'pull',
        state: 'idle',
        intervalSeconds: 600,
        progress: null,
        rateLimitRemaining: expect.any(Number),
      });
      expect(gh.lastRun).toMatchObject({
        requests: expect.any(Number),
        stored: expect.any(Number),
        errors: [{ resource: 'acme/gone', message: expect.stringMatching(/404/) }],
      });
      const next = Date.parse(gh.nextRunAt) - Date.parse(gh.lastRun.finishedAt);
      expect(next).toBeGreaterThan(590_000);
      expect(next).toBeLessThan(610_000);
      // Health is open to load balancers: without a viewer token, no repository names or errors.
      expect((await get(`${s.url}/api/v1/health`)).body.collectors).toEqual([{ name: 'github', kind: 'pull', ok: false }]);
    } finally {
      await s.stop();
    }
  });

  it('stops a run in progress when the server stops', async () => {
    const slow = await startFakeGithub(acme(), { tokens: ['test-token'], latencyMs: 400 });
    const s = await startTestServer({ DEMING_CONFIG: acmeConfig(slow.apiUrl, { extra: '    interval: 10m' }).file });
    try {
      await until(async () => {
        const c = (await get(`${s.url}/api/v1/health`)).body.collectors.find((x: { name: string }) => x.name === 'github');
        return c?.state === 'running' ? c : undefined;
      });
      const started = Date.now();
      await s.stop();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });
});

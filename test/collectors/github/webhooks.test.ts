/**
 * `POST /webhooks/github` on a real server: signatures, ignored types, duplicates, and the same
 * history delivered by webhooks and pulled by the collector giving the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme, NOW } from '../../fakes/github/acme';
import { deliveries, signature, type Delivery } from '../../fakes/github/deliveries';
import { startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import type { FakeGithub } from '../../fakes/github/scenario';
import { eitherDb } from '../../helpers/either-store';
import { startTestServer } from '../../helpers/server';
import { acmeConfig, collect, dumpDb } from './helpers';

const SECRET = 'It is a secret to everybody';
type Server = Awaited<ReturnType<typeof startTestServer>>;

let deliveryIds = 0;
/** Delivers as GitHub does; each delivery has its own id unless the test gives one (a redelivery keeps its id). */
async function deliver(url: string, event: string, payload: unknown, sign: string | null = SECRET, id = `delivery-${++deliveryIds}`) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': id,
    'user-agent': 'GitHub-Hookshot/abc',
  };
  if (sign !== null) headers['x-hub-signature-256'] = signature(sign, body);
  const res = await fetch(`${url}/webhooks/github`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

let scenario: FakeGithub;
let fake: FakeGithubServer;
let server: Server;
let all: Delivery[];

beforeAll(async () => {
  scenario = acme();
  fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
  server = await startTestServer({ DEMING_CONFIG: acmeConfig(fake.apiUrl).file, DEMING_GITHUB_WEBHOOK_SECRET: SECRET }, () => NOW);
  all = deliveries(scenario, fake.apiUrl);
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});

describe('GitHub webhooks', () => {
  const status = () =>
    all.find((d) => d.event === 'deployment_status' && (d.payload.deployment_status as { state: string }).state === 'success')!;

  it('refuses a delivery without a signature, or with a wrong one, and stores nothing', async () => {
    const unsigned = await deliver(server.url, 'deployment_status', status().payload, null);
    expect(unsigned).toEqual({
      status: 401,
      body: { error: { code: 'bad_signature', message: expect.stringMatching(/X-Hub-Signature-256 header is missing/), details: [] } },
    });
    const wrong = await deliver(server.url, 'deployment_status', status().payload, 'not the secret');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/does not match/);
    expect(await server.count('raw_events')).toBe(0);
  });

  it('answers ping, and acknowledges the event types it does not use', async () => {
    expect(await deliver(server.url, 'ping', { zen: 'Design for failure.', hook_id: 1 })).toEqual({
      status: 200,
      body: { ignored: 'ping: the webhook works' },
    });
    expect(await deliver(server.url, 'star', { action: 'created' })).toEqual({
      status: 202,
      body: { ignored: 'GitHub "star" events are not used' },
    });
    expect(await deliver(server.url, 'pull_request', all.find((d) => d.event === 'pull_request')!.payload)).toEqual({
      status: 202,
      body: { ignored: 'only merged pull requests are used' },
    });
  });

  it('stores the same delivery once: sent again it is a duplicate; the same content in another delivery is unchanged', async () => {
    const first = await deliver(server.url, 'deployment_status', status().payload, SECRET, 'a');
    const events = await server.count('raw_events');
    const again = await deliver(server.url, 'deployment_status', status().payload, SECRET, 'a');
    const other = await deliver(server.url, 'deployment_status', status().payload, SECRET, 'b');
    expect(first).toEqual({ status: 200, body: { accepted: 1, updated: 0, unchanged: 0 } });
    expect(again).toEqual({
      status: 202,
      body: { duplicate: true, ignored: `delivery a was received before at ${new Date(NOW).toISOString()} and is not applied again` },
    });
    expect(other).toEqual({ status: 200, body: { accepted: 0, updated: 0, unchanged: 1 } });
    expect(await server.count('raw_events')).toBe(events);
  });

  it('refuses a payload of a handled type that is not shaped as GitHub sends it', async () => {
    const bad = await deliver(server.url, 'deployment_status', { action: 'created', repository: { full_name: 'acme/web' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^deployment_status payload: repository\.html_url/);
  });

  it('gives the same rows as the collector for the same history', async () => {
    for (const [i, d] of all.entries()) {
      const r = await deliver(server.url, d.event, d.payload, SECRET, `d-${i}`);
      expect(r.status, `${d.event} ${JSON.stringify(r.body)}`).toBeLessThan(300);
    }
    const pulled = await eitherDb();
    try {
      await collect(pulled, acmeConfig(fake.apiUrl));
      expect(await dumpDb(server.rows)).toEqual(await dumpDb(pulled));
    } finally {
      await pulled.cleanup();
    }
  });

  it('shows the deliveries in the health answer', async () => {
    const health = (await (await fetch(`${server.url}/api/v1/health`)).json()) as { collectors: Record<string, unknown>[] };
    expect(health.collectors.find((c) => c.name === 'github-webhook')).toMatchObject({
      kind: 'webhook',
      configured: true,
      rejected: 2,
      lastError: null,
    });
  });
});

describe('GitHub webhooks without a secret', () => {
  it('are refused with the setting to make', async () => {
    const s = await startTestServer({});
    try {
      const r = await deliver(s.url, 'ping', { zen: 'x' });
      expect(r.status).toBe(503);
      expect(r.body.error.message).toMatch(/set DEMING_GITHUB_WEBHOOK_SECRET/);
    } finally {
      await s.stop();
    }
  });
});

describe('GitHub webhooks without a token', () => {
  it('store what the delivery says: the one status, the merge commit of a pull request; pushes need the token', async () => {
    const s = await startTestServer({ DEMING_GITHUB_WEBHOOK_SECRET: SECRET }, () => NOW);
    try {
      const failed = all.find(
        (d) => d.event === 'deployment_status' && (d.payload.deployment_status as { state: string }).state === 'failure',
      )!;
      expect((await deliver(s.url, 'deployment_status', failed.payload)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
      const merged = all.find((d) => d.event === 'pull_request' && d.payload.action === 'closed')!;
      expect((await deliver(s.url, 'pull_request', merged.payload)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
      const push = all.find((d) => d.event === 'push' && !/^0+$/.test(String(d.payload.before)))!;
      expect((await deliver(s.url, 'push', push.payload)).body.ignored).toMatch(/has a token/);
      expect(await s.rows.all('SELECT status, finished_at FROM deployments')).toEqual([
        { status: 'failure', finished_at: Date.parse('2026-03-03T11:30:00Z') },
      ]);
      const pr = merged.payload.pull_request as { merge_commit_sha: string; merged_at: string };
      expect(await s.rows.all('SELECT number, merged_at, merge_sha FROM pull_requests')).toEqual([
        { number: 1, merged_at: Date.parse(pr.merged_at), merge_sha: pr.merge_commit_sha },
      ]);
      expect(await s.rows.all('SELECT sha, committed_at FROM changes')).toEqual([
        { sha: pr.merge_commit_sha, committed_at: Date.parse(pr.merged_at) },
      ]);
    } finally {
      await s.stop();
    }
  });
});

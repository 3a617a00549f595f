/**
 * Random and malformed input against every endpoint: never a 5xx, never a crash, never a
 * partial write, and memory that does not grow with the number of requests.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server';
import { change, deployment, incident, ciRun, sha } from '../helpers/factories';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  s = await startTestServer({ DEMING_GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-for-fuzzing' });
  await fetch(`${s.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([deployment({ service: 'fuzz/base' }), change({ service: 'fuzz/base', sha: sha('base') })]) });
});
afterAll(async () => { await s.stop(); });

const TABLES = ['raw_events', 'deployments', 'changes', 'ci_runs', 'incidents', 'services', 'loops', 'pull_requests', 'sessions'];
const snapshot = () => Object.fromEntries(TABLES.map((t) => [t, (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));

const valid = fc.constantFrom<unknown>(deployment(), change({ sha: sha('f') }), incident(), ciRun());
/** A valid event with one field replaced by something random. */
const mutated = fc.tuple(valid, fc.string({ maxLength: 20 }), fc.anything()).map(([e, key, value]) => ({ ...(e as object), [key || 'type']: value }));
const body = fc.oneof(
  fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
  fc.array(fc.oneof(valid, mutated), { maxLength: 5 }).map((v) => JSON.stringify(v)),
  mutated.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);
const contentType = fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'application/xml', 'application/cloudevents+json', '', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x');
const posts = fc.constantFrom('/api/v1/events', '/api/v1/loops', '/api/v1/session', '/api/v1/cdevents', '/api/v1/test-reports?service=a/b&name=x', '/webhooks/github');
const gets = fc.constantFrom('/api/v1/metrics', '/api/v1/metrics/series', '/api/v1/changes', '/api/v1/deployments', '/api/v1/incidents', '/api/v1/ci-runs', '/api/v1/loops', '/api/v1/summary', '/api/v1/children', '/api/v1/org', '/metrics');
const queryValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('org', 'team:unassigned', 'service:fuzz/base', '2026-01-01', '2026-13-45', 'day', 'week', '-1', '1e99', '%', '%00'));
const query = fc.dictionary(fc.constantFrom('scope', 'from', 'to', 'bucket', 'sort', 'limit', 'format', 'x'), queryValue, { maxKeys: 4 });
const headerValue = fc.string({ maxLength: 60 }).filter((v) => /^[\x20-\x7e]*$/.test(v));

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${s.url}${path}`, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  return { status: res.status, text };
}

describe('fuzzing every endpoint', () => {
  it('answers random POST bodies with 2xx or a 4xx in the error shape, storing nothing when refusing', async () => {
    await fc.assert(fc.asyncProperty(posts, body, contentType, headerValue, async (path, b, type, auth) => {
      const before = snapshot();
      const r = await send('POST', path, { body: b, headers: { ...(type ? { 'content-type': type } : {}), ...(auth ? { authorization: auth } : {}) } });
      expect(r.status).toBeLessThan(500);
      if (r.status >= 400) {
        expect(JSON.parse(r.text).error.message).toEqual(expect.any(String));
        expect(snapshot()).toEqual(before);
      }
    }), { numRuns: 1200, seed: 20261122 });
  }, 120_000);

  it('answers random query strings on every read with 2xx or a 4xx in the error shape', async () => {
    await fc.assert(fc.asyncProperty(gets, query, async (path, q) => {
      const r = await send('GET', `${path}?${new URLSearchParams(q)}`);
      expect(r.status).toBeLessThan(500);
      if (r.status >= 400 && path.startsWith('/api')) expect(JSON.parse(r.text).error.code).toEqual(expect.any(String));
    }), { numRuns: 800, seed: 7 });
  }, 120_000);

  it('keeps memory flat over thousands of bad requests', async () => {
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await send('POST', '/api/v1/events', { body: `[{"type":"deployment","id":"${i}","service":"x/y","environment":"prod","status":"nope"}]`, headers: { 'content-type': 'application/json' } });
        await send('GET', `/api/v1/metrics?scope=team:none-${i}`);
      }
    };
    await burst(500);
    gc();
    const before = process.memoryUsage().heapUsed;
    await burst(2000);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(20 * 1024 * 1024);
  }, 120_000);
});

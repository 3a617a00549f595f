import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../helpers/server';
import { change, deployment, incident, sha } from '../helpers/factories';

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.stop();
});

const events = (url: string) => `${url}/api/v1/events`;
const stored = async () => ({ raw: await s.count('raw_events'), deployments: await s.count('deployments') });

describe('POST /api/v1/events', () => {
  it('accepts one object, an array, and NDJSON, and is idempotent', async () => {
    const one = deployment({ id: 'http-1', service: 'web/one' });
    expect(await post(events(s.url), one)).toEqual({ status: 200, body: { accepted: 1, updated: 0, unchanged: 0 } });
    expect((await post(events(s.url), [one, deployment({ id: 'http-2', service: 'web/one' })])).body).toEqual({
      accepted: 1,
      updated: 0,
      unchanged: 1,
    });
    const ndjson =
      [change({ service: 'web/one', sha: sha('n1') }), incident({ service: 'web/one', id: 'inc-n' })]
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n';
    const r = await post(events(s.url), ndjson, { 'content-type': 'application/x-ndjson' });
    expect(r).toEqual({ status: 200, body: { accepted: 2, updated: 0, unchanged: 0 } });
    expect((await post(events(s.url), { ...one, status: 'failure' })).body).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
  });

  it.each([
    ['malformed JSON', '{"type": "deployment",', 'application/json', 400, 'malformed_json', /not valid JSON/],
    [
      'an unknown type',
      { type: 'release', id: 'x' },
      'application/json',
      400,
      'invalid_event',
      /type: expected one of deployment, change, ci_run, incident/,
    ],
    [
      'a missing field',
      { type: 'deployment', id: 'x', service: 'a/b', status: 'success', finishedAt: '2026-01-01T00:00:00Z' },
      'application/json',
      400,
      'invalid_event',
      /environment/,
    ],
    [
      'a timestamp without a zone',
      deployment({ finishedAt: '2026-01-01T00:00:00' }),
      'application/json',
      400,
      'invalid_event',
      /finishedAt: expected an ISO 8601 timestamp with a time zone/,
    ],
    [
      'a wrong enum',
      deployment({ status: 'done' as 'success' }),
      'application/json',
      400,
      'invalid_event',
      /status: expected one of success, failure, in_progress, cancelled/,
    ],
    ['a wrong content type', 'type=deployment', 'text/plain', 415, 'unsupported_media_type', /application\/json or application\/x-ndjson/],
    ['a bad NDJSON line', `${JSON.stringify(deployment())}\n{oops\n`, 'application/x-ndjson', 400, 'malformed_json', /line 2/],
  ])('refuses %s with a message naming the field, storing nothing', async (_name, body, type, status, code, message) => {
    const before = await stored();
    const r = await post(events(s.url), body, { 'content-type': type });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
    expect(Array.isArray(r.body.error.details)).toBe(true);
    expect(await stored()).toEqual(before);
  });

  it('names the failing event of an array by its index, and stores none of the array', async () => {
    const before = await stored();
    const r = await post(events(s.url), [deployment({ id: 'ok-1' }), deployment({ id: 'bad', environment: '' })]);
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path: '[1].environment', message: 'must not be empty' }]);
    expect(await stored()).toEqual(before);
  });

  it('refuses an oversized body with 413', async () => {
    const big = Array.from({ length: 40_000 }, (_, i) => deployment({ id: `big-${i}`, url: `https://example.org/${'x'.repeat(100)}` }));
    const r = await post(events(s.url), big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_large');
  });
});

describe('ingest auth', () => {
  it('needs the ingest token when one is configured; a bad token is 401 and never echoed', async () => {
    const secret = 'ingest-token-0123456789abcdef';
    const guarded = await startTestServer({ DEMING_INGEST_TOKEN: secret, DEMING_VIEWER_TOKEN: 'viewer-token-0123456789abcdef' });
    try {
      const wrong = await post(events(guarded.url), deployment(), { authorization: 'Bearer not-the-token-at-all' });
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(wrong.body)).not.toContain('not-the-token-at-all');
      expect((await post(events(guarded.url), deployment())).status).toBe(401);
      expect((await post(events(guarded.url), deployment(), { authorization: 'Bearer viewer-token-0123456789abcdef' })).status).toBe(403);
      expect((await post(events(guarded.url), deployment(), { authorization: `Bearer ${secret}` })).status).toBe(200);
      expect((await get(`${guarded.url}/api/v1/org`)).status).toBe(401);
    } finally {
      await guarded.stop();
    }
  });
});

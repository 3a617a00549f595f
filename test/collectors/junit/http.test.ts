import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../../helpers/server';

let s: Awaited<ReturnType<typeof startTestServer>>;
const received = Date.parse('2026-03-02T12:00:00Z');
beforeAll(async () => {
  s = await startTestServer({}, () => received);
});
afterAll(async () => {
  await s.stop();
});

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/junit/${name}`, import.meta.url), 'utf8');
const sha = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const report = (xml: string, query: string, type = 'application/xml') =>
  post(`${s.url}/api/v1/test-reports?${query}`, xml, { 'content-type': type });
const stored = async () => ({ raw: await s.count('raw_events'), runs: await s.count('ci_runs') });

describe('POST /api/v1/test-reports', () => {
  it.each([
    [
      'surefire.xml',
      'acme/booking',
      { passed: 3, failed: 2, skipped: 1 },
      'failure',
      '2026-03-02T11:59:58.766Z',
      '2026-03-02T12:00:00.000Z',
    ],
    [
      'pytest.xml',
      'acme/reminders',
      { passed: 2, failed: 2, skipped: 1 },
      'failure',
      '2026-03-02T10:15:30.123Z',
      '2026-03-02T10:15:30.579Z',
    ],
    ['jest-junit.xml', 'acme/web', { passed: 2, failed: 1, skipped: 1 }, 'failure', '2026-03-02T10:20:00.000Z', '2026-03-02T10:20:02.345Z'],
    [
      'go-junit-report.xml',
      'acme/sms',
      { passed: 2, failed: 1, skipped: 1 },
      'failure',
      '2026-03-02T10:30:00.000Z',
      '2026-03-02T10:30:00.032Z',
    ],
  ])('stores %s as a CI run with its counts and duration', async (file, service, tests, status, startedAt, finishedAt) => {
    const r = await report(fixture(file), `service=${encodeURIComponent(service)}&sha=${sha}&name=unit%20tests&branch=main`, 'text/xml');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, ciRun: { status, tests, startedAt, finishedAt } });
    const list = await get(`${s.url}/api/v1/ci-runs?scope=service:${service}&from=2026-03-01&to=2026-03-03`);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        source: 'junit',
        name: 'unit tests',
        status,
        sha,
        branch: 'main',
        startedAt,
        finishedAt,
        testsPassed: tests.passed,
        testsFailed: tests.failed,
        testsSkipped: tests.skipped,
      }),
    ]);
  });

  it('stores a report sent twice once, and takes an explicit id and start', async () => {
    const q = `service=acme/twice&sha=${sha}&name=e2e`;
    expect((await report(fixture('jest-junit.xml'), q)).body).toMatchObject({ accepted: 1 });
    expect((await report(fixture('jest-junit.xml'), q)).body).toMatchObject({ accepted: 0, unchanged: 1 });
    const r = await report(fixture('jest-junit.xml'), `${q}&id=build-77&startedAt=2026-03-02T09:00:00Z`);
    expect(r.body.ciRun).toMatchObject({ id: 'build-77', startedAt: '2026-03-02T09:00:00.000Z', finishedAt: '2026-03-02T09:00:02.345Z' });
  });

  it.each([
    [
      'a billion-laughs payload',
      fixture('billion-laughs.xml'),
      `service=a/b&sha=${sha}&name=t`,
      'application/xml',
      400,
      'forbidden_dtd',
      /DOCTYPE or ENTITY/,
    ],
    [
      'an external entity',
      fixture('xxe.xml'),
      `service=a/b&sha=${sha}&name=t`,
      'application/xml',
      400,
      'forbidden_dtd',
      /DOCTYPE or ENTITY/,
    ],
    ['malformed XML', '<testsuite><testcase>', `service=a/b&sha=${sha}&name=t`, 'application/xml', 400, 'malformed_xml', /not well-formed/],
    ['a missing service', fixture('pytest.xml'), `sha=${sha}&name=t`, 'application/xml', 400, 'invalid_query', /^service: is required/],
    [
      'a sha that is not hex',
      fixture('pytest.xml'),
      'service=a/b&sha=main&name=t',
      'application/xml',
      400,
      'invalid_event',
      /query\.sha: expected a commit sha/,
    ],
    ['JSON', '{}', `service=a/b&sha=${sha}&name=t`, 'application/json', 415, 'unsupported_media_type', /application\/xml or text\/xml/],
  ])('refuses %s, storing nothing', async (_name, body, query, type, status, code, message) => {
    const before = await stored();
    const r = await report(body, query, type);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
    expect(await stored()).toEqual(before);
  });

  it('refuses a report above the size limit with 413', async () => {
    const big = `<testsuite>${'<testcase name="x"/>'.repeat(1_100_000)}</testsuite>`;
    const r = await report(big, `service=a/b&sha=${sha}&name=t`);
    expect(r.status).toBe(413);
  });
});

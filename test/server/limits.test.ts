/**
 * The request limits of DESIGN.md "Security", against real servers: one with the defaults, one
 * with small limits from its configuration file. A refused request stores nothing and says
 * which limit it met and what to do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/api';
import { get, post, startTestServer } from '../helpers/server';
import { deployment } from '../helpers/factories';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let plain: Server;
let small: Server;
const clients: Client[] = [];

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-limits-')), 'deming.config.yaml');
  writeFileSync(
    file,
    `limits:
  eventsPerRequest: 5
  ndjsonLines: 10
  jsonDepth: 8
  validationErrors: 3
  roomsPerSocket: 3
`,
  );
  [plain, small] = await Promise.all([startTestServer(), startTestServer({ DEMING_CONFIG: file })]);
  expect((await post(`${small.url}/api/v1/events`, deployment({ id: 'seed', service: 'acme/app' }))).status).toBe(200);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([plain.stop(), small.stop()]);
});

const TABLES = ['raw_events', 'deployments', 'changes', 'ci_runs', 'incidents', 'services', 'loops', 'sessions'];
const stored = async (s: Server) => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await s.count(t)])));

async function send(s: Server, path: string, body: string | Buffer, type: string) {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as { error: { code: string; message: string; details: { path: string; message: string }[] } },
  };
}

/** Sends a body the server must refuse, and checks that it stored nothing. */
async function refused(s: Server, path: string, body: string | Buffer, type = 'application/json') {
  const before = await stored(s);
  const r = await send(s, path, body, type);
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(await stored(s)).toEqual(before);
  return r;
}

const deployments = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => deployment({ id: `${prefix}-${i}`, service: 'acme/app' }));
const cdevent = (id: string) => ({
  context: { specversion: '0.4.1', id, source: '/ci', type: 'dev.cdevents.service.deployed.0.2.0', timestamp: '2026-03-01T16:00:00Z' },
  subject: {
    id: 'acme/app',
    source: '/ci',
    type: 'service',
    content: { environment: { id: 'production' }, artifactId: 'pkg:generic/app@1' },
  },
});

describe('events per request (limits.eventsPerRequest)', () => {
  it.each([
    ['a JSON array', () => JSON.stringify(deployments(6, 'arr')), 'application/json', /holds 6 events, more than 5/],
    [
      'NDJSON',
      () =>
        deployments(6, 'nd')
          .map((e) => JSON.stringify(e))
          .join('\n'),
      'application/x-ndjson',
      /more than 5 events/,
    ],
  ])('refuses %s of more events than the limit with 413, naming it and the fix', async (_what, body, type, count) => {
    const r = await refused(small, '/api/v1/events', body(), type);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_many_events');
    expect(r.body.error.message).toMatch(count);
    expect(r.body.error.message).toMatch(/limits\.eventsPerRequest\): send smaller batches/);
  });

  it('takes a batch at the limit', async () => {
    expect((await post(`${small.url}/api/v1/events`, deployments(5, 'at'))).body).toEqual({ accepted: 5, updated: 0, unchanged: 0 });
  });

  it('counts CDEvents in a batch the same way', async () => {
    const r = await refused(small, '/api/v1/cdevents', JSON.stringify(Array.from({ length: 6 }, (_, i) => cdevent(`ce-${i}`))));
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(/6 CDEvents, more than 5 \(limits\.eventsPerRequest\): send smaller batches/);
  });
});

describe('NDJSON lines (limits.ndjsonLines)', () => {
  it('refuses a million empty lines at once with the limit, not after validating them', async () => {
    const body = `${'\n'.repeat(1_000_000)}${JSON.stringify(deployment({ id: 'after-blanks' }))}\n`;
    const started = performance.now();
    const r = await refused(plain, '/api/v1/events', body, 'application/x-ndjson');
    const ms = performance.now() - started;
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({
      code: 'too_many_lines',
      message: expect.stringMatching(/more than 100,000 lines \(limits\.ndjsonLines, blank lines included\): send smaller batches/),
    });
    console.log(`a million empty NDJSON lines (1 MB) answered 413 in ${ms.toFixed(0)} ms`);
  });

  it('ignores blank lines, but counts them toward the limit', async () => {
    const line = (id: string) => JSON.stringify(deployment({ id, service: 'acme/app' }));
    // 10 lines, 7 of them blank (one with spaces, one a bare \r): taken, blank lines skipped.
    const ten = `${line('bl-1')}\n\n  \n\r\n\n${line('bl-2')}\n\n\n\n${line('bl-3')}\n`;
    expect((await post(`${small.url}/api/v1/events`, ten, { 'content-type': 'application/x-ndjson' })).body).toEqual({
      accepted: 3,
      updated: 0,
      unchanged: 0,
    });
    // 11: refused, though it holds one event.
    const r = await refused(small, '/api/v1/events', `${'\n'.repeat(10)}${line('bl-4')}`, 'application/x-ndjson');
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(/more than 10 lines/);
  });
});

describe('JSON nesting (limits.jsonDepth)', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const inEvent = (depth: number) => JSON.stringify({ ...deployment({ id: 'deep' }), commits: JSON.parse(nested(depth - 1)) });

  it('takes an event nested to the limit (an object holding arrays), and refuses one level more', async () => {
    // The event object is one level, its commits the rest: depth 8 is a schema error, not a nesting one.
    const atLimit = await send(small, '/api/v1/events', inEvent(8), 'application/json');
    expect(atLimit.body.error.code).toBe('invalid_event');
    const over = await refused(small, '/api/v1/events', inEvent(9));
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: 'too_deep',
      message: 'The JSON nests deeper than 8 levels (limits.jsonDepth): send flatter data.',
    });
  });

  it('refuses 100,000 levels with the same clear 400 on the default limit, never a crash', async () => {
    const r = await refused(plain, '/api/v1/events', nested(100_000));
    expect(r.body.error.message).toMatch(/deeper than 64 levels/);
    expect((await get(`${plain.url}/api/v1/health`)).status).toBe(200);
  });

  it('names the NDJSON line that nests too deep; brackets inside strings do not count', async () => {
    const ok = JSON.stringify(deployment({ id: '[[[[[[[[[[[[{{{{{{{{{{{' }));
    const r = await refused(small, '/api/v1/events', `${ok}\n${nested(9)}\n`, 'application/x-ndjson');
    expect(r.body.error.message).toBe('line 2: the JSON nests deeper than 8 levels (limits.jsonDepth): send flatter data.');
  });

  it.each([['/api/v1/cdevents'], ['/api/v1/loops'], ['/api/v1/session']])('applies to %s too', async (path) => {
    const r = await refused(small, path, JSON.stringify({ scope: 'org', name: 'deep', plan: JSON.parse(nested(20)) }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('too_deep');
  });
});

describe('validation errors (limits.validationErrors)', () => {
  it('reports the first ones and stops there', async () => {
    const bad = Array.from({ length: 5 }, (_, i) => ({ ...deployment({ id: `v-${i}` }), environment: '' }));
    const r = await refused(small, '/api/v1/events', JSON.stringify(bad));
    expect(r.body.error.details).toEqual([
      { path: '[0].environment', message: 'must not be empty' },
      { path: '[1].environment', message: 'must not be empty' },
      { path: '[2].environment', message: 'must not be empty' },
    ]);
  });

  it('answers 50,000 bad events with the first 50 problems', async () => {
    const body = `[${Array.from({ length: 50_000 }, () => '{}').join(',')}]`;
    const started = performance.now();
    const r = await refused(plain, '/api/v1/events', body);
    console.log(
      `50,000 invalid events answered 400 with ${r.body.error.details.length} problems in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(r.body.error.details).toHaveLength(50);
    expect(r.body.error.details[49].path).toMatch(/^\[(\d+)\]/);
  });
});

describe('UTF-8 bodies', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  const event = (id: number[]) =>
    bytes(
      '{"type":"deployment","id":"',
      id,
      '","service":"acme/app","environment":"production","status":"success","finishedAt":"2026-03-04T00:00:00Z"}',
    );

  it.each([
    ['a byte that is never UTF-8', [0x78, 0xff]],
    ['a lone continuation byte', [0x78, 0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut short', [0xe6, 0xbc]],
  ])('refuses %s with a 400 naming where it is, instead of replacing it', async (_what, bad) => {
    const r = await refused(plain, '/api/v1/events', event(bad));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_utf8');
    expect(r.body.error.message).toMatch(
      /^The body is not valid UTF-8: byte 2\d \(line 1\) is 0x[0-9a-f]{2}\. Send text encoded as UTF-8\.$/,
    );
  });

  it('takes UTF-8 in every width', async () => {
    const r = await send(plain, '/api/v1/events', event([...Buffer.from('é-漢-😀')]), 'application/json');
    expect(r.status).toBe(200);
  });

  it('names the NDJSON line, and checks CDEvents and test reports too', async () => {
    const good = JSON.stringify(deployment({ id: 'u-1' }));
    expect((await refused(plain, '/api/v1/events', bytes(`${good}\n`, [0xff], '\n'), 'application/x-ndjson')).body.error.message).toMatch(
      /\(line 2\)/,
    );
    expect((await refused(plain, '/api/v1/cdevents', bytes('{"context":{"id":"', [0xfe], '"}}'))).body.error.code).toBe('invalid_utf8');
    const report = (name: number[]) => bytes('<testsuite name="', name, '" tests="1"><testcase name="t"/></testsuite>');
    const path = '/api/v1/test-reports?service=acme/app&sha=abcd1234&name=unit';
    expect((await refused(plain, path, report([0xe9]), 'application/xml')).body.error.code).toBe('invalid_utf8');
    // The same byte is é when the report says it is Latin-1.
    expect((await send(plain, path, report([0xe9]), 'application/xml; charset=iso-8859-1')).status).toBe(200);
  });
});

describe('query parameters', () => {
  const reads = [
    '/api/v1/metrics',
    '/api/v1/metrics/series',
    '/api/v1/changes',
    '/api/v1/deployments',
    '/api/v1/incidents',
    '/api/v1/ci-runs',
    '/api/v1/loops',
    '/api/v1/loops/audit',
    '/api/v1/summary',
    '/api/v1/children',
    '/api/v1/org',
    '/metrics',
  ];

  it.each(reads)('%s refuses a scope given twice with a 400 naming it, instead of reading org', async (path) => {
    const r = await get(`${small.url}${path}?scope=org&scope=service:acme/app`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'invalid_query',
      message: 'scope: given more than once; give scope once, as plain text (such as scope=value).',
    });
  });

  it.each([
    ['scope[kind]=service', 'scope[kind]'],
    ['limit=5&limit=6', 'limit'],
    ['from=2026-01-01&to=2026-02-01&to=2026-03-01', 'to'],
  ])('refuses ?%s naming %s', async (query, name) => {
    const r = await get(`${small.url}/api/v1/changes?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message.startsWith(`${name}: given`)).toBe(true);
  });
});

describe('socket.io rooms (limits.roomsPerSocket, existing scopes only)', () => {
  async function connected(): Promise<Client> {
    const c: Client = connect(small.url, { transports: ['websocket'], forceNew: true });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.on('connect', () => resolve());
      c.on('connect_error', reject);
    });
    return c;
  }
  const join = (c: Client, scope: string) =>
    new Promise<{ ok: boolean; error?: string }>((resolve) => c.emit('scope:join', scope, resolve));

  it('refuses a room beyond the limit, and takes one again after leaving', async () => {
    const c = await connected();
    for (const scope of ['org', 'team:unassigned', 'department:unassigned']) expect(await join(c, scope)).toEqual({ ok: true });
    // Joining a room it is in already does not count twice.
    expect(await join(c, 'org')).toEqual({ ok: true });
    expect(await join(c, 'service:acme/app')).toEqual({
      ok: false,
      error: 'This connection is in 3 scopes already (limits.roomsPerSocket): leave one (scope:leave) before joining another.',
    });
    c.emit('scope:leave', 'team:unassigned');
    expect(await join(c, 'service:acme/app')).toEqual({ ok: true });
  });

  it.each([
    ['service:no/such', /No service "no\/such"/],
    ['team:nope', /No team "nope"/],
    ['department:nope', /No department "nope"/],
  ])('refuses %s, which does not exist', async (scope, error) => {
    const c = await connected();
    expect(await join(c, scope)).toEqual({ ok: false, error: expect.stringMatching(error) });
  });

  it('joins a service named in another case to its room, and tells it what arrives', async () => {
    const c = await connected();
    expect(await join(c, 'service:ACME/App')).toEqual({ ok: true });
    const told = new Promise<unknown>((resolve) => {
      c.on('events:ingested', (p) => resolve(p.counts));
      setTimeout(() => resolve('nothing within 5 s'), 5000);
    });
    await post(`${small.url}/api/v1/events`, deployment({ id: 'live-case', service: 'acme/app' }));
    expect(await told).toEqual([{ type: 'deployment', service: 'acme/app', n: 1 }]);
  });
});

/**
 * Random and malformed input against every endpoint: never a 5xx, never a crash, never a
 * partial write, and memory that does not grow with the number of requests. Then the input
 * hygiene of DESIGN.md "Security": timestamps from year 1 to 9999, control and invisible
 * characters in identifiers, service names that only look alike, and text that a spreadsheet
 * would run as a formula.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server';
import { change, deployment, incident, ciRun, sha } from '../helpers/factories';
import { csvObjects, parseCsv } from '../helpers/csv';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  s = await startTestServer({ DEMING_GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-for-fuzzing' });
  await fetch(`${s.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([deployment({ service: 'fuzz/base' }), change({ service: 'fuzz/base', sha: sha('base') })]),
  });
});
afterAll(async () => {
  await s.stop();
});

const TABLES = ['raw_events', 'deployments', 'changes', 'ci_runs', 'incidents', 'services', 'loops', 'pull_requests', 'sessions'];
const snapshot = () =>
  Object.fromEntries(TABLES.map((t) => [t, (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));

const valid = fc.constantFrom<unknown>(deployment(), change({ sha: sha('f') }), incident(), ciRun());
/** A valid event with one field replaced by something random. */
const mutated = fc
  .tuple(valid, fc.string({ maxLength: 20 }), fc.anything())
  .map(([e, key, value]) => ({ ...(e as object), [key || 'type']: value }));
const body = fc.oneof(
  fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
  fc.array(fc.oneof(valid, mutated), { maxLength: 5 }).map((v) => JSON.stringify(v)),
  mutated.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/x-ndjson',
  'text/plain',
  'application/xml',
  'application/cloudevents+json',
  '',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
);
const posts = fc.constantFrom(
  '/api/v1/events',
  '/api/v1/loops',
  '/api/v1/session',
  '/api/v1/cdevents',
  '/api/v1/test-reports?service=a/b&name=x',
  '/webhooks/github',
);
const gets = fc.constantFrom(
  '/api/v1/metrics',
  '/api/v1/metrics/series',
  '/api/v1/changes',
  '/api/v1/deployments',
  '/api/v1/incidents',
  '/api/v1/ci-runs',
  '/api/v1/loops',
  '/api/v1/summary',
  '/api/v1/children',
  '/api/v1/org',
  '/metrics',
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('org', 'team:unassigned', 'service:fuzz/base', '2026-01-01', '2026-13-45', 'day', 'week', '-1', '1e99', '%', '%00'),
);
const query = fc.dictionary(fc.constantFrom('scope', 'from', 'to', 'bucket', 'sort', 'limit', 'format', 'x'), queryValue, { maxKeys: 4 });
const headerValue = fc.string({ maxLength: 60 }).filter((v) => /^[\x20-\x7e]*$/.test(v));

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${s.url}${path}`, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  return { status: res.status, text };
}

describe('fuzzing every endpoint', () => {
  it('answers random POST bodies with 2xx or a 4xx in the error shape, storing nothing when refusing', async () => {
    await fc.assert(
      fc.asyncProperty(posts, body, contentType, headerValue, async (path, b, type, auth) => {
        const before = snapshot();
        const r = await send('POST', path, {
          body: b,
          headers: { ...(type ? { 'content-type': type } : {}), ...(auth ? { authorization: auth } : {}) },
        });
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) {
          expect(JSON.parse(r.text).error.message).toEqual(expect.any(String));
          expect(snapshot()).toEqual(before);
        }
      }),
      { numRuns: 1200, seed: 20261122 },
    );
  }, 120_000);

  it('answers random query strings on every read with 2xx or a 4xx in the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(gets, query, async (path, q) => {
        const r = await send('GET', `${path}?${new URLSearchParams(q)}`);
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400 && path.startsWith('/api')) expect(JSON.parse(r.text).error.code).toEqual(expect.any(String));
      }),
      { numRuns: 800, seed: 7 },
    );
  }, 120_000);

  it('answers array-valued query parameters with a 400 naming the parameter, never a default', async () => {
    await fc.assert(
      fc.asyncProperty(
        gets,
        fc.constantFrom('scope', 'from', 'to', 'bucket', 'limit', 'sort'),
        fc.array(queryValue, { minLength: 2, maxLength: 3 }),
        async (path, name, values) => {
          const q = new URLSearchParams(values.map((v) => [name, v]));
          const r = await send('GET', `${path}?${q}`);
          expect(r.status).toBe(400);
          expect(JSON.parse(r.text).error.message.startsWith(`${name}: given more than once`)).toBe(true);
        },
      ),
      { numRuns: 100, seed: 13 },
    );
  }, 120_000);

  it('keeps memory flat over thousands of bad requests', async () => {
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await send('POST', '/api/v1/events', {
          body: `[{"type":"deployment","id":"${i}","service":"x/y","environment":"prod","status":"nope"}]`,
          headers: { 'content-type': 'application/json' },
        });
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

// ---------------------------------------------------------------------------------------------
// Input hygiene (DESIGN.md, "Security").

const DAY = 86_400_000;
const EARLIEST = Date.parse('1990-01-01T00:00:00Z');
/** Instants from year 1 to 9999, dense around the edges of [1990-01-01, now + 1 day]. */
const instant = () =>
  fc.oneof(
    fc.constantFrom(Date.parse('0001-01-02T00:00:00Z'), 0, EARLIEST - 1000, EARLIEST, Date.parse('9999-12-30T23:59:59Z')),
    fc.integer({ min: -1000, max: 1000 }).map((minutes) => Date.now() + DAY + minutes * 60_000),
    fc.integer({ min: Date.parse('0001-01-02T00:00:00Z'), max: Date.parse('9999-12-30T00:00:00Z') }),
    fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.now() }),
  );
/** The same instant written as producers write it: whole seconds, an offset. */
const written = (ms: number, offsetHours: number) => {
  const iso = new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19);
  return offsetHours === 0 ? `${iso}Z` : `${iso}${offsetHours < 0 ? '-' : '+'}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
};
const timestamp = fc
  .tuple(instant(), fc.integer({ min: -12, max: 12 }))
  .map(([ms, h]) => ({ ms: Math.floor(ms / 1000) * 1000, text: written(Math.floor(ms / 1000) * 1000, h) }));

/** Characters no identifier may hold: C0, DEL, C1, zero-width and bidi controls, BOM, soft hyphen, other spaces, a lone surrogate. */
const forbidden = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u202e',
  '\u2066',
  '\u2028',
  '\ufeff',
  '\u00ad',
  '\u00a0',
  '\u3000',
  '\ud800',
);
const plain = fc
  .string({ unit: fc.constantFrom('a', 'B', '0', '-', '.', ' ', 'é', '漢'), minLength: 1, maxLength: 8 })
  .filter((x) => x.trim() !== '');
const withForbidden = fc.tuple(plain, forbidden, plain).map(([a, bad, b]) => a + bad + b);

describe('fuzzing input hygiene', () => {
  const stored = () => (s.db.prepare('SELECT (SELECT count(*) FROM raw_events) AS raw').get() as { raw: number }).raw;

  it('stores an event when its timestamps are in [limits.earliest, now + 1 day], and otherwise refuses it naming the field', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('deployment', 'incident', 'ci_run', 'change'), timestamp, async (type, t) => {
        const id = `time-${++n}`;
        const event =
          type === 'deployment'
            ? deployment({ id, service: 'fuzz/time', startedAt: t.text, finishedAt: t.text })
            : type === 'incident'
              ? incident({ id, service: 'fuzz/time', openedAt: t.text })
              : type === 'ci_run'
                ? ciRun({ id, service: 'fuzz/time', startedAt: t.text, finishedAt: t.text })
                : change({
                    service: 'fuzz/time',
                    sha: sha(id),
                    committedAt: '2026-01-01T00:00:00Z',
                    pullRequest: { number: n, mergedAt: t.text },
                  });
        const before = stored();
        const r = await send('POST', '/api/v1/events', { body: JSON.stringify([event]), headers: { 'content-type': 'application/json' } });
        const inRange = t.ms >= EARLIEST && t.ms <= Date.now() + DAY;
        // A minute around now + 1 day may fall either side while the request travels.
        if (Math.abs(t.ms - (Date.now() + DAY)) < 60_000) return;
        if (inRange) {
          expect(r.status, t.text).toBe(200);
          expect(stored()).toBe(before + 1);
        } else {
          expect(r.status, t.text).toBe(400);
          const first = JSON.parse(r.text).error.details[0];
          expect(first.path).toBe(
            { deployment: '[0].startedAt', incident: '[0].openedAt', ci_run: '[0].startedAt', change: '[0].pullRequest.mergedAt' }[type],
          );
          expect(first.message).toMatch(
            t.ms < EARLIEST ? /^is before 1990-01-01 \(limits\.earliest\)/ : /^is more than a day in the future/,
          );
          expect(stored()).toBe(before);
        }
      }),
      { numRuns: 300, seed: 19900101 },
    );
  }, 120_000);

  it('refuses a control or invisible character in any identifier, naming the field, and stores nothing', async () => {
    const fields = fc.constantFrom(
      ['deployment', 'id'],
      ['deployment', 'environment'],
      ['deployment', 'source'],
      ['deployment', 'service'],
      ['ci_run', 'name'],
      ['ci_run', 'branch'],
      ['incident', 'severity'],
      ['incident', 'deploymentId'],
      ['change', 'id'],
    );
    await fc.assert(
      fc.asyncProperty(fields, withForbidden, async ([type, field], value) => {
        const base =
          type === 'deployment'
            ? deployment({ service: 'fuzz/ids' })
            : type === 'ci_run'
              ? ciRun({ service: 'fuzz/ids' })
              : type === 'incident'
                ? incident({ service: 'fuzz/ids' })
                : change({ service: 'fuzz/ids', sha: sha('ids') });
        const before = snapshot();
        const r = await send('POST', '/api/v1/events', {
          body: JSON.stringify([{ ...base, [field]: value }]),
          headers: { 'content-type': 'application/json' },
        });
        expect(r.status, JSON.stringify(value)).toBe(400);
        expect(JSON.parse(r.text).error.details).toEqual([
          {
            path: `[0].${field}`,
            message: expect.stringMatching(/^contains U\+[0-9A-F]{4}, a control, invisible or (unusual )?space character: remove it$/),
          },
        ]);
        expect(snapshot()).toEqual(before);
      }),
      { numRuns: 300, seed: 200 },
    );
  }, 120_000);

  it('writes every text a spreadsheet would run as a formula with a leading quote in the CSV, and any other text as it is', async () => {
    const unit = fc.constantFrom('a', 'Z', '1', '0', '.', '(', ')', '"', ',', '|', '!', ' ', '=', '+', '-', '@', 'e', 'é');
    const text = fc
      .tuple(fc.constantFrom('', '=', '+', '-', '@', '-1', '+2'), fc.string({ unit, minLength: 1, maxLength: 16 }))
      .map(([start, rest]) => `${start}${rest}`.trim())
      .filter((t) => t.length > 0);
    const runs = fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 4 });
    let n = 0;
    const formula = (t: string) => /^[=+\-@]/.test(t) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t);
    await fc.assert(
      fc.asyncProperty(runs, async (pairs) => {
        const events = pairs.map(([name, branch]) => ciRun({ id: `csv-fuzz-${++n}`, service: 'fuzz/csv', name, branch }));
        const r = await send('POST', '/api/v1/events', { body: JSON.stringify(events), headers: { 'content-type': 'application/json' } });
        expect(r.status, r.text).toBe(200);
        const csv = parseCsv(
          (await send('GET', '/api/v1/ci-runs?scope=service:fuzz/csv&from=2026-01-01&to=2026-12-01&limit=5000&format=csv')).text,
        );
        const header = csv[0];
        const rows = csvObjects(csv);
        for (const [i, e] of events.entries()) {
          const row = rows.find((x) => x.id === e.id)!;
          expect(row, e.id).toBeDefined();
          const [name, branch] = pairs[i];
          expect(row.name).toBe(formula(name) ? `'${name}` : name);
          expect(row.branch).toBe(formula(branch) ? `'${branch}` : branch);
        }
        // No cell of the file, header included, starts a formula.
        for (const cell of [...header, ...csv.slice(1).flat()]) expect(formula(cell), cell).toBe(false);
      }),
      { numRuns: 80, seed: 77 },
    );
  }, 120_000);

  it('lands every spelling of a service name (case, NFC or NFD) in one service, and refuses look-alikes with invisible characters', async () => {
    // Names from letters that have several spellings: precomposed or combining accents, and case (ß upper-cases to SS).
    const letter = fc.constantFrom('a', 'e', 'é', 'ö', 'ñ', 'å', 'z', 'ß');
    const name = fc
      .tuple(fc.string({ unit: letter, minLength: 1, maxLength: 6 }), fc.string({ unit: letter, minLength: 1, maxLength: 6 }))
      .map(([a, b]) => `look/${a}-${b}`);
    const spelling = fc
      .tuple(fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), fc.constantFrom('NFC', 'NFD') as fc.Arbitrary<'NFC' | 'NFD'>)
      .map(
        ([upper, form]) =>
          (n: string) =>
            [...n]
              .map((ch, i) => (upper[i % 20] ? ch.toUpperCase() : ch))
              .join('')
              .normalize(form),
      );
    const invisible = fc.constantFrom('\u200d', '\u200b', '\u2060', '\ufeff', '\u00ad', '\u180e', '\u034f', '\ufe0f');
    let n = 0;
    const keyOf = (x: string) => x.normalize('NFC').toUpperCase().toLowerCase();
    await fc.assert(
      fc.asyncProperty(name, fc.array(spelling, { minLength: 1, maxLength: 4 }), invisible, async (base, spellings, hidden) => {
        const key = keyOf(base);
        for (const spell of spellings) {
          const r = await send('POST', '/api/v1/events', {
            body: JSON.stringify(deployment({ id: `look-${++n}`, service: spell(base) })),
            headers: { 'content-type': 'application/json' },
          });
          expect(r.status, spell(base)).toBe(200);
        }
        const at = 5 + (n % 3);
        const lookAlike = `${base.slice(0, at)}${hidden}${base.slice(at)}`;
        const refused = await send('POST', '/api/v1/events', {
          body: JSON.stringify(deployment({ id: `look-${++n}`, service: lookAlike })),
          headers: { 'content-type': 'application/json' },
        });
        expect(refused.status).toBe(400);
        expect(JSON.parse(refused.text).error.details[0].path).toBe('(body).service');
        const org = JSON.parse((await send('GET', '/api/v1/org')).text) as { services: { name: string }[] };
        const same = org.services.filter((x) => keyOf(x.name) === key);
        expect(same).toHaveLength(1);
        expect(same[0].name).toBe(same[0].name.normalize('NFC'));
      }),
      { numRuns: 60, seed: 1234 },
    );
  }, 120_000);
});

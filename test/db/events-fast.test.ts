/**
 * The validation fast path (common/events-fast.ts) against the zod schema it stands in for:
 * whenever `fastParse` returns an event, zod accepts the input and returns the very same value
 * (deep equality, `-0` and `undefined` included, and the same key order); whenever zod refuses
 * an input, `fastParse` returns null.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ciStatuses, deploymentStatuses, nativeEvent } from '../../common/events';
import { fastParse } from '../../common/events-fast';

type Outcome = 'fast' | 'zod' | 'invalid';

/** Every key path in order, so equal values with keys in another order still differ. */
function keyOrder(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((k) => [prefix + k, ...keyOrder((value as Record<string, unknown>)[k], `${prefix}${k}.`)]);
}

/** Runs both parsers on `input`, asserts they agree, and says which one decided. */
function agree(input: unknown): Outcome {
  const fast = fastParse(input);
  const zod = nativeEvent.safeParse(input);
  if (fast === null) return zod.success ? 'zod' : 'invalid';
  expect(zod.success, 'fastParse accepted an input zod refuses').toBe(true);
  if (!zod.success) return 'invalid';
  expect(fast).toStrictEqual(zod.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  expect(keyOrder(fast)).toEqual(keyOrder(zod.data));
  return 'fast';
}

// ---------------------------------------------------------------------------------------------
// Field arbitraries: valid values, many of them unusual.

/** Characters String.prototype.trim removes (zod's `.trim()` is that). */
const whitespace = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u3000',
  '\ufeff',
);
const padded = (core: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(whitespace, { maxLength: 2 }), core, fc.array(whitespace, { maxLength: 2 }))
    .map(([a, s, b]) => a.join('') + s + b.join(''));

/**
 * Free text: spaces inside, non-ASCII, surrogate pairs, and now and then a character trim keeps
 * but an identifier refuses (ZWSP, NEL, NUL, DEL, a bidi override, a lone surrogate, ZWJ).
 */
const textUnit = fc.oneof(
  { weight: 400, arbitrary: fc.constantFrom('a', 'Z', '0', '-', '/', '#', ' ', 'é', 'ß', '漢', '😀') },
  { weight: 1, arbitrary: fc.constantFrom('\u200b', '\u0085', '\u0000', '\u007f', '\u202e', '\ud800', '\u200d') },
);
/** `text(max)`: mostly short and padded; sometimes right at the limit, in ASCII or in emoji (2 UTF-16 units each). */
const text = (max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: padded(fc.string({ unit: textUnit, minLength: 1, maxLength: Math.min(max, 24) })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: max - 2, max: max + 1 }), fc.constantFrom('x', '😀'), fc.boolean())
        .map(([n, c, pad]) => (pad ? ' ' : '') + c.repeat(n)),
    },
  );

const service = fc.oneof(
  {
    weight: 6,
    // Path segments joined by slashes, of letters in both cases and
    // Unicode forms (é precomposed, e + combining acute), digits and the allowed punctuation, and
    // now and then what a service name refuses: emoji, DEL, NEL, ZWSP, ZWJ, a fullwidth letter, a space, '#'.
    arbitrary: padded(
      fc
        .array(
          fc.string({
            unit: fc.oneof(
              { weight: 300, arbitrary: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '@', ':', '+', 'é', 'e\u0301', '漢') },
              { weight: 1, arbitrary: fc.constantFrom('😀', '\u007f', '\u0085', '\u200b', '\u200d', '\uff21', ' ', '#') },
            ),
            minLength: 1,
            maxLength: 12,
          }),
          { minLength: 1, maxLength: 3 },
        )
        .map((segments) => segments.join('/')),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 198, max: 201 }).map((n) => 'a'.repeat(n)) },
);

const sha = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 4, maxLength: 64 });

/** Instants whose offset forms stay within years 0001–9998. */
const instant = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }) },
  { weight: 1, arbitrary: fc.integer({ min: Date.parse('0001-01-02T00:00:00Z'), max: Date.parse('9998-12-31T00:00:00Z') }) },
);
const two = (n: number) => String(n).padStart(2, '0');

/** One instant written the ways producers write it: what toISOString gives, whole seconds, an offset, extra fraction digits. */
function formatInstant(ms: number, style: number, offsetMinutes: number): string {
  const iso = new Date(ms).toISOString();
  switch (style) {
    case 0:
      return iso;
    case 1:
      return `${iso.slice(0, 19)}Z`;
    case 2: {
      const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
      const abs = Math.abs(offsetMinutes);
      return `${shifted}${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
    }
    default:
      return `${iso.slice(0, 23)}${'0123456789'.slice(0, style)}Z`;
  }
}
const style = fc.integer({ min: 0, max: 6 });
const offset = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });
const timestampAt = (ms: number) => fc.tuple(style, offset).map(([s, o]) => formatInstant(ms, s, o));

/** Timestamps built field by field: any year, any fraction length, `Z` or an offset; days up to 31 (some do not exist). */
const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 10 });
const zone = fc.oneof(
  fc.constant('Z'),
  fc
    .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([s, h, m]) => `${s}${two(h)}:${two(m)}`),
);
const builtTimestamp = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 31 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(digits, { nil: undefined }),
    zone,
  )
  .map(
    ([y, mo, d, h, mi, s, f, z]) =>
      `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${f === undefined ? '' : `.${f}`}${z}`,
  );

const timestamp = fc.oneof({ weight: 3, arbitrary: instant.chain(timestampAt) }, { weight: 1, arbitrary: builtTimestamp });

/** A start and an end: usually the end after the start (sometimes equal, to the millisecond or below it), sometimes before. */
const span = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(instant, fc.integer({ min: -2000, max: 90_000_000 }))
      .chain(([ms, delta]) => fc.tuple(timestampAt(ms), timestampAt(ms + delta))),
  },
  { weight: 1, arbitrary: fc.tuple(timestamp, timestamp) },
);

const scheme = fc.constantFrom('https', 'http', 'HTTPS', 'Http');
const host = fc.constantFrom(
  'github.com',
  'example.org',
  'localhost',
  'a.b.c.example',
  '127.0.0.1',
  '[::1]',
  'xn--bcher-kva.example',
  'bücher.example',
  '0x7f.1',
  'a..b',
  'user:pw@host.example',
  'host.example:8080',
  '1.2.3.999',
  'x:99999',
);
/** Path characters: printable ASCII (the fast path's subset), then anything the URL parser may meet. */
const asciiUrlUnit = fc.constantFrom(
  'a',
  'Z',
  '0',
  '/',
  '-',
  '_',
  '.',
  '~',
  '%20',
  '%zz',
  '?',
  '#',
  '&',
  '=',
  '\\',
  '|',
  '"',
  '<',
  '`',
  '{',
);
const anyUrlUnit = fc.oneof(asciiUrlUnit, fc.constantFrom('é', '😀', ' ', '\n', '\t', '\u0000', '\u00a0'));
const url = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.tuple(scheme, host, fc.string({ unit: asciiUrlUnit, maxLength: 30 })).map(([s, h, p]) => `${s}://${h}/${p}`),
  },
  { weight: 2, arbitrary: fc.tuple(scheme, host, fc.string({ unit: anyUrlUnit, maxLength: 30 })).map(([s, h, p]) => `${s}://${h}/${p}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1996, max: 2001 }), fc.constantFrom('', '\n', ' '))
      .map(([n, end]) => `https://x.org/${'a'.repeat(n - 14)}${end}`),
  },
  { weight: 1, arbitrary: padded(fc.constant('https://example.org/path')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'https://',
      'https:///c',
      'http:example.org',
      'https:/example.org',
      'ftp://example.org',
      'https://a%00b/',
      'https://xn--/',
      'https://exa\nmple.org',
      '\u0001https://x/',
      'https://x/\u0001',
      'https://[1::2::3]/',
      'http://@/',
      'https://x/\u00a0',
      'javascript:alert(1)',
    ),
  },
);

const count = fc.oneof({ weight: 5, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 2 ** 53 - 1) });
const prNumber = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2 ** 53 - 1) },
);
const shas = (max: number) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.array(sha, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(sha, { minLength: max, maxLength: max + 1 }) },
  );

/** Assigns a span to the two keys of an event, keeping each key only if the record generated it. */
const withSpan = (events: fc.Arbitrary<Record<string, unknown>>, start: string, end: string) =>
  fc.tuple(events, span).map(([e, [s, f]]) => {
    if (start in e) e[start] = s;
    if (end in e) e[end] = f;
    return e;
  });

/** Sometimes the producer's own key order: the output must still follow the schema's. */
const shuffled = (events: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(events, fc.boolean()).chain(([e, keep]) => {
    const keys = Object.keys(e);
    return keep
      ? fc.constant(e)
      : fc
          .shuffledSubarray(keys, { minLength: keys.length, maxLength: keys.length })
          .map((order) => Object.fromEntries(order.map((k) => [k, e[k]])));
  });

const deployment = shuffled(
  withSpan(
    fc.record(
      {
        type: fc.constant('deployment'),
        id: text(200),
        source: text(100),
        service,
        environment: text(100),
        status: fc.constantFrom(...deploymentStatuses),
        startedAt: timestamp,
        finishedAt: timestamp,
        sha,
        commits: shas(10),
        rework: fc.boolean(),
        production: fc.boolean(),
        changeRequest: text(200),
        url,
        updatedAt: timestamp,
      },
      { requiredKeys: ['type', 'id', 'service', 'environment', 'status'] },
    ),
    'startedAt',
    'finishedAt',
  ),
);

const pullRequest = fc.record(
  {
    number: prNumber,
    openedAt: timestamp,
    mergedAt: timestamp,
    mergeSha: sha,
    firstCommitAt: timestamp,
    planStartedAt: timestamp,
    url,
  },
  { requiredKeys: ['number'] },
);

const change = shuffled(
  fc.record(
    {
      type: fc.constant('change'),
      id: text(200),
      source: text(100),
      service,
      sha,
      committedAt: timestamp,
      authoredAt: timestamp,
      parents: shas(64),
      pullRequest,
      url,
      updatedAt: timestamp,
    },
    { requiredKeys: ['type', 'service', 'sha', 'committedAt'] },
  ),
);

const ciRun = shuffled(
  withSpan(
    fc.record(
      {
        type: fc.constant('ci_run'),
        id: text(200),
        source: text(100),
        service,
        name: text(300),
        status: fc.constantFrom(...ciStatuses),
        startedAt: timestamp,
        finishedAt: timestamp,
        sha,
        branch: text(300),
        tests: fc.record({ passed: count, failed: count, skipped: count }, { requiredKeys: [] }),
        url,
        updatedAt: timestamp,
      },
      { requiredKeys: ['type', 'id', 'service', 'name', 'status', 'startedAt', 'finishedAt'] },
    ),
    'startedAt',
    'finishedAt',
  ),
);

const incident = shuffled(
  withSpan(
    fc.record(
      {
        type: fc.constant('incident'),
        id: text(200),
        source: text(100),
        service,
        openedAt: timestamp,
        resolvedAt: timestamp,
        severity: text(50),
        deploymentId: text(200),
        rootCauseSha: sha,
        changeRequest: text(200),
        title: text(500),
        url,
        updatedAt: timestamp,
      },
      { requiredKeys: ['type', 'id', 'service', 'openedAt'] },
    ),
    'openedAt',
    'resolvedAt',
  ),
);

const anyEvent = fc.oneof(deployment, change, ciRun, incident);

// ---------------------------------------------------------------------------------------------
// Near-valid mutations.

const badTimestamp = fc.oneof(
  fc.constantFrom(
    '2026-03-01T12:00:00z',
    '2026-03-01T12:00Z',
    '2026-03-01T12:00:60Z',
    '2026-02-30T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T12:00:00+0000',
    '2026-03-01T12:00:00+24:00',
    '2026-03-01T12:00:00.Z',
    '2026-03-01t12:00:00Z',
    '2026-03-01 12:00:00Z',
    '2026-03-01T12:00:00',
    '+002026-03-01T12:00:00Z',
    ' 2026-03-01T12:00:00Z',
    '2026-03-01T12:00:00Z\n',
    '２026-03-01T12:00:00Z',
    '2026-03-01T12:00:00+00',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-04-31T00:00:00Z',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
    )
    .map(([y, mo, d, h, mi, s]) => `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}Z`),
);

const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0,
    NaN,
    Infinity,
    2 ** 53,
    '',
    '   ',
    '\u00a0\ufeff',
    'x'.repeat(51),
    'x'.repeat(101),
    'x'.repeat(201),
    'x'.repeat(301),
    'x'.repeat(501),
    '😀'.repeat(201),
    [],
    {},
    ['abcd'],
    ['xyz'],
    [undefined],
    'ABCDEF',
    'abc',
    'g'.repeat(40),
    'a'.repeat(65),
    'success',
    'in_progress',
    'SUCCESS',
    'failed',
    'deployment',
    'change',
    'https://x.org',
    'a b',
    'a/b',
    new Date(0),
    new String('x'),
    { passed: 1 },
    { number: 1 },
  ),
  badTimestamp,
  timestamp,
  url,
  sha,
  fc.string({ maxLength: 8 }),
  fc.anything({ maxDepth: 1 }),
  fc.constantFrom(-1, -0, 0, 1, 1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), NaN, Infinity, -Infinity, Number.MIN_VALUE),
);

const topKeys = [
  'type',
  'id',
  'source',
  'service',
  'environment',
  'status',
  'startedAt',
  'finishedAt',
  'sha',
  'commits',
  'rework',
  'url',
  'committedAt',
  'authoredAt',
  'parents',
  'pullRequest',
  'name',
  'branch',
  'tests',
  'openedAt',
  'resolvedAt',
  'severity',
  'deploymentId',
  'rootCauseSha',
  'changeRequest',
  'title',
  'updatedAt',
  'extra',
  '__proto__',
  'constructor',
];
const nestedKeys = [
  'number',
  'openedAt',
  'mergedAt',
  'mergeSha',
  'firstCommitAt',
  'planStartedAt',
  'url',
  'passed',
  'failed',
  'skipped',
  'updatedAt',
  'extra',
];

type Mutation =
  { kind: 'set'; key: string; nested: boolean; value: unknown } | { kind: 'delete'; key: string; nested: boolean } | { kind: 'swap' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      key: fc.constantFrom(...topKeys),
      nested: fc.constant(false),
      value: badValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      key: fc.constantFrom(...nestedKeys),
      nested: fc.constant(true),
      value: badValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...topKeys, ...nestedKeys), nested: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'swap' as const }) },
);

/** An own, enumerable property even for `__proto__`, as JSON.parse makes it. */
const define = (o: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

function mutate(event: Record<string, unknown>, m: Mutation): void {
  if (m.kind === 'swap') {
    for (const [a, b] of [
      ['startedAt', 'finishedAt'],
      ['openedAt', 'resolvedAt'],
    ])
      [event[a], event[b]] = [event[b], event[a]];
    return;
  }
  const nested = event.pullRequest ?? event.tests;
  const target = m.nested ? nested : event;
  if (typeof target !== 'object' || target === null) return;
  const o = target as Record<string, unknown>;
  if (m.kind === 'delete') delete o[m.key];
  else define(o, m.key, m.value);
}

/** The container itself changed: other prototypes, inherited fields, not an object at all. */
const reshape = fc.constantFrom<(e: Record<string, unknown>) => unknown>(
  (e) => e,
  (e) => Object.assign(Object.create(null), e),
  (e) => Object.assign(new (class Event {})(), e),
  (e) => Object.assign(Object.create({ title: 'inherited' }), e),
  (e) => JSON.parse(JSON.stringify(e).replace(/^\{/, '{"__proto__":{},')),
  (e) => [e],
  () => null,
  (e) => JSON.stringify(e),
);

const mutated = fc
  .tuple(
    anyEvent,
    fc.array(mutation, { minLength: 1, maxLength: 3 }),
    fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    reshape,
  )
  .map(([event, ms, doReshape, shapeOf]) => {
    const copy = structuredClone(event);
    for (const m of ms) mutate(copy, m);
    return doReshape ? shapeOf(copy) : copy;
  });

// ---------------------------------------------------------------------------------------------

describe('fastParse agrees with the zod schema', () => {
  it('returns zod’s exact value for generated valid events of every type', () => {
    const seen: Record<Outcome, number> = { fast: 0, zod: 0, invalid: 0 };
    fc.assert(
      fc.property(anyEvent, (e) => {
        seen[agree(e)]++;
      }),
      { seed: 20261101, numRuns: 10_000 },
    );
    // The generators aim at valid events; most must be valid, and the fast path must take most of those.
    expect(seen.fast + seen.zod).toBeGreaterThan(5_000);
    expect(seen.fast).toBeGreaterThan((seen.fast + seen.zod) / 2);
  });

  it('never accepts what zod refuses, for near-valid mutations', () => {
    const seen: Record<Outcome, number> = { fast: 0, zod: 0, invalid: 0 };
    fc.assert(
      fc.property(mutated, (e) => {
        seen[agree(e)]++;
      }),
      { seed: 7, numRuns: 10_000 },
    );
    expect(seen.invalid).toBeGreaterThan(5_000);
  });

  it('agrees on timestamps and spans alone', () => {
    const at = fc.oneof(timestamp, badTimestamp);
    fc.assert(
      fc.property(at, fc.option(at, { nil: undefined }), (openedAt, resolvedAt) => {
        agree({ type: 'incident', id: 'i', service: 's', openedAt, ...(resolvedAt !== undefined && { resolvedAt }) });
      }),
      { seed: 99, numRuns: 3_000 },
    );
  });
});

describe('fastParse edge cases', () => {
  const inc = { type: 'incident', id: 'inc-1', service: 'gov/app', openedAt: '2026-03-01T12:00:00Z' };
  const dep = {
    type: 'deployment',
    id: 'd-1',
    service: 'gov/app',
    environment: 'production',
    status: 'success',
    finishedAt: '2026-03-01T12:00:00Z',
  };
  const chg = { type: 'change', service: 'gov/app', sha: 'abcd', committedAt: '2026-03-01T12:00:00Z' };
  const ci = {
    type: 'ci_run',
    id: 'c-1',
    service: 'gov/app',
    name: 'build',
    status: 'success',
    startedAt: '2026-03-01T12:00:00Z',
    finishedAt: '2026-03-01T12:00:00Z',
  };
  const at = (openedAt: string) => ({ ...inc, openedAt });
  const urlOf = (url: string) => ({ ...inc, url });
  const sparse: unknown[] = new Array(2);

  // [what, input, who decides]: 'fast' = the fast path returns zod's value; 'zod' = the fast
  // path defers and zod accepts; 'invalid' = both refuse.
  const cases: [string, unknown, Outcome][] = [
    ['a minimal incident', inc, 'fast'],
    ['text is trimmed', { ...inc, id: '  x  ' }, 'fast'],
    ['Unicode whitespace is trimmed (NBSP, LS, BOM)', { ...inc, id: '\u00a0\ufeffx\u2028' }, 'fast'],
    ['ZWSP and NEL are not whitespace to trim, and an identifier refuses them', { ...inc, id: '\u200bx\u0085' }, 'invalid'],
    ['an identifier with NUL', { ...inc, id: 'a\u0000b' }, 'invalid'],
    ['an identifier with a C1 control', { ...inc, severity: 'high\u009b' }, 'invalid'],
    ['an identifier with a bidi override', { ...inc, deploymentId: 'd\u202e1' }, 'invalid'],
    ['a change request is trimmed', { ...inc, changeRequest: '  CHG-42  ' }, 'fast'],
    ['a change request with a bidi override', { ...inc, changeRequest: 'CHG\u202e42' }, 'invalid'],
    ['a change request of 201 characters', { ...inc, changeRequest: 'c'.repeat(201) }, 'invalid'],
    ['an identifier with a lone surrogate', { ...inc, id: 'a\ud800' }, 'invalid'],
    ['an identifier with spaces and accents', { ...inc, severity: 'très haut' }, 'fast'],
    ['a title keeps an emoji joined by ZWJ', { ...inc, title: 'outage 👩\u200d💻' }, 'fast'],
    ['a title keeps a line break and a tab', { ...inc, title: 'a\nb\tc' }, 'fast'],
    ['a title with a bell', { ...inc, title: 'a\u0007b' }, 'invalid'],
    ['a title with a C1 control', { ...inc, title: 'a\u0085b' }, 'invalid'],
    ['a title with a bidi override', { ...inc, title: 'a\u202eb' }, 'invalid'],
    ['whitespace-only text', { ...inc, id: ' \u3000 ' }, 'invalid'],
    ['text at its limit', { ...inc, id: 'x'.repeat(200) }, 'fast'],
    ['text over its limit', { ...inc, id: 'x'.repeat(201) }, 'invalid'],
    ['padded text at its limit once trimmed', { ...inc, id: ` ${'x'.repeat(200)} ` }, 'fast'],
    ['100 emoji: 200 units', { ...inc, id: '😀'.repeat(100) }, 'fast'],
    ['101 emoji: 202 units but 101 code points, which zod counts', { ...inc, id: '😀'.repeat(101) }, 'zod'],
    ['201 emoji', { ...inc, id: '😀'.repeat(201) }, 'invalid'],
    ['service is trimmed', { ...inc, service: ' a/b ' }, 'fast'],
    ['service with a space', { ...inc, service: 'a b' }, 'invalid'],
    ['service with NBSP', { ...inc, service: 'a\u00a0b' }, 'invalid'],
    ['service with a control character', { ...inc, service: 'a\u0001b' }, 'invalid'],
    ['service with NEL and DEL (neither \\s nor C0)', { ...inc, service: 'a\u0085\u007fb' }, 'invalid'],
    ['service in NFD is normalised to NFC', { ...inc, service: 'acme/we\u0301b' }, 'fast'],
    ['service keeps its case', { ...inc, service: 'Acme/Web' }, 'fast'],
    ['service with a nested path and @ : + . _ -', { ...inc, service: '@gov/sub.group/pro_ject-1:api+v2' }, 'fast'],
    ['service with a leading slash (a CDEvents source)', { ...inc, service: '/ci/deploy' }, 'fast'],
    ['service with a trailing slash', { ...inc, service: 'acme/web/' }, 'invalid'],
    ['service with a double slash', { ...inc, service: 'acme//web' }, 'invalid'],
    ['service with a ".." segment', { ...inc, service: 'acme/../web' }, 'invalid'],
    ['service of punctuation alone', { ...inc, service: '-.-' }, 'invalid'],
    ['service with ZWJ', { ...inc, service: 'ac\u200dme/web' }, 'invalid'],
    ['service with a fullwidth letter', { ...inc, service: '\uff21cme/web' }, 'invalid'],
    ['service with a hash', { ...inc, service: 'acme#web' }, 'invalid'],
    ['service with an emoji', { ...inc, service: 'acme/😀' }, 'invalid'],
    ['an upper-case sha is lowercased', { ...inc, rootCauseSha: 'ABCDEF0123' }, 'fast'],
    ['a 3-digit sha', { ...inc, rootCauseSha: 'abc' }, 'invalid'],
    ['a 65-digit sha', { ...inc, rootCauseSha: 'a'.repeat(65) }, 'invalid'],
    ['a sha is not trimmed', { ...inc, rootCauseSha: ' abcd' }, 'invalid'],
    ['lower-case z', at('2026-03-01T12:00:00z'), 'invalid'],
    ['no seconds', at('2026-03-01T12:00Z'), 'invalid'],
    ['leap second', at('2026-12-31T23:59:60Z'), 'invalid'],
    ['30 February', at('2026-02-30T00:00:00Z'), 'invalid'],
    ['31 April', at('2026-04-31T00:00:00Z'), 'invalid'],
    ['29 February of a leap year', at('2024-02-29T00:00:00Z'), 'fast'],
    ['29 February 2100', at('2100-02-29T00:00:00Z'), 'invalid'],
    ['29 February 2000', at('2000-02-29T00:00:00Z'), 'fast'],
    ['29 February of year 0', at('0000-02-29T00:00:00Z'), 'fast'],
    ['hour 24', at('2026-03-01T24:00:00Z'), 'invalid'],
    ['offset without a colon', at('2026-03-01T12:00:00+0000'), 'invalid'],
    ['offset with a colon', at('2026-03-01T12:00:00+00:00'), 'fast'],
    ['offset −23:59', at('2026-03-01T12:00:00-23:59'), 'fast'],
    ['offset +24:00', at('2026-03-01T12:00:00+24:00'), 'invalid'],
    ['hour-only offset', at('2026-03-01T12:00:00+05'), 'invalid'],
    ['7-digit fraction', at('2026-03-01T12:00:00.1234567Z'), 'fast'],
    ['21-digit fraction with an offset', at('2026-03-01T12:00:00.000000000000000000001+05:30'), 'fast'],
    ['empty fraction', at('2026-03-01T12:00:00.Z'), 'invalid'],
    ['lower-case t', at('2026-03-01t12:00:00Z'), 'invalid'],
    ['space instead of T', at('2026-03-01 12:00:00Z'), 'invalid'],
    ['no time zone', at('2026-03-01T12:00:00'), 'invalid'],
    ['expanded year', at('+002026-03-01T12:00:00Z'), 'invalid'],
    ['padded timestamp', at(' 2026-03-01T12:00:00Z'), 'invalid'],
    ['full-width digit', at('２026-03-01T12:00:00Z'), 'invalid'],
    ['resolved a second before opened', { ...inc, resolvedAt: '2026-03-01T11:59:59Z' }, 'invalid'],
    ['resolved at an offset that puts it before', { ...inc, resolvedAt: '2026-03-01T12:00:00+00:01' }, 'invalid'],
    ['the same instant written differently', { ...inc, resolvedAt: '2026-03-01T12:00:00.000Z' }, 'fast'],
    [
      'same-width strings one millisecond before',
      { ...inc, openedAt: '2026-03-01T12:00:00.001Z', resolvedAt: '2026-03-01T12:00:00.000Z' },
      'invalid',
    ],
    [
      'sub-millisecond order, which Date.parse cannot see',
      { ...inc, openedAt: '2026-03-01T12:00:00.0009Z', resolvedAt: '2026-03-01T12:00:00.0001Z' },
      'fast',
    ],
    ['an in-progress deployment needs no finishedAt', { ...dep, status: 'in_progress', finishedAt: undefined }, 'fast'],
    ['a finished deployment needs finishedAt', { ...dep, finishedAt: undefined }, 'invalid'],
    ['a deployment finished before it started', { ...dep, startedAt: '2026-03-01T12:00:01Z' }, 'invalid'],
    ['a CI run finished before it started', { ...ci, finishedAt: '2026-03-01T11:00:00Z' }, 'invalid'],
    ['an optional key present as undefined is kept', { ...inc, source: undefined, title: undefined }, 'fast'],
    ['a required key present as undefined', { ...inc, id: undefined }, 'invalid'],
    ['an unknown key', { ...inc, extra: 1 }, 'invalid'],
    ['an unknown key in a pull request', { ...chg, pullRequest: { number: 1, extra: 1 } }, 'invalid'],
    ['an own __proto__ key from JSON.parse', JSON.parse(JSON.stringify(inc).replace('{', '{"__proto__":{},')), 'invalid'],
    ['a null-prototype object', Object.assign(Object.create(null), inc), 'fast'],
    ['a class instance, which zod takes', Object.assign(new (class Event {})(), inc), 'zod'],
    ['an inherited field, which zod copies', Object.assign(Object.create({ title: 'inherited' }), inc), 'zod'],
    ['negative zero tests passed', { ...ci, tests: { passed: -0 } }, 'fast'],
    ['the largest safe integer', { ...ci, tests: { failed: 2 ** 53 - 1 } }, 'fast'],
    ['2^53 tests', { ...ci, tests: { failed: 2 ** 53 } }, 'invalid'],
    ['a negative count', { ...ci, tests: { passed: -1 } }, 'invalid'],
    ['a fractional count', { ...ci, tests: { skipped: 1.5 } }, 'invalid'],
    ['NaN tests', { ...ci, tests: { passed: NaN } }, 'invalid'],
    ['a count as a string', { ...ci, tests: { passed: '1' } }, 'invalid'],
    ['empty tests', { ...ci, tests: {} }, 'fast'],
    ['pull request number 0', { ...chg, pullRequest: { number: 0 } }, 'invalid'],
    ['pull request number 1.0', { ...chg, pullRequest: { number: 1.0, mergeSha: 'ABCD' } }, 'fast'],
    ['rework as a string', { ...dep, rework: 'true' }, 'invalid'],
    ['parents are lowercased into a new array', { ...chg, parents: ['ABCD', 'ef01'] }, 'fast'],
    ['a sparse commit list', { ...dep, commits: sparse }, 'invalid'],
    ['10,000 commits', { ...dep, commits: Array.from({ length: 10_000 }, (_, i) => i.toString(16).padStart(8, '0')) }, 'fast'],
    ['10,001 commits', { ...dep, commits: Array.from({ length: 10_001 }, (_, i) => i.toString(16).padStart(8, '0')) }, 'invalid'],
    ['65 parents', { ...chg, parents: Array.from({ length: 65 }, () => 'abcd') }, 'invalid'],
    ['a plain https URL', urlOf('https://github.com/gov/app/pull/1'), 'fast'],
    ['an upper-case scheme', urlOf('HTTPS://example.org'), 'fast'],
    ['an IPv6 host', urlOf('https://[::1]/'), 'fast'],
    ['a backslash in the path', urlOf('https://x/\\y'), 'fast'],
    ['a padded URL, which zod trims', urlOf(' https://example.org '), 'zod'],
    ['a newline inside a URL, which zod strips', urlOf('https://exa\nmple.org'), 'zod'],
    ['an IDN host', urlOf('https://bücher.example/'), 'zod'],
    ['a URL of 2,000 characters', urlOf(`https://x.org/${'a'.repeat(1986)}`), 'fast'],
    ['a URL of 2,001 characters', urlOf(`https://x.org/${'a'.repeat(1987)}`), 'invalid'],
    ['2,001 characters, 2,000 once the newline is stripped', urlOf(`https://x.org/${'a'.repeat(1986)}\n`), 'zod'],
    ['http: without slashes', urlOf('http:example.org'), 'invalid'],
    ['an ftp URL', urlOf('ftp://example.org'), 'invalid'],
    ['a bad IPv4 host', urlOf('https://1.2.3.999/'), 'invalid'],
    ['a port out of range', urlOf('https://x:99999/'), 'invalid'],
    ['a space in the host', urlOf('https://a b/'), 'invalid'],
    ['updatedAt on an incident', { ...inc, updatedAt: '2026-03-02T08:00:00+01:00' }, 'fast'],
    ['updatedAt on a deployment', { ...dep, updatedAt: '2026-03-02T08:00:00Z' }, 'fast'],
    ['updatedAt on a change', { ...chg, updatedAt: '2026-03-02T08:00:00.123Z' }, 'fast'],
    ['updatedAt on a CI run', { ...ci, updatedAt: '2026-03-02T08:00:00Z' }, 'fast'],
    ['updatedAt first, as a producer may write it', { updatedAt: '2026-03-02T08:00:00Z', ...inc }, 'fast'],
    ['updatedAt present as undefined', { ...inc, updatedAt: undefined }, 'fast'],
    ['updatedAt without a time zone', { ...inc, updatedAt: '2026-03-02T08:00:00' }, 'invalid'],
    ['updatedAt as epoch milliseconds', { ...dep, updatedAt: 1772438400000 }, 'invalid'],
    ['updatedAt inside a pull request', { ...chg, pullRequest: { number: 1, updatedAt: '2026-03-02T08:00:00Z' } }, 'invalid'],
    ['a type in the wrong case', { ...inc, type: 'Incident' }, 'invalid'],
    ['no type', { ...inc, type: undefined }, 'invalid'],
    ['null', null, 'invalid'],
    ['an array', [inc], 'invalid'],
    ['a JSON string', JSON.stringify(inc), 'invalid'],
  ];

  it.each(cases)('%s', (_what, input, expected) => {
    expect(agree(input)).toBe(expected);
  });

  it("puts updatedAt last whatever the producer's order, as db/ingest.ts relies on to leave it out of the hash", () => {
    for (const e of [inc, dep, chg, ci]) {
      const input = { updatedAt: '2026-03-02T08:00:00Z', ...e, url: 'https://example.org/x' };
      expect(Object.keys(fastParse(input)!).at(-1)).toBe('updatedAt');
      expect(Object.keys(nativeEvent.parse(input)).at(-1)).toBe('updatedAt');
    }
  });
});

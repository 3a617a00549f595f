/**
 * A hand-written fast path for the `nativeEvent` zod schema (./events.ts). Ingestion has to
 * take ~100,000 events/s on two cores, and zod alone spends several µs on each; this does the
 * same work three to four times faster (`npm run bench -- validate`).
 *
 * The contract is one-sided: `fastParse` either returns EXACTLY what
 * `nativeEvent.parse(raw)` would (same values, same keys in the same order) or returns null,
 * and then the caller runs zod, which decides and words the errors. So each checker below only
 * accepts what it can vouch for: anything unusual (a string longer than its limit in UTF-16
 * units, a URL with spaces or non-ASCII characters, a class instance) is refused and left to
 * zod. test/db/events-fast.test.ts pins the equivalence with property tests.
 *
 * Keep this file in step with events.ts: a field added there and not here makes every event
 * carrying it fall back to zod (safe, but slow); a rule tightened there and not here would
 * let invalid events through, which the property tests exist to catch.
 */
import { ciStatuses, deploymentStatuses, type NativeEvent } from './events';
import { identifierProblem, normaliseServiceName, serviceNameProblem, textProblem } from './identifiers';

/** Returned by a checker for a value it cannot vouch for; distinct from every parsed value. */
const REFUSE: unique symbol = Symbol('refuse');

/** Parses one field's value as zod would, or returns REFUSE. */
type Checker = (value: unknown) => unknown;

/** One key of an object schema, in the schema's own order (zod emits keys in that order). */
interface Field {
  key: string;
  check: Checker;
  optional: boolean;
}

/** A strict object schema: its fields in shape order and the set of keys it allows. */
interface Shape {
  fields: readonly Field[];
  keys: ReadonlySet<string>;
}

const required = (key: string, check: Checker): Field => ({ key, check, optional: false });
const optional = (key: string, check: Checker): Field => ({ key, check, optional: true });
const shape = (...fields: Field[]): Shape => ({ fields, keys: new Set(fields.map((f) => f.key)) });

// ---------------------------------------------------------------------------------------------
// Checkers, one per zod building block of events.ts.

/**
 * `trimmed(max)`: a string, trimmed (String.prototype.trim, as zod's `.trim()`), then 1..max long.
 * zod measures length in code points; a string within `max` UTF-16 units is certainly within
 * `max` code points, and a non-empty string has at least one, so units decide every case we
 * accept. A longer string may still fit in code points (emoji): zod counts it.
 */
function trimmed(max: number): Checker {
  return (value) => {
    if (typeof value !== 'string') return REFUSE;
    const t = value.trim();
    return t.length >= 1 && t.length <= max ? t : REFUSE;
  };
}

/** `trimmed(max)` whose result passes `problem` (a rule of ./identifiers.ts), as zod's superRefine. */
function checked(max: number, problem: (s: string) => string | null): Checker {
  const length = trimmed(max);
  return (value) => {
    const t = length(value);
    return typeof t === 'string' && problem(t) === null ? t : REFUSE;
  };
}

/** `text(max)`: an identifier. */
const text = (max: number) => checked(max, identifierProblem);

const serviceText = trimmed(200);
/** `service`: `trimmed(200)`, then NFC, then the service name rule, in zod's order. */
function service(value: unknown): unknown {
  const t = serviceText(value);
  if (typeof t !== 'string') return REFUSE;
  const name = normaliseServiceName(t);
  return serviceNameProblem(name) === null ? name : REFUSE;
}

const SHA = /^[0-9a-fA-F]{4,64}$/;
/** `sha`: 4–64 hex digits, not trimmed, lowercased. */
function sha(value: unknown): unknown {
  return typeof value === 'string' && SHA.test(value) ? value.toLowerCase() : REFUSE;
}

/** `z.array(sha).max(max)`: a fresh array of lowercased shas (holes read as undefined: refused). */
function shaList(max: number): Checker {
  return (value) => {
    if (!Array.isArray(value) || value.length > max) return REFUSE;
    const out: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const s: unknown = value[i];
      if (typeof s !== 'string' || !SHA.test(s)) return REFUSE;
      out.push(s.toLowerCase());
    }
    return out;
  };
}

/**
 * zod 4's `z.iso.datetime({ offset: true })`, by experiment and its source: `YYYY-MM-DDTHH:MM:SS`,
 * seconds required, optional fraction of any length, then `Z` (uppercase only) or `±HH:MM`
 * (colon required, hour 00–23). Hours 00–23, seconds 00–59 (no leap second). `\d` without the
 * `u` flag is ASCII only. The day must exist in its month (checked in `dayExists`).
 */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the `YYYY-MM-DD` prefix of a TIMESTAMP-shaped string names a real Gregorian day. */
function dayExists(s: string): boolean {
  // No inner helper closure: tsx (esbuild keepNames) wraps every closure it creates in
  // `__name()`, which costs more than the whole check on this hot path.
  const year = Number(s.slice(0, 4));
  const month = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const day = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  if (month < 1 || month > 12 || day < 1) return false;
  // zod's date pattern spells out the Gregorian rule, year 0000 included (a leap year).
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** A timestamp passes through unchanged. */
function timestamp(value: unknown): unknown {
  return typeof value === 'string' && TIMESTAMP.test(value) && dayExists(value) ? value : REFUSE;
}

/**
 * The conservative subset of `z.url({ protocol: /^https?$/ }).max(2000)` we accept: an
 * `http(s)://` prefix (any case, as zod's guard) followed only by printable ASCII. With no
 * whitespace or control character, zod's trim and tab/newline stripping change nothing, so
 * its output is the input; the prefix fixes the parsed protocol to http or https; and
 * `URL.canParse` is the same WHATWG parser zod calls. Everything else (spaces to trim,
 * IDN hosts, `\n` inside) goes to zod.
 */
const SIMPLE_URL = /^https?:\/\/[\x21-\x7e]*$/i;
function url(value: unknown): unknown {
  return typeof value === 'string' && value.length <= 2000 && SIMPLE_URL.test(value) && URL.canParse(value) ? value : REFUSE;
}

/**
 * `z.number().int().min(0)`: a finite safe integer (zod's `.int()` refuses beyond 2^53 − 1)
 * that is not negative. `-0` passes and is returned as `-0`, as zod does.
 */
function count(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : REFUSE;
}

/** `z.number().int().positive()`. */
function positiveInt(value: unknown): unknown {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : REFUSE;
}

function boolean(value: unknown): unknown {
  return typeof value === 'boolean' ? value : REFUSE;
}

/** `z.literal` / `z.enum` over strings. */
function oneOf(values: readonly string[]): Checker {
  return (value) => (typeof value === 'string' && values.includes(value) ? value : REFUSE);
}

/** A nested strict object, as a field checker. */
function object(s: Shape): Checker {
  return (value) => parseObject(value, s) ?? REFUSE;
}

// ---------------------------------------------------------------------------------------------
// Objects.

/**
 * Only plain objects (prototype `Object.prototype` or null), as JSON.parse makes them. zod
 * accepts class instances too, and reads inherited properties as fields; those go to zod.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A `.strict()` zod object: refuses any enumerable key outside the shape (`for...in`, like
 * zod's own check, so an own `__proto__` key from JSON.parse is refused too), then builds the
 * output in shape order. As in zod, an absent optional key is left out, and an optional key
 * present with the value `undefined` is kept with that value.
 */
function parseObject(raw: unknown, s: Shape): Record<string, unknown> | null {
  if (!isPlainObject(raw)) return null;
  for (const key in raw) if (!s.keys.has(key)) return null;
  const out: Record<string, unknown> = {};
  for (const f of s.fields) {
    const value = raw[f.key];
    if (value === undefined) {
      // Absent, or present as undefined: only an optional key takes either, and only the
      // present one appears in the output (zod tests presence with `in`).
      if (!f.optional) return null;
      if (f.key in raw) out[f.key] = undefined;
      continue;
    }
    const parsed = f.check(value);
    if (parsed === REFUSE) return null;
    out[f.key] = parsed;
  }
  return out;
}

/**
 * events.ts `notBefore`: both present (non-empty) and the end parses before the start. The
 * inputs are timestamps this module accepted, or `undefined` (present but undefined).
 */
function endsBeforeStart(start: unknown, end: unknown): boolean {
  if (typeof start !== 'string' || typeof end !== 'string' || start === '' || end === '') return false;
  // Date.parse is among the dearest steps (~0.15 µs a call). Two UTC timestamps of the same
  // length, both with whole seconds (length 20) or milliseconds (24), as collectors send them,
  // are fixed-width with the same fields in the same places, so they compare as strings
  // exactly as their Date.parse values compare (the fraction is exact to the millisecond).
  if (start.length === end.length && (start.length === 20 || start.length === 24) && start.endsWith('Z') && end.endsWith('Z'))
    return end < start;
  return Date.parse(end) < Date.parse(start);
}

// ---------------------------------------------------------------------------------------------
// The four event schemas, field for field and in the same order as events.ts.

const text50 = text(50);
const text100 = text(100);
const text200 = text(200);
const text300 = text(300);
const freeText500 = checked(500, textProblem);

const deployment = shape(
  required('type', oneOf(['deployment'])),
  required('id', text200),
  optional('source', text100),
  required('service', service),
  required('environment', text100),
  required('status', oneOf(deploymentStatuses)),
  optional('startedAt', timestamp),
  optional('finishedAt', timestamp),
  optional('sha', sha),
  optional('commits', shaList(10_000)),
  optional('rework', boolean),
  optional('production', boolean),
  optional('changeRequest', text200),
  optional('url', url),
  optional('updatedAt', timestamp),
);

const pullRequest = shape(
  required('number', positiveInt),
  optional('openedAt', timestamp),
  optional('mergedAt', timestamp),
  optional('mergeSha', sha),
  optional('firstCommitAt', timestamp),
  optional('planStartedAt', timestamp),
  optional('squashed', boolean),
  optional('url', url),
);

const change = shape(
  required('type', oneOf(['change'])),
  optional('id', text200),
  optional('source', text100),
  required('service', service),
  required('sha', sha),
  required('committedAt', timestamp),
  optional('authoredAt', timestamp),
  optional('parents', shaList(64)),
  optional('pullRequest', object(pullRequest)),
  optional('url', url),
  optional('updatedAt', timestamp),
);

const tests = shape(optional('passed', count), optional('failed', count), optional('skipped', count));

const ciRun = shape(
  required('type', oneOf(['ci_run'])),
  required('id', text200),
  optional('source', text100),
  required('service', service),
  required('name', text300),
  required('status', oneOf(ciStatuses)),
  required('startedAt', timestamp),
  required('finishedAt', timestamp),
  optional('sha', sha),
  optional('branch', text300),
  optional('tests', object(tests)),
  optional('url', url),
  optional('updatedAt', timestamp),
);

const incident = shape(
  required('type', oneOf(['incident'])),
  required('id', text200),
  optional('source', text100),
  required('service', service),
  required('openedAt', timestamp),
  optional('resolvedAt', timestamp),
  optional('severity', text50),
  optional('deploymentId', text200),
  optional('rootCauseSha', sha),
  optional('changeRequest', text200),
  optional('title', freeText500),
  optional('url', url),
  optional('updatedAt', timestamp),
);

/**
 * The event zod's `nativeEvent.parse(raw)` would return, or null when this fast path cannot
 * vouch for the input (invalid, or valid in a way it does not handle); then run zod.
 */
export function fastParse(raw: unknown): NativeEvent | null {
  if (!isPlainObject(raw)) return null;
  // The casts below are the one unchecked step: each shape mirrors its events.ts schema field
  // for field, and the property tests compare the result with zod's deeply.
  // The discriminated union reads `type` and picks one option; an unknown type is invalid.
  switch (raw.type) {
    case 'deployment': {
      const d = parseObject(raw, deployment);
      // The superRefine of deploymentEvent: finishedAt is required unless in progress.
      if (!d || (d.status !== 'in_progress' && !d.finishedAt) || endsBeforeStart(d.startedAt, d.finishedAt)) return null;
      return d as NativeEvent;
    }
    case 'change':
      return parseObject(raw, change) as NativeEvent | null;
    case 'ci_run': {
      const r = parseObject(raw, ciRun);
      return r && !endsBeforeStart(r.startedAt, r.finishedAt) ? (r as NativeEvent) : null;
    }
    case 'incident': {
      const i = parseObject(raw, incident);
      return i && !endsBeforeStart(i.openedAt, i.resolvedAt) ? (i as NativeEvent) : null;
    }
    default:
      return null;
  }
}

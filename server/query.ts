/** Parsing of the query strings every read shares: scope, window, bucket, limit. */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from './errors';
import type { Bucket } from './metrics/calendar';

/**
 * Refuses a request whose query gives a parameter more than once (`?scope=a&scope=b`, an
 * array), as a structure (`?scope[x]=1`: Express's parser keeps the key `scope[x]` as it is,
 * and the route would read no `scope` at all) or as an object, naming it: every route reads each
 * parameter as one string, and would otherwise take a default silently. Mounted once in front
 * of every route (server/app.ts).
 */
export function singleQueryValues(): RequestHandler {
  return (req, _res, next) => {
    for (const [name, value] of Object.entries(req.query)) {
      const structured = /[[\]]/.test(name);
      if (typeof value === 'string' && !structured) continue;
      const shown = name.slice(0, 50);
      const base = structured ? shown.replace(/\[.*$/s, '') : shown;
      const how = Array.isArray(value) ? 'given more than once' : 'given as a structure';
      return next(
        new HttpError(400, 'invalid_query', `${shown}: ${how}; give ${base} once, as plain text (such as ${base}=value).`, [
          { path: shown, message: how },
        ]),
      );
    }
    next();
  };
}

const DAY_MS = 86_400_000;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const isoDateTime = z.iso.datetime({ offset: true });

/** A date (`2026-01-31`, midnight UTC) or a timestamp with a zone. */
function parseInstant(value: unknown, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (isoDate.test(value) || isoDateTime.safeParse(value).success)) {
    const t = Date.parse(isoDate.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(t)) return t;
  }
  throw new HttpError(
    400,
    'invalid_query',
    `${field}: expected a date such as 2026-01-31 or a timestamp with a zone such as 2026-01-31T12:00:00Z.`,
  );
}

/** The window [from, to): by default the 90 days up to now. */
export function parseWindow(q: Record<string, unknown>, now: number): { from: number; to: number } {
  const to = parseInstant(q.to, 'to') ?? now;
  const from = parseInstant(q.from, 'from') ?? to - 90 * DAY_MS;
  if (from >= to) throw new HttpError(400, 'invalid_query', 'from: must be before to.');
  if (to - from > 10 * 366 * DAY_MS) throw new HttpError(400, 'invalid_query', 'from: the window may span at most 10 years.');
  return { from, to };
}

export function parseBucket(value: unknown): Bucket {
  if (value === undefined || value === '') return 'week';
  if (value === 'day' || value === 'week' || value === 'month') return value;
  throw new HttpError(400, 'invalid_query', 'bucket: expected day, week or month.');
}

export function parseLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new HttpError(400, 'invalid_query', `limit: expected a whole number from 1 to ${max}.`);
  return n;
}

export function parseEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new HttpError(400, 'invalid_query', `${field}: expected one of ${allowed.join(', ')}.`);
}

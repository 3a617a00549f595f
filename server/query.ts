/** Parsing of the query strings every read shares: scope, window, bucket, limit. */
import { z } from 'zod';
import { HttpError } from './errors';
import type { Bucket } from './metrics/calendar';

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
  throw new HttpError(400, 'invalid_query', `${field}: expected a date such as 2026-01-31 or a timestamp with a zone such as 2026-01-31T12:00:00Z.`);
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
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, 'invalid_query', `limit: expected a whole number from 1 to ${max}.`);
  return n;
}

export function parseEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new HttpError(400, 'invalid_query', `${field}: expected one of ${allowed.join(', ')}.`);
}

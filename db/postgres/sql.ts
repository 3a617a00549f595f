/**
 * How the PostgreSQL store talks to node-postgres: every statement through {@link q}, with the
 * type parsers Deming's rows need whatever the pool was set up with (bigint and count(*) as
 * numbers, not strings: every id and epoch-millisecond time fits in a double), as a named
 * statement so each pooled connection prepares it once. Its errors are marked as the database's
 * (db/unavailable.ts), so a connection refused while the server restarts answers 503.
 */
import pg from 'pg';
import { createHash } from 'node:crypto';
import { fromDatabase } from '../unavailable';

/** A pool (one statement, any connection) or a checked-out client (inside a transaction). */
export type Queryable = pg.Pool | pg.PoolClient;

const INT8 = 20;
const NUMERIC = 1700;
const asNumber = (v: string) => Number(v);

export const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? asNumber : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const names = new Map<string, string>();

/** A statement's name: the same text always gets the same one (named statements are prepared per connection). */
function nameOf(text: string): string {
  let n = names.get(text);
  if (!n) {
    n = 'deming_' + createHash('sha1').update(text).digest('hex').slice(0, 16);
    names.set(text, n);
  }
  return n;
}

/** Runs one statement and returns its rows. */
export async function q<R extends object = Record<string, unknown>>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  const r = await db.query<R>({ name: nameOf(text), text, values, types }).catch((e: unknown) => Promise.reject(fromDatabase(e)));
  return r.rows;
}

/** Runs one statement and returns how many rows it changed. */
export async function run(db: Queryable, text: string, values: unknown[] = []): Promise<number> {
  const r = await db.query({ name: nameOf(text), text, values, types }).catch((e: unknown) => Promise.reject(fromDatabase(e)));
  return r.rowCount ?? 0;
}

/** Runs one statement and returns its first row, if any. */
export async function one<R extends object = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<R | undefined> {
  return (await q<R>(db, text, values))[0];
}

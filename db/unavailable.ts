/**
 * A database that cannot be reached for a moment, told apart from every other error: a
 * PostgreSQL server restarting, failing over, or cutting its connections (pg_terminate_backend),
 * and the pool's connections lost with it. Worth retrying in a moment (the pool connects again
 * by itself), unlike the faults of db/faults.ts that need an operator. The API answers it with
 * 503 and `Retry-After` (server/errors.ts). Driver-free: it reads the error's `code` and message.
 * A socket error (ECONNREFUSED…) counts only when the store marked it as its own
 * ({@link fromDatabase}), so a route's failing call to another host is not taken for the database.
 */

const OWN = Symbol.for('deming.databaseError');

/** Marks `e` as thrown by the database's connection (not by some other socket); returns it. */
export function fromDatabase<T>(e: T): T {
  if (e && typeof e === 'object' && !Object.isFrozen(e)) (e as Record<symbol, boolean>)[OWN] = true;
  return e;
}

/** Socket errors of a server that is down or went away. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * PostgreSQL's SQLSTATEs of a server going away: class 08 (connection exception), 57P01 (the
 * backend was terminated by an administrator, pg_terminate_backend or a fast shutdown), 57P02
 * (crash shutdown), 57P03 (not accepting connections yet: starting up or in recovery).
 */
const SQLSTATE = /^(08\w{3}|57P0[123])$/;

/** node-postgres's own words when the socket closed under it or no connection came in time. */
export const CONNECTION_LOST =
  /Connection terminated|terminated unexpectedly|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed and is not queryable/i;

/** Seconds a client is asked to wait before sending again (the pool's back-off reaches a restarted server within a few). */
export const RETRY_AFTER_SECONDS = 5;

/** Whether `e` says the database is out of reach for now (and not that the request was wrong). */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && SQLSTATE.test(code)) return true;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code) && (e as Record<symbol, unknown>)[OWN] === true) return true;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

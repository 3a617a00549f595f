/**
 * Sign-in state every instance sharing the database sees alike (migration 016): the sign-in
 * limits' rows (server/rate-limit.ts works out what they mean) and the single sign-ons under way
 * (server/oidc.ts). The PostgreSQL store has the same statements in db/postgres/sign-in-state.ts.
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';

/** One key's sign-in limit as stored; times in epoch milliseconds. */
export interface SignInLimitRow {
  failures: number;
  windowStart: number;
  level: number;
  lockedUntil: number;
  inFlight: number;
  inFlightAt: number;
  last: number;
  /** Until when the row must be kept (a lock, an attempt being checked). */
  heldUntil: number;
  /** When it may go once it is not held. */
  forgetAt: number;
}

/** What a change of one key makes of its row: a row to write, null to delete it, undefined to leave it; and its answer. */
export interface SignInLimitChange<T> {
  write?: SignInLimitRow | null;
  result: T;
}

/** The rows of one kind after a sweep, and (while they are still too many, all held) when the first frees. */
export interface SignInLimitSweep {
  count: number;
  nextFree: number | null;
}

/** A single sign-on under way, as its callback takes it. */
export interface OidcPending {
  verifier: string;
  startedAt: number;
}

/** The single sign-ons under way after a sweep, and when the oldest of them started (null when none). */
export interface OidcPendingCount {
  count: number;
  oldest: number | null;
}

/** How far a sweep brings a full table down: to 90%, so the next is a tenth of the table away. */
export const sweepTarget = (capacity: number) => Math.floor(capacity * 0.9);

const limitColumns = `failures, window_start AS windowStart, level, locked_until AS lockedUntil, in_flight AS inFlight,
  in_flight_at AS inFlightAt, last, held_until AS heldUntil, forget_at AS forgetAt`;

/** Reads a key's row and writes what `change` makes of it, in one transaction. */
export function changeSignInLimit<T>(
  db: Db,
  kind: string,
  keyHash: string,
  change: (row: SignInLimitRow | undefined) => SignInLimitChange<T>,
): T {
  return db
    .transaction(() => {
      const row = prepared<[string, string], SignInLimitRow>(
        db,
        `SELECT ${limitColumns} FROM sign_in_limits WHERE kind = ? AND key_hash = ?`,
      ).get(kind, keyHash);
      const { write, result } = change(row);
      if (write === null) prepared(db, 'DELETE FROM sign_in_limits WHERE kind = ? AND key_hash = ?').run(kind, keyHash);
      else if (write)
        prepared(
          db,
          `INSERT INTO sign_in_limits (kind, key_hash, failures, window_start, level, locked_until, in_flight, in_flight_at, last, held_until, forget_at, version)
        VALUES (@kind, @keyHash, @failures, @windowStart, @level, @lockedUntil, @inFlight, @inFlightAt, @last, @heldUntil, @forgetAt, 0)
        ON CONFLICT (kind, key_hash) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
          level = excluded.level, locked_until = excluded.locked_until, in_flight = excluded.in_flight,
          in_flight_at = excluded.in_flight_at, last = excluded.last, held_until = excluded.held_until,
          forget_at = excluded.forget_at, version = sign_in_limits.version + 1`,
        ).run({ kind, keyHash, ...write });
      return result;
    })
    .immediate();
}

/**
 * Forgets the rows of `kind` that may go at `now`; then, when `capacity` or more remain, the
 * oldest that are not held, down to 90% of it.
 */
export function sweepSignInLimits(db: Db, kind: string, now: number, capacity: number): SignInLimitSweep {
  return db
    .transaction(() => {
      prepared(db, 'DELETE FROM sign_in_limits WHERE kind = ? AND held_until <= ? AND forget_at <= ?').run(kind, now, now);
      let count = countSignInLimits(db, kind);
      if (count < capacity) return { count, nextFree: null };
      const excess = count - sweepTarget(capacity);
      count -= prepared(
        db,
        `DELETE FROM sign_in_limits WHERE kind = ? AND key_hash IN
        (SELECT key_hash FROM sign_in_limits WHERE kind = ? AND held_until <= ? ORDER BY last, key_hash LIMIT ?)`,
      ).run(kind, kind, now, excess).changes;
      if (count <= sweepTarget(capacity)) return { count, nextFree: null };
      const next = prepared<[number, number, string, number], { next: number | null }>(
        db,
        'SELECT min(CASE WHEN locked_until > ? THEN locked_until ELSE ? END) AS next FROM sign_in_limits WHERE kind = ? AND held_until > ?',
      ).get(now, now + 1000, kind, now);
      return { count, nextFree: next?.next ?? now + 1000 };
    })
    .immediate();
}

export function countSignInLimits(db: Db, kind: string): number {
  return prepared<[string], { n: number }>(db, 'SELECT count(*) AS n FROM sign_in_limits WHERE kind = ?').get(kind)!.n;
}

/** Remembers a single sign-on under way; with a `capacity`, only while fewer are (false when full). */
export function addOidcPending(db: Db, stateHash: string, verifier: string, at: number, capacity: number | null): boolean {
  if (capacity === null)
    return (
      prepared(db, 'INSERT INTO oidc_pending (state_hash, verifier, started_at) VALUES (?, ?, ?)').run(stateHash, verifier, at).changes > 0
    );
  return (
    prepared(
      db,
      'INSERT INTO oidc_pending (state_hash, verifier, started_at) SELECT ?, ?, ? WHERE (SELECT count(*) FROM oidc_pending) < ?',
    ).run(stateHash, verifier, at, capacity).changes > 0
  );
}

/** Forgets the single sign-ons started before `expiredBefore`; how many remain, and when the oldest started. */
export function sweepOidcPending(db: Db, expiredBefore: number): OidcPendingCount {
  return db
    .transaction(() => {
      prepared(db, 'DELETE FROM oidc_pending WHERE started_at < ?').run(expiredBefore);
      return prepared<[], OidcPendingCount>(db, 'SELECT count(*) AS count, min(started_at) AS oldest FROM oidc_pending').get()!;
    })
    .immediate();
}

/** Takes a single sign-on under way (it is forgotten): undefined when unknown or taken already. */
export function takeOidcPending(db: Db, stateHash: string): OidcPending | undefined {
  return prepared<[string], OidcPending>(
    db,
    'DELETE FROM oidc_pending WHERE state_hash = ? RETURNING verifier, started_at AS startedAt',
  ).get(stateHash);
}

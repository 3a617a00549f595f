/**
 * The sign-in state of db/queries/sign-in-state.ts on PostgreSQL, where several instances write
 * it at once. A key's row is changed by compare-and-set on its `version` (an insert by
 * `ON CONFLICT DO NOTHING`): a write that another instance overtook changes nothing and is worked
 * out again from the row as it now is, so no failure is lost and no lock is overwritten.
 */
import {
  sweepTarget,
  type OidcPending,
  type OidcPendingCount,
  type SignInLimitChange,
  type SignInLimitRow,
  type SignInLimitSweep,
} from '../queries/sign-in-state';
import { one, run, type Queryable } from './sql';

/** Tries of one change before giving up (each lost only to another instance's write of the same key). */
const TRIES = 20;

const limitColumns = `failures, window_start AS "windowStart", level, locked_until AS "lockedUntil", in_flight AS "inFlight",
  in_flight_at AS "inFlightAt", last, held_until AS "heldUntil", forget_at AS "forgetAt", version`;

const values = (r: SignInLimitRow) => [
  r.failures,
  r.windowStart,
  r.level,
  r.lockedUntil,
  r.inFlight,
  r.inFlightAt,
  r.last,
  r.heldUntil,
  r.forgetAt,
];

export async function changeSignInLimit<T>(
  db: Queryable,
  kind: string,
  keyHash: string,
  change: (row: SignInLimitRow | undefined) => SignInLimitChange<T>,
): Promise<T> {
  for (let i = 0; i < TRIES; i++) {
    const found = await one<SignInLimitRow & { version: number }>(
      db,
      `SELECT ${limitColumns} FROM sign_in_limits WHERE kind = $1 AND key_hash = $2`,
      [kind, keyHash],
    );
    const { version, ...row } = found ?? { version: -1 };
    const { write, result } = change(found ? (row as SignInLimitRow) : undefined);
    if (write === undefined) return result;
    let done: number;
    if (write === null)
      done = found
        ? await run(db, 'DELETE FROM sign_in_limits WHERE kind = $1 AND key_hash = $2 AND version = $3', [kind, keyHash, version])
        : 1;
    else if (!found)
      done = await run(
        db,
        `INSERT INTO sign_in_limits (kind, key_hash, failures, window_start, level, locked_until, in_flight, in_flight_at, last, held_until, forget_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0) ON CONFLICT (kind, key_hash) DO NOTHING`,
        [kind, keyHash, ...values(write)],
      );
    else
      done = await run(
        db,
        `UPDATE sign_in_limits SET failures = $4, window_start = $5, level = $6, locked_until = $7, in_flight = $8,
          in_flight_at = $9, last = $10, held_until = $11, forget_at = $12, version = version + 1
        WHERE kind = $1 AND key_hash = $2 AND version = $3`,
        [kind, keyHash, version, ...values(write)],
      );
    if (done > 0) return result;
  }
  throw new Error(`sign-in limits: the row of one ${kind} key kept changing under ${TRIES} tries`);
}

export async function sweepSignInLimits(db: Queryable, kind: string, now: number, capacity: number): Promise<SignInLimitSweep> {
  await run(db, 'DELETE FROM sign_in_limits WHERE kind = $1 AND held_until <= $2 AND forget_at <= $2', [kind, now]);
  let count = await countSignInLimits(db, kind);
  if (count < capacity) return { count, nextFree: null };
  count -= await run(
    db,
    `DELETE FROM sign_in_limits WHERE kind = $1 AND key_hash IN
      (SELECT key_hash FROM sign_in_limits WHERE kind = $1 AND held_until <= $2 ORDER BY last, key_hash COLLATE "C" LIMIT $3)`,
    [kind, now, count - sweepTarget(capacity)],
  );
  if (count <= sweepTarget(capacity)) return { count, nextFree: null };
  const next = await one<{ next: number | null }>(
    db,
    'SELECT min(CASE WHEN locked_until > $1 THEN locked_until ELSE $2 END) AS next FROM sign_in_limits WHERE kind = $3 AND held_until > $1',
    [now, now + 1000, kind],
  );
  return { count, nextFree: next?.next ?? now + 1000 };
}

export async function countSignInLimits(db: Queryable, kind: string): Promise<number> {
  return (await one<{ n: number }>(db, 'SELECT count(*) AS n FROM sign_in_limits WHERE kind = $1', [kind]))!.n;
}

export async function addOidcPending(
  db: Queryable,
  stateHash: string,
  verifier: string,
  at: number,
  capacity: number | null,
): Promise<boolean> {
  if (capacity === null)
    return (
      (await run(db, 'INSERT INTO oidc_pending (state_hash, verifier, started_at) VALUES ($1, $2, $3)', [stateHash, verifier, at])) > 0
    );
  // Two instances adding at once may both see room for one: the bound holds to within the instances.
  return (
    (await run(
      db,
      'INSERT INTO oidc_pending (state_hash, verifier, started_at) SELECT $1, $2, $3 WHERE (SELECT count(*) FROM oidc_pending) < $4',
      [stateHash, verifier, at, capacity],
    )) > 0
  );
}

export async function sweepOidcPending(db: Queryable, expiredBefore: number): Promise<OidcPendingCount> {
  await run(db, 'DELETE FROM oidc_pending WHERE started_at < $1', [expiredBefore]);
  return (await one<OidcPendingCount>(db, 'SELECT count(*) AS count, min(started_at) AS oldest FROM oidc_pending'))!;
}

export async function takeOidcPending(db: Queryable, stateHash: string): Promise<OidcPending | undefined> {
  return one<OidcPending>(db, 'DELETE FROM oidc_pending WHERE state_hash = $1 RETURNING verifier, started_at AS "startedAt"', [stateHash]);
}

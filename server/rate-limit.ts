/**
 * Sign-in limits (DESIGN.md, "Security"): failures counted per key (a user name, a client
 * address), a key locked after too many, each further lock of the same key twice as long (up
 * to a day), forgotten after a quiet day. The counts and locks are rows of the database
 * (`sign_in_limits`, by the SHA-256 of the key), so a lock made through one instance holds on
 * every instance that shares it; an attempt being checked is counted there too, so that many at
 * once, through any instances, cannot get past the limit.
 *
 * The table is bounded: when it is full the keys that may be forgotten go first, then the oldest
 * that are not held (locked or being checked); a held key is never dropped. When every key is
 * held, attempts on unknown keys are refused until a lock ends. Each instance sweeps when its
 * count says the table is full, and every tenth of the capacity of rows it adds, so with N
 * instances the table holds at most about (1 + N/10) times the capacity.
 */
import { createHash } from 'node:crypto';
import type { SignInLimitChange, SignInLimitRow, Store } from '../db/store';
import { HttpError } from './errors';

/** The store's part that the limits use. */
export type SignInStore = Pick<Store, 'changeSignInLimit' | 'sweepSignInLimits'>;

export interface KeyLimiterOptions {
  /** Which limit (a row's `kind`): `user`, `address`, `token`. */
  kind: string;
  store: SignInStore;
  /** Failures within `lockMs` of the first that lock the key. */
  limit: number;
  /** The first lock's length, and the window failures are counted in. */
  lockMs: number;
  /** The longest lock (default one day). */
  maxLockMs?: number;
  /** A key that was locked is forgotten this long after its last failure or lock (default `maxLockMs`). */
  quietMs?: number;
  /** The most keys held (default 100,000). */
  capacity?: number;
  now: () => number;
}

/** Whether an attempt may go ahead; when not, why, and in how many seconds to try again. */
export type Admission = { ok: true } | { ok: false; why: 'locked' | 'busy' | 'full'; retryAfter: number };

/** How an attempt admitted by `begin` ended: it failed, it is let go without counting, or it succeeded and clears the key. */
export type Outcome = 'failed' | 'released' | 'reset';

export interface KeyLimiter {
  /** Admits an attempt on the key (counted as in flight until `end`), or refuses it. */
  begin(key: string): Promise<Admission>;
  end(key: string, outcome: Outcome): Promise<void>;
  /** An attempt judged at once (a token): refused while the key is locked, else counted when it failed. */
  once(key: string, failed: boolean): Promise<Admission>;
  /** Seconds until the key is unlocked, 0 when it is not locked. */
  lockedFor(key: string): Promise<number>;
}

export const DEFAULT_CAPACITY = 100_000;
const DAY_MS = 24 * 3_600_000;
/** An attempt in flight this long is taken to be lost (its instance stopped while checking it): it no longer counts. */
export const IN_FLIGHT_MS = 2 * 60_000;

/** The key as stored: its SHA-256, so the table never holds what people typed as a user name. */
export const keyHash = (key: string) => createHash('sha256').update(key).digest('base64url');

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createKeyLimiter(o: KeyLimiterOptions): KeyLimiter {
  const maxLockMs = o.maxLockMs ?? DAY_MS;
  const quietMs = o.quietMs ?? maxLockMs;
  const capacity = o.capacity ?? DEFAULT_CAPACITY;
  const step = Math.max(1, Math.floor(capacity / 10));
  // This instance's view of the table: rows at its last sweep plus those it added since, and
  // (while the table is full of keys that cannot go) when the first of them can.
  let known = 0;
  let added = capacity;
  let fullUntil = 0;

  /** The row as it stands at `t`: a new window when the last one is over, earlier locks forgotten after a quiet period, lost attempts dropped. */
  const current = (stored: SignInLimitRow | undefined, t: number): SignInLimitRow => {
    const e = {
      ...(stored ?? {
        failures: 0,
        windowStart: t,
        level: 0,
        lockedUntil: 0,
        inFlight: 0,
        inFlightAt: 0,
        last: t,
        heldUntil: 0,
        forgetAt: 0,
      }),
    };
    if (e.inFlight > 0 && t - e.inFlightAt >= IN_FLIGHT_MS) e.inFlight = 0;
    if (t - e.windowStart >= o.lockMs) {
      e.failures = 0;
      e.windowStart = t;
    }
    if (e.level > 0 && e.lockedUntil <= t && t - Math.max(e.last, e.lockedUntil) >= quietMs) e.level = 0;
    return e;
  };
  /** What to store of `e`: nothing when it may be forgotten at once, else the row with when it is held and may go. */
  const stored = (e: SignInLimitRow, t: number): SignInLimitRow | null => {
    const heldUntil = Math.max(e.lockedUntil, e.inFlight > 0 ? e.inFlightAt + IN_FLIGHT_MS : 0);
    const forgetAt = e.level === 0 ? (e.failures === 0 ? 0 : e.windowStart + o.lockMs) : Math.max(e.last, e.lockedUntil) + quietMs;
    return heldUntil <= t && forgetAt <= t ? null : { ...e, heldUntil, forgetAt };
  };
  const failed = (e: SignInLimitRow, t: number) => {
    e.failures++;
    e.last = t;
    if (e.failures >= o.limit) {
      e.lockedUntil = t + Math.min(o.lockMs * 2 ** e.level, maxLockMs);
      e.level++;
      e.failures = 0;
      e.windowStart = e.lockedUntil;
    }
  };
  /** Why an attempt on `e` may not go ahead now, if it may not. */
  const refused = (e: SignInLimitRow, t: number): Admission | null => {
    if (e.lockedUntil > t) return { ok: false, why: 'locked', retryAfter: seconds(e.lockedUntil - t) };
    // Attempts in flight count, so that many at once cannot get past the limit.
    if (e.failures + e.inFlight >= o.limit) return { ok: false, why: 'busy', retryAfter: 1 };
    return null;
  };

  /** Sweeps the table: forgets what may go, and the oldest not held when it is full. */
  const sweep = async (t: number) => {
    const swept = await o.store.sweepSignInLimits(o.kind, t, capacity);
    known = swept.count;
    added = 0;
    fullUntil = swept.nextFree ?? 0;
  };
  const full = (t: number): Admission => ({ ok: false, why: 'full', retryAfter: seconds(fullUntil - t) });
  /**
   * Changes the key's row. A new row counts towards the table: it is refused while the table is
   * full, and first makes the instance sweep when its count says the table may be full (or every
   * tenth of it added).
   */
  const change = async (key: string, t: number, f: (stored: SignInLimitRow | undefined) => SignInLimitChange<Admission>) => {
    for (let swept = false; ; swept = true) {
      let created = false,
        sweepFirst = false;
      const result = await o.store.changeSignInLimit(o.kind, keyHash(key), (row) => {
        const c = f(row);
        created = false;
        sweepFirst = false;
        if (row || !c.write) return c;
        if (t < fullUntil) return { result: full(t) };
        if (!swept && (known + added >= capacity || added >= step)) {
          sweepFirst = true;
          return { result: c.result };
        }
        created = true;
        return c;
      });
      if (!sweepFirst) {
        if (created) added++;
        return result;
      }
      await sweep(t);
    }
  };

  return {
    begin(key) {
      const t = o.now();
      return change(key, t, (row) => {
        const e = current(row, t);
        const no = refused(e, t);
        if (no) return { result: no };
        e.inFlight++;
        e.inFlightAt = t;
        return { write: stored(e, t), result: { ok: true } };
      });
    },
    async end(key, outcome) {
      const t = o.now();
      await o.store.changeSignInLimit(o.kind, keyHash(key), (row) => {
        // Nothing to do for a key never begun (or forgotten as lost).
        if (!row) return { result: undefined };
        const e = current(row, t);
        e.inFlight = Math.max(0, e.inFlight - 1);
        if (outcome === 'reset') {
          e.failures = 0;
          e.level = 0;
          e.lockedUntil = 0;
          e.windowStart = t;
        } else if (outcome === 'failed') failed(e, t);
        return { write: stored(e, t), result: undefined };
      });
    },
    once(key, failure) {
      const t = o.now();
      return change(key, t, (row) => {
        if (!row && !failure) return { result: { ok: true } };
        const e = current(row, t);
        const no = refused(e, t);
        if (no) return { result: no };
        if (!failure) return { result: { ok: true } };
        failed(e, t);
        return { write: stored(e, t), result: { ok: true } };
      });
    },
    lockedFor(key) {
      const t = o.now();
      return o.store.changeSignInLimit(o.kind, keyHash(key), (row) => ({
        result: row && row.lockedUntil > t ? seconds(row.lockedUntil - t) : 0,
      }));
    },
  };
}

/** A refused sign-in: the HTTP status, the error code, the message and the seconds to wait. */
export interface Refusal {
  status: 429 | 503;
  code: 'too_many_attempts' | 'busy';
  message: string;
  retryAfter: number;
}

/** A sign-in admitted: say how it ended (released: neither, such as a server too busy to check). */
export interface Attempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  released(): Promise<void>;
}

export interface SignInGuard {
  /** A password for this user name from this address. */
  password(username: string, address: string | undefined): Promise<Refusal | Attempt>;
  /** A token (at sign-in, or as `Authorization: Bearer`) from this address, right or wrong: refused, or null when it may go on. */
  token(address: string | undefined, right: boolean): Promise<Refusal | null>;
}

export function isRefusal(r: Refusal | Attempt): r is Refusal {
  return 'status' in r;
}

/** "in 15 minutes", "in 2 hours". */
export function waitText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 120) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hours`;
}

/** The key of a user name: NFC, lower case, so that `Ada` and `ada` share their failures. */
export const userKey = (username: string) => username.normalize('NFC').toLowerCase();

/** How much looser the limit per address is than the limit per user name (many people share an address behind a NAT). */
export const ADDRESS_FACTOR = 5;

export interface SignInLimitSettings {
  /** Failures of one user name that lock it (`limits.signInAttempts`); an address gets five times as many. */
  attempts: number;
  /** The first lock (`limits.signInLockMs`); each further lock of the same key doubles, up to a day. */
  lockMs: number;
  capacity?: number;
  now: () => number;
  /** Where the counts and locks are kept: the database every instance shares. */
  store: SignInStore;
}

/**
 * The sign-in limits of one server. A password's failure counts against its user name and the
 * client address; a token's (at sign-in or as a bearer header) against the address's tokens,
 * so a script with a stale token does not lock the people behind the same address out of
 * password sign-in. A success clears only its own user name: an address is never cleared by
 * a success, so a valid token between guesses does not reset the count.
 */
export function createSignInGuard(s: SignInLimitSettings): SignInGuard {
  const base = { lockMs: s.lockMs, capacity: s.capacity, now: s.now, store: s.store };
  const users = createKeyLimiter({ ...base, kind: 'user', limit: s.attempts });
  const addresses = createKeyLimiter({ ...base, kind: 'address', limit: s.attempts * ADDRESS_FACTOR });
  const tokens = createKeyLimiter({ ...base, kind: 'token', limit: s.attempts * ADDRESS_FACTOR });

  const refusal = (a: Exclude<Admission, { ok: true }>, what: string): Refusal => ({
    status: 429,
    retryAfter: a.retryAfter,
    code: 'too_many_attempts',
    message:
      a.why === 'locked'
        ? `Too many failed sign-in attempts ${what}: try again ${waitText(a.retryAfter)}.`
        : a.why === 'busy'
          ? `Too many sign-in attempts ${what} at once: try again in a moment.`
          : `Too many sign-in attempts on this server: try again ${waitText(a.retryAfter)}.`,
  });

  return {
    async password(username, address) {
      const u = userKey(username),
        a = address ?? 'unknown';
      const byAddress = await addresses.begin(a);
      if (!byAddress.ok) return refusal(byAddress, 'from this address');
      let byUser: Admission;
      try {
        byUser = await users.begin(u);
      } catch (e) {
        await addresses.end(a, 'released');
        throw e;
      }
      if (!byUser.ok) {
        await addresses.end(a, 'released');
        return refusal(byUser, 'for this account');
      }
      const both = (user: Outcome, address: Outcome) => async () => {
        await Promise.all([users.end(u, user), addresses.end(a, address)]);
      };
      return { failed: both('failed', 'failed'), succeeded: both('reset', 'released'), released: both('released', 'released') };
    },
    async token(address, right) {
      const admitted = await tokens.once(address ?? 'unknown', !right);
      return admitted.ok ? null : refusal(admitted, 'with a token from this address');
    },
  };
}

/** A sign-in refused because password checks are queued up: try again shortly. */
export const busyRefusal: Refusal = {
  status: 503,
  code: 'busy',
  retryAfter: 1,
  message: 'The server is busy checking other sign-ins: try again in a moment.',
};

/**
 * A presented token (`Authorization: Bearer`, the socket.io handshake's token, or a token
 * sign-in): refused while its address is locked, even when the token is right (someone there
 * has been guessing; the right token works again when the lock ends), else counted when wrong.
 * Null when it may go on: right or wrong, it is then judged as usual.
 */
export function checkToken(guard: SignInGuard, address: string | undefined, known: () => boolean): Promise<Refusal | null> {
  return guard.token(address, known());
}

/** The HTTP error of a refusal, with its `Retry-After` set on the response. */
export function refusalError(res: { set(name: string, value: string): unknown }, r: Refusal): HttpError {
  res.set('Retry-After', String(r.retryAfter));
  return new HttpError(r.status, r.code, r.message);
}

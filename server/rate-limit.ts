/**
 * Sign-in limits (DESIGN.md, "Security"): failures counted per key (a user name, a client
 * address), a key locked after too many, each further lock of the same key twice as long (up
 * to a day), forgotten after a quiet day. Memory is bounded: when the table is full the oldest
 * keys that are not locked go first, and a locked key is never dropped before its lock ends;
 * when every key is locked, attempts on unknown keys are refused until a lock ends.
 */
import { HttpError } from './errors';

export interface KeyLimiterOptions {
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
  begin(key: string): Admission;
  end(key: string, outcome: Outcome): void;
  /** Seconds until the key is unlocked, 0 when it is not locked. */
  lockedFor(key: string): number;
  readonly size: number;
}

interface Entry {
  /** Failures in the current window. */
  failures: number;
  windowStart: number;
  /** How many times the key was locked (the next lock lasts `lockMs * 2^level`). */
  level: number;
  lockedUntil: number;
  /** Attempts admitted and not yet ended: they count against the limit, and keep the key. */
  inFlight: number;
  last: number;
}

export const DEFAULT_CAPACITY = 100_000;
const DAY_MS = 24 * 3_600_000;

export function createKeyLimiter(o: KeyLimiterOptions): KeyLimiter {
  const maxLockMs = o.maxLockMs ?? DAY_MS;
  const quietMs = o.quietMs ?? maxLockMs;
  const capacity = o.capacity ?? DEFAULT_CAPACITY;
  // In order of last activity, oldest first (an entry touched is moved to the end).
  const entries = new Map<string, Entry>();
  // While the table is full of keys that cannot go, when the first of them can.
  let fullUntil = 0;

  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  const held = (e: Entry, t: number) => e.inFlight > 0 || e.lockedUntil > t;
  const forgettable = (e: Entry, t: number) =>
    !held(e, t) && (e.level === 0 ? e.failures === 0 || t - e.windowStart >= o.lockMs : t - Math.max(e.last, e.lockedUntil) >= quietMs);
  /** Starts a new window when the last one is over, and forgets earlier locks after a quiet period. */
  const roll = (e: Entry, t: number) => {
    if (t - e.windowStart >= o.lockMs) {
      e.failures = 0;
      e.windowStart = t;
    }
    if (e.level > 0 && e.lockedUntil <= t && t - Math.max(e.last, e.lockedUntil) >= quietMs) e.level = 0;
  };

  /** Makes room for one more key if it can: forgotten keys first, then the oldest that are not held. */
  const room = (t: number): boolean => {
    if (entries.size < capacity) return true;
    if (t < fullUntil) return false;
    for (const [k, e] of entries) if (forgettable(e, t)) entries.delete(k);
    // Down to 90%, so that the next sweep is at least a tenth of the table away.
    const target = Math.floor(capacity * 0.9);
    for (const [k, e] of entries) {
      if (entries.size <= target) break;
      if (!held(e, t)) entries.delete(k);
    }
    if (entries.size > target) {
      let next = Infinity;
      for (const e of entries.values()) next = Math.min(next, e.lockedUntil > t ? e.lockedUntil : t + 1000);
      fullUntil = next;
    }
    return entries.size < capacity;
  };

  return {
    get size() {
      return entries.size;
    },
    begin(key) {
      const t = o.now();
      let e = entries.get(key);
      if (e) {
        if (e.lockedUntil > t) return { ok: false, why: 'locked', retryAfter: seconds(e.lockedUntil - t) };
        roll(e, t);
        // Attempts in flight count, so that many at once cannot get past the limit.
        if (e.failures + e.inFlight >= o.limit) return { ok: false, why: 'busy', retryAfter: 1 };
        entries.delete(key);
      } else {
        if (!room(t)) return { ok: false, why: 'full', retryAfter: seconds(fullUntil - t) };
        e = { failures: 0, windowStart: t, level: 0, lockedUntil: 0, inFlight: 0, last: t };
      }
      e.inFlight++;
      entries.set(key, e);
      return { ok: true };
    },
    end(key, outcome) {
      const t = o.now();
      const e = entries.get(key);
      // A key in flight is never dropped; nothing to do for one that was never begun.
      if (!e) return;
      e.inFlight = Math.max(0, e.inFlight - 1);
      if (outcome === 'reset') {
        e.failures = 0;
        e.level = 0;
        e.lockedUntil = 0;
        e.windowStart = t;
        if (e.inFlight === 0) entries.delete(key);
      } else if (outcome === 'failed') {
        roll(e, t);
        e.failures++;
        e.last = t;
        if (e.failures >= o.limit) {
          e.lockedUntil = t + Math.min(o.lockMs * 2 ** e.level, maxLockMs);
          e.level++;
          e.failures = 0;
          e.windowStart = e.lockedUntil;
        }
      }
    },
    lockedFor(key) {
      const e = entries.get(key);
      const t = o.now();
      return e && e.lockedUntil > t ? seconds(e.lockedUntil - t) : 0;
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
  failed(): void;
  succeeded(): void;
  released(): void;
}

export interface SignInGuard {
  /** A password for this user name from this address. */
  password(username: string, address: string | undefined): Refusal | Attempt;
  /** A token (at sign-in, or as `Authorization: Bearer`) from this address. */
  token(address: string | undefined): Refusal | Attempt;
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
}

/**
 * The sign-in limits of one server. A password's failure counts against its user name and the
 * client address; a token's (at sign-in or as a bearer header) against the address's tokens,
 * so a script with a stale token does not lock the people behind the same address out of
 * password sign-in. A success clears only its own user name: an address is never cleared by
 * a success, so a valid token between guesses does not reset the count.
 */
export function createSignInGuard(s: SignInLimitSettings): SignInGuard {
  const base = { lockMs: s.lockMs, capacity: s.capacity, now: s.now };
  const users = createKeyLimiter({ ...base, limit: s.attempts });
  const addresses = createKeyLimiter({ ...base, limit: s.attempts * ADDRESS_FACTOR });
  const tokens = createKeyLimiter({ ...base, limit: s.attempts * ADDRESS_FACTOR });

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
    password(username, address) {
      const u = userKey(username),
        a = address ?? 'unknown';
      const byAddress = addresses.begin(a);
      if (!byAddress.ok) return refusal(byAddress, 'from this address');
      const byUser = users.begin(u);
      if (!byUser.ok) {
        addresses.end(a, 'released');
        return refusal(byUser, 'for this account');
      }
      return {
        failed: () => {
          users.end(u, 'failed');
          addresses.end(a, 'failed');
        },
        succeeded: () => {
          users.end(u, 'reset');
          addresses.end(a, 'released');
        },
        released: () => {
          users.end(u, 'released');
          addresses.end(a, 'released');
        },
      };
    },
    token(address) {
      const a = address ?? 'unknown';
      const admitted = tokens.begin(a);
      if (!admitted.ok) return refusal(admitted, 'with a token from this address');
      const released = () => tokens.end(a, 'released');
      return { failed: () => tokens.end(a, 'failed'), succeeded: released, released };
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
export function checkToken(guard: SignInGuard, address: string | undefined, known: () => boolean): Refusal | null {
  const attempt = guard.token(address);
  if (isRefusal(attempt)) return attempt;
  if (known()) attempt.succeeded();
  else attempt.failed();
  return null;
}

/** The HTTP error of a refusal, with its `Retry-After` set on the response. */
export function refusalError(res: { set(name: string, value: string): unknown }, r: Refusal): HttpError {
  res.set('Retry-After', String(r.retryAfter));
  return new HttpError(r.status, r.code, r.message);
}

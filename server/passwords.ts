/**
 * Password hashes for users declared in the configuration: scrypt, stored as
 * `scrypt$N$r$p$salt$hash` (base64), never the password itself. Sign-in checks run on libuv's
 * thread pool, a few at a time, so that a flood of sign-ins never blocks the event loop.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';

const N = 16384,
  R = 8,
  P = 1,
  KEYLEN = 32;

/** For `npx deming hash-password`, which has nothing else to do meanwhile. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFC'), salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether a string has the shape of a hash this module made. */
export function isPasswordHash(s: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(s);
}

/**
 * How many checks run at once: each keeps a core busy for ~50 ms, so at most half the cores
 * (one on a two-core machine, for the event loop keeps the other), and at most 2 of libuv's 4
 * threads (the others stay free for files and DNS).
 */
export const PASSWORD_CONCURRENCY = Math.max(1, Math.min(2, Math.floor(availableParallelism() / 2)));
/** How many checks may wait for one of those; beyond, {@link PasswordsBusyError}. */
export const PASSWORD_QUEUE = 32;

/** Too many password checks are waiting: the sign-in should be tried again shortly. */
export class PasswordsBusyError extends Error {
  constructor() {
    super('The server is busy checking other sign-ins: try again in a moment.');
    this.name = 'PasswordsBusyError';
  }
}

let running = 0;
const waiting: (() => void)[] = [];

function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  opts: { N: number; r: number; p: number; maxmem: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * Checks a password against a stored hash in constant time, off the event loop. Rejects with
 * {@link PasswordsBusyError} when {@link PASSWORD_QUEUE} checks are waiting already.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (running < PASSWORD_CONCURRENCY) running++;
  else if (waiting.length >= PASSWORD_QUEUE) throw new PasswordsBusyError();
  // A check that ends hands its place to the first waiting, so no more than the cap ever run.
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    const actual = await scryptAsync(password.normalize('NFC'), salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

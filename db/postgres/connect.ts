/**
 * The PostgreSQL connection pool, from `DEMING_DATABASE_URL` (or `database.url` in the config):
 *
 * - the pool size (`database.poolSize`, default {@link DEFAULT_POOL_SIZE});
 * - TLS from the URL's `sslmode` (`disable`, `require`, `verify-ca`, `verify-full`), with the CA
 *   bundle of `database.caFile` (or the URL's `sslrootcert`); a CA file without an `sslmode`
 *   means `verify-full`: the certificate must chain to the CA and name the host;
 * - PostgreSQL {@link MIN_POSTGRES_VERSION} or later, checked on the first connection;
 * - a clear message for a wrong password, a missing database, an unknown role, a certificate that
 *   does not verify and an unreachable server ({@link PostgresConnectError}); the password is never
 *   printed. At the server's start an unreachable server is waited for with back-off
 *   ({@link connectPostgres} `retry`), saying so each time, instead of exiting into a crash loop.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';

import { CONNECTION_LOST, UNREACHABLE_CODES } from '../unavailable';
import { DEFAULT_POOL_SIZE, isPostgresUrl, MAX_POOL_SIZE, POSTGRES_URL_EXAMPLE, type PostgresSettings } from './settings';

export { DEFAULT_POOL_SIZE, isPostgresUrl, type PostgresSettings } from './settings';

export const MIN_POSTGRES_VERSION = 14;

export type ConnectFailure = 'wrong-password' | 'no-role' | 'missing-database' | 'too-old' | 'tls' | 'unreachable' | 'settings' | 'other';

/** Why the database could not be used, said so an operator can fix it (never with the password). */
export class PostgresConnectError extends Error {
  constructor(
    readonly kind: ConnectFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PostgresConnectError';
  }
  /** Only an unreachable server is worth waiting for; the others need someone to change something. */
  get retriable(): boolean {
    return this.kind === 'unreachable';
  }
}

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

/** `user@host:port/database`: where we connect, for messages (no password). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${user}${u.hostname || 'localhost'}:${u.port || 5432}${u.pathname || '/'}`;
  } catch {
    return 'the database';
  }
}

/** The pool's settings: the URL without its TLS parameters, and the TLS options they and the CA file ask for. */
export function poolConfig(settings: PostgresSettings): pg.PoolConfig {
  if (!isPostgresUrl(settings.url)) {
    throw new PostgresConnectError(
      'settings',
      `DEMING_DATABASE_URL must be a postgres:// or postgresql:// URL, such as ${POSTGRES_URL_EXAMPLE}`,
    );
  }
  let u: URL;
  try {
    u = new URL(settings.url);
  } catch {
    throw new PostgresConnectError(
      'settings',
      'DEMING_DATABASE_URL is not a valid URL: give it as postgres://user:password@host:5432/database (percent-encode special characters in the password)',
    );
  }
  const poolSize = settings.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > MAX_POOL_SIZE) {
    throw new PostgresConnectError('settings', `database.poolSize must be a whole number from 1 to ${MAX_POOL_SIZE}, not ${poolSize}`);
  }
  const mode = u.searchParams.get('sslmode');
  const rootCert = u.searchParams.get('sslrootcert');
  for (const p of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'uselibpqcompat']) u.searchParams.delete(p);
  if (mode !== null && !(SSL_MODES as readonly string[]).includes(mode)) {
    throw new PostgresConnectError(
      'settings',
      `DEMING_DATABASE_URL's sslmode=${mode} is not supported: use one of ${SSL_MODES.join(', ')} (verify-full for a managed database)`,
    );
  }
  const caFile = settings.caFile ?? rootCert ?? undefined;
  const sslMode: SslMode = (mode as SslMode | null) ?? (caFile ? 'verify-full' : 'disable');
  return {
    connectionString: u.toString(),
    ssl: tlsOptions(sslMode, caFile),
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  };
}

function tlsOptions(mode: SslMode, caFile: string | undefined): false | ConnectionOptions {
  if (mode === 'disable') return false;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new PostgresConnectError(
        'settings',
        `database.caFile ${caFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the path of the PEM bundle of your database's certificate authority`,
      );
    }
  }
  if (mode === 'require') return { rejectUnauthorized: false }; // encrypted, not verified (libpq's meaning)
  if (mode === 'verify-ca') return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ca, rejectUnauthorized: true }; // verify-full: the chain, and the host name (Node checks it)
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME|UNABLE_TO_GET_ISSUER/;
/** Turns what the driver threw into a {@link PostgresConnectError} that says what to change. */
export function describeConnectError(err: unknown, url: string): PostgresConnectError {
  if (err instanceof PostgresConnectError) return err;
  const e = err as { code?: string; message?: string };
  const where = describeTarget(url);
  const u = (() => {
    try {
      return new URL(url);
    } catch {
      return null;
    }
  })();
  const user = u?.username ? decodeURIComponent(u.username) : '(no user)';
  const db = u?.pathname.slice(1) || user;
  const msg = e.message ?? String(err);
  switch (e.code) {
    case '28P01':
      return new PostgresConnectError(
        'wrong-password',
        `wrong password for role "${user}" at ${where}: fix the password in DEMING_DATABASE_URL (percent-encode special characters)`,
        err,
      );
    case '28000':
      return new PostgresConnectError(
        'no-role',
        `role "${user}" may not connect to ${where} (${msg}): check the user name in DEMING_DATABASE_URL and the server's pg_hba.conf`,
        err,
      );
    case '3D000':
      return new PostgresConnectError(
        'missing-database',
        `database "${db}" does not exist at ${where}: create it (CREATE DATABASE ${db}) or fix the database name in DEMING_DATABASE_URL`,
        err,
      );
    case '57P03':
    case '53300':
      return new PostgresConnectError('unreachable', `the database at ${where} is not accepting connections yet (${msg})`, err);
  }
  if ((e.code && TLS_CODES.test(e.code)) || /does not support SSL|certificate|self[- ]signed|Hostname\/IP does not match/i.test(msg)) {
    return new PostgresConnectError(
      'tls',
      `TLS to ${where} failed: ${msg}. With sslmode=verify-full the server's certificate must chain to database.caFile and name the host in DEMING_DATABASE_URL`,
      err,
    );
  }
  if ((e.code && UNREACHABLE_CODES.has(e.code)) || /timeout/i.test(msg) || CONNECTION_LOST.test(msg)) {
    return new PostgresConnectError(
      'unreachable',
      `the database at ${where} is unreachable (${e.code ?? msg}): is the server running, and the host and port in DEMING_DATABASE_URL right?`,
      err,
    );
  }
  return new PostgresConnectError('other', `the database at ${where} refused: ${msg}`, err);
}

/** Refuses a server older than {@link MIN_POSTGRES_VERSION}, from `server_version_num` (such as 140011) and `server_version`. */
export function checkServerVersion(versionNum: number | string, version: string, where = 'the database'): void {
  const n = Number(versionNum);
  if (!Number.isFinite(n) || n < MIN_POSTGRES_VERSION * 10_000) {
    throw new PostgresConnectError(
      'too-old',
      `PostgreSQL ${version} at ${where} is too old: Deming needs PostgreSQL ${MIN_POSTGRES_VERSION} or later; upgrade the server (or point DEMING_DATABASE_URL at a newer one)`,
    );
  }
}

export interface RetryOptions {
  /** Said before each wait, such as "the database at …: unreachable (ECONNREFUSED); trying again in 4 s (attempt 3)". */
  log: (message: string) => void;
  /** Waits in ms, the last repeated (default 1, 2, 4, 8, 16, 30 s). */
  delays?: number[];
  /** Stops waiting (a shutdown during the wait). */
  signal?: AbortSignal;
}

/**
 * A pool whose first connection worked and whose server is new enough. Without `retry`, every
 * failure throws a {@link PostgresConnectError}; with it, an unreachable server is waited for with
 * back-off, saying so each time, and the other failures throw at once.
 */
export async function connectPostgres(settings: PostgresSettings, retry?: RetryOptions): Promise<pg.Pool> {
  const config = poolConfig(settings);
  const delays = retry?.delays ?? [1000, 2000, 4000, 8000, 16000, 30000];
  for (let attempt = 1; ; attempt++) {
    const pool = new pg.Pool(config);
    // A connection dropped by a restarting server (or pg_terminate_backend) must not crash the process, idle in the
    // pool or checked out between two queries (where pg-pool leaves it without a listener): the query it was
    // running, or the next, rejects instead, and the pool drops it on release (it is no longer queryable).
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      await checkPool(pool, settings.url);
      return pool;
    } catch (err) {
      await pool.end().catch(() => {});
      const failure = describeConnectError(err, settings.url);
      if (!retry || !failure.retriable || retry.signal?.aborted) throw failure;
      const wait = delays[Math.min(attempt - 1, delays.length - 1)];
      retry.log(`${failure.message}; trying again in ${Math.round(wait / 1000)} s (attempt ${attempt})`);
      await sleep(wait, retry.signal);
      if (retry.signal?.aborted) throw failure;
    }
  }
}

async function checkPool(pool: pg.Pool, url: string): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string; server_version: string }>(
      "SELECT current_setting('server_version_num') AS server_version_num, current_setting('server_version') AS server_version",
    );
    checkServerVersion(rows[0].server_version_num, rows[0].server_version, describeTarget(url));
  } finally {
    client.release();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

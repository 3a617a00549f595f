/**
 * A real PostgreSQL server for the tests, from Debian's binaries (`/usr/lib/postgresql/<version>/bin`,
 * installed by `.ci/run`; nothing is downloaded). One server per vitest run, started by the global
 * setup (test/helpers/postgres-global.ts) in a temporary data directory owned by the `postgres`
 * user, on a free loopback port, and removed after; each test file or test takes a fresh database
 * of it with {@link testDatabase}.
 *
 * As root, `initdb` and `pg_ctl` run as `postgres` (`runuser -u postgres --`): the server refuses
 * to run as root. As another user they run as that user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's superuser URL (its `postgres` database), or null when no server could start. */
    postgresUrl: string | null;
    /** Why there is no server, when `postgresUrl` is null. */
    postgresMissing: string | null;
  }
}

const SEARCHED = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory, or null when none is installed. */
export function postgresBinDir(): string | null {
  if (!existsSync(SEARCHED)) return null;
  const versions = readdirSync(SEARCHED)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(SEARCHED, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(SEARCHED, versions[0], 'bin') : null;
}

export interface PostgresServer {
  host: string;
  port: number;
  /** The superuser and its password (password authentication on the loopback port). */
  user: string;
  password: string;
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres`. */
  adminUrl: string;
  /** The temporary directory: data, socket and log. */
  dir: string;
  /** The server's log so far (for a test's failure message). */
  log: () => string;
  stop: () => void;
  /** Shuts the server down (`pg_ctl stop -m fast`: every connection is cut) and keeps its data, for {@link PostgresServer.start}. */
  halt: () => void;
  /** Starts a halted server again, on the same port with the same data. */
  start: () => void;
}

export interface StartOptions {
  /** `ssl=on` with this certificate and key (PEM files; copied into the data directory). */
  ssl?: { certFile: string; keyFile: string };
  /** More `-c name=value` settings (values without spaces). */
  settings?: Record<string, string>;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function ids(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/** Runs a PostgreSQL binary as the postgres user (as root) or as ourselves, and throws with its output when it fails. */
function runPg(bin: string, args: string[]): string {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A loopback port nothing listens on (for a moment: another process may take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a PostgreSQL server in a fresh temporary directory; `stop()` shuts it down and removes the directory. */
export async function startPostgres(opts: StartOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(`PostgreSQL is not installed (no ${SEARCHED}/<version>/bin): apt-get install -y postgresql, as .ci/run does`);
  const owner = ids();
  const dir = mkdtempSync(join(tmpdir(), 'deming-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  if (owner) for (const p of [dir, sock, pwfile]) chownSync(p, owner.uid, owner.gid);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    runPg(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  } catch (e) {
    cleanup();
    throw e;
  }
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: sock,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...opts.settings,
  };
  if (opts.ssl) {
    const cert = join(data, 'server.crt');
    const key = join(data, 'server.key');
    copyFileSync(opts.ssl.certFile, cert);
    copyFileSync(opts.ssl.keyFile, key);
    chmodSync(key, 0o600);
    if (owner) for (const p of [cert, key]) chownSync(p, owner.uid, owner.gid);
    Object.assign(settings, { ssl: 'on', ssl_cert_file: cert, ssl_key_file: key });
  }
  const logFile = join(dir, 'server.log');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = Object.entries({ ...settings, port: String(port) })
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    try {
      runPg(join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', options]);
    } catch (e) {
      lastError = new Error(`${(e as Error).message}\n${log()}`);
      continue; // another process took the port between our probe and the start: try another
    }
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      try {
        runPg(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
      } finally {
        cleanup();
      }
    };
    const user = 'postgres';
    const halt = () => runPg(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']);
    const start = () => runPg(join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', options]);
    return {
      host: '127.0.0.1',
      port,
      user,
      password,
      adminUrl: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
      dir,
      log,
      stop,
      halt: () => void halt(),
      start: () => void start(),
    };
  }
  cleanup();
  throw lastError;
}

/** The run's test server (from the global setup); a clear failure when PostgreSQL is missing. */
export function testPostgresUrl(): string {
  const url = inject('postgresUrl');
  if (!url)
    throw new Error(
      `no PostgreSQL test server: ${inject('postgresMissing') ?? 'the global setup test/helpers/postgres-global.ts did not run'}`,
    );
  return url;
}

/** `url` with another database (and, when given, user and password). */
export function withDatabase(url: string, database: string, auth?: { user: string; password: string }): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  if (auth) {
    u.username = encodeURIComponent(auth.user);
    u.password = encodeURIComponent(auth.password);
  }
  return u.toString();
}

let made = 0;

/** An empty database of its own on the run's test server: its URL (as the superuser) and a `drop()` for after. */
export async function testDatabase(
  adminUrl: string = testPostgresUrl(),
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `deming_t${process.pid}_${++made}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** One statement on its own connection (CREATE/DROP DATABASE, CREATE ROLE: what a test sets up as the superuser). */
export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

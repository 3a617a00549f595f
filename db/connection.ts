/**
 * Opens the SQLite database with the PRAGMAs Deming relies on and applies the numbered
 * migrations in `db/migrations/` in one transaction.
 */
import Database, { type Statement } from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyFingerprint, type KeyReader } from './key-index';
import { faultKind, faultMessage, RESTORE_BACKUP, type DatabaseFault } from './faults';
import type { ServicesListener } from './change-feed';
import type { ServiceRef } from './queries/org';
import { pragmaOf, type CheckMode, type IntegrityCheckState } from './integrity';
import { serviceKey } from '../common/identifiers';
import { relinkMergedServices } from './service-keys';

/**
 * An open SQLite connection and what this process keeps about it: created with it, and gone
 * with it. Only the store (db/store.ts) opens one and hands it to the code of `db/`; nothing
 * about a database is kept in module state.
 */
export class Connection extends Database {
  /** Statements prepared on it, by their SQL (db/prepared.ts). */
  readonly statements = new Map<string, Statement>();
  /** Its in-memory index of idempotency keys and how far it has read them (db/key-index.ts); built on first use. */
  keys: KeyReader | null = null;
  /**
   * Services by the name an event gave (db/ingest.ts): services are never deleted, so a hit
   * stays right; forgotten when a transaction that may have created some rolls back.
   */
  readonly serviceIds = new Map<string, ServiceRef>();
  /** Who is told which services a stored batch touched (db/change-feed.ts). */
  readonly listeners = new Set<ServicesListener>();
  /** The last full disk or damage seen on it, while it stands (db/faults.ts). */
  fault: DatabaseFault | undefined = undefined;
  /** The integrity check run beside it (db/integrity.ts), when it was opened to run one in the background. */
  check: IntegrityCheckState | undefined = undefined;
  /** Where change lead time starts for every read on it (`leadTimeFrom`, db/queries/metrics.ts): the commit time, or the author time where a change has one. */
  leadTimeFrom: 'commit' | 'author' = 'commit';
}

export type Db = Connection;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The database file failed its integrity check: nothing was changed in it. */
export class DatabaseCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseCheckError';
  }
}

export interface OpenOptions {
  /**
   * `quick` (the default) runs SQLite's quick_check; `full` its integrity_check, which reads
   * every index too; `off` neither (both read the whole file, which takes minutes when it is large).
   */
  check?: CheckMode;
  /**
   * Runs the check in the background instead (the server, db/integrity.ts): the file opens at
   * once, and damage the check finds later refuses writes from then on. Commands check first.
   */
  checkInBackground?: boolean;
  /** `leadTimeFrom` (DESIGN.md): read-time, so nothing stored depends on it; `commit` by default. */
  leadTimeFrom?: 'commit' | 'author';
}

/** Opens (creating when needed) the database file, checks it, and brings its schema up to date. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Connection(file);
  db.leadTimeFrom = opts.leadTimeFrom ?? 'commit';
  const mode = opts.check ?? 'quick';
  let result: unknown = 'ok';
  if (mode !== 'off' && !opts.checkInBackground)
    try {
      result = db.pragma(pragmaOf(mode), { simple: true });
    } catch (e) {
      result = (e as Error).message;
    }
  if (result !== 'ok') {
    db.close();
    throw new DatabaseCheckError(
      `${file} failed SQLite's ${pragmaOf(mode as 'quick' | 'full')} (${String(result).slice(0, 300)}). ${RESTORE_BACKUP}`,
    );
  }
  try {
    prepare(db);
  } catch (e) {
    db.close();
    // Damage the check would have found (or that it missed): the same words, never a stack trace.
    if (faultKind(e) === 'damaged') throw new DatabaseCheckError(faultMessage('damaged', (e as Error).message, file));
    throw e;
  }
  return db;
}

/** The PRAGMAs, functions and migrations every connection gets. */
function prepare(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged ingest survives power loss, not just a crash of the process.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoint the WAL into the database every ~40 MiB (10,000 pages) instead of SQLite's
  // default ~4 MiB: a page written by many batches in between (the indexes of commits by sha
  // take them on scattered pages of their service) is copied back and synced once instead of
  // once per few batches. The WAL file grows to about that size.
  db.pragma('wal_autocheckpoint = 10000');
  // The idempotency keys' fingerprint, for the migration that introduced it.
  db.function('deming_key_fingerprint', { deterministic: true }, keyFingerprint);
  // The key services are matched by (migration 009 and the trigger it adds).
  db.function('deming_service_key', { deterministic: true }, (name: unknown) => serviceKey(String(name)));
  migrate(db);
  relinkMergedServices(db);
}

/** Applies every migration newer than `PRAGMA user_version`, all or nothing. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), sql: readFileSync(join(migrationsDir, f), 'utf8') }))
    .filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
}

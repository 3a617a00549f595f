/**
 * The configured store: PostgreSQL when the configuration names a postgres:// URL
 * (`DEMING_DATABASE_URL`, `database.url`), else the SQLite file (`DEMING_DB`, `database`). The
 * server and every command that opens the database come through here, so the same code above
 * `db/` runs on either.
 *
 * On PostgreSQL the pool is connected and checked (db/postgres/connect.ts) and the schema brought
 * up to date (db/postgres/migrate.ts): nothing to do, and no DDL, when `npx deming migrate` ran
 * first with the owning role.
 */
import { openStore, type Store } from './store';
import { connectPostgres, describeTarget, type RetryOptions } from './postgres/connect';
import { migrate } from './postgres/migrate';
import { openPostgresStore } from './postgres/store';
import type { PostgresSettings } from './postgres/settings';

export interface DatabaseSettings {
  dbFile: string;
  postgres: PostgresSettings | null;
  integrityCheck?: 'quick' | 'full' | 'off';
  leadTimeFrom?: 'commit' | 'author';
}

export interface OpenConfiguredOptions {
  now?: () => number;
  /** At the server's start: wait for an unreachable PostgreSQL with back-off, saying so each time. */
  retry?: RetryOptions;
  /** Said for each migration applied (PostgreSQL), and of the integrity check running beside the server (SQLite). */
  log?: (msg: string) => void;
  /** SQLite: the integrity check runs in the background (the server); commands check before opening. */
  checkInBackground?: boolean;
  /** PostgreSQL: hear the commits of other instances on the database (a server; db/commit-feed.ts). */
  listen?: boolean;
}

/** Opens the configured database, checked and migrated. */
export async function openConfiguredStore(config: DatabaseSettings, opts: OpenConfiguredOptions = {}): Promise<Store> {
  if (!config.postgres) {
    return openStore(config.dbFile, {
      check: config.integrityCheck,
      checkInBackground: opts.checkInBackground,
      now: opts.now,
      leadTimeFrom: config.leadTimeFrom,
      log: opts.log,
    });
  }
  const pool = await connectPostgres(config.postgres, opts.retry);
  try {
    await migrate(pool, { log: opts.log });
    return await openPostgresStore(pool, { now: opts.now, leadTimeFrom: config.leadTimeFrom, listen: opts.listen, log: opts.log });
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
}

/** The database as messages name it: the SQLite file, or PostgreSQL's `user@host:port/database` (never the password). */
export function databaseName(config: DatabaseSettings): string {
  return config.postgres ? `PostgreSQL ${describeTarget(config.postgres.url)}` : config.dbFile;
}

/** How to point the configuration at another database, for a message that refuses this one. */
export function anotherDatabase(config: DatabaseSettings): string {
  return config.postgres ? 'point DEMING_DATABASE_URL at another database' : 'point DEMING_DB at another file (or delete this one)';
}

/**
 * A database of a test's own on the store the run is testing (test/helpers/store-choice.ts): a
 * SQLite file, or a fresh database of the run's PostgreSQL server. A suite opens stores on it as
 * the server and the CLI do, and reads rows back with {@link EitherDb.all} in the SQL both
 * dialects share, so the same assertions hold on both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openConfiguredStore } from '../../db/open';
import { openDatabase, type Db } from '../../db/connection';
import { types } from '../../db/postgres/sql';
import type { Store } from '../../db/store';
import { testDatabase } from './postgres';
import { testStore, type TestStore } from './store-choice';

export interface EitherDb extends RowReader {
  kind: TestStore;
  /** The environment that points a configuration or a CLI child at this database. */
  env: Record<string, string>;
  /** What a configuration's database settings are for it (`loadConfig`'s `dbFile` and `postgres`). */
  settings: { dbFile: string; postgres: { url: string; poolSize: number } | null; integrityCheck: 'off' };
  /** A new store on it, migrated, as a command or the server opens one (close it after). */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the tests' SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Reads rows of a test's database on either store. */
export interface RowReader {
  /**
   * The rows of one query in the SQL both stores share (`?` placeholders), with PostgreSQL's
   * booleans as SQLite's 0 and 1 and its bigints as numbers, so rows compare equal across stores.
   */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The first column of the first row (undefined when none). */
  value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** How many rows `table` holds. */
  count(table: string): Promise<number>;
}

/** A reader of the SQLite file `file`, or of the PostgreSQL database at `url` when given; `close()` after. */
export function rowReader(file: string, url: string | null): RowReader & { close: () => Promise<void> } {
  let sqlite: Db | null = null;
  let client: pg.Client | null = null;
  const all = async (sql: string, params: unknown[]): Promise<Record<string, unknown>[]> => {
    if (!url) return (sqlite ??= openDatabase(file, { check: 'off' })).prepare(sql).all(...params) as Record<string, unknown>[];
    if (!client) {
      client = new pg.Client({ connectionString: url });
      await client.connect();
    }
    const r = await client.query({ text: numbered(sql), values: params, types });
    return r.rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])),
    );
  };
  const reader: RowReader = {
    all: (sql, ...params) => all(sql, params) as Promise<never[]>,
    value: async (sql, ...params) => {
      const row = (await all(sql, params))[0];
      return (row ? Object.values(row)[0] : undefined) as never;
    },
    count: async (table) => Number((await all(`SELECT count(*) AS n FROM ${table}`, []))[0].n),
  };
  return {
    ...reader,
    close: async () => {
      sqlite?.close();
      await (client as pg.Client | null)?.end();
    },
  };
}

/** A fresh, migrated database on the store under test. */
export async function eitherDb(): Promise<EitherDb> {
  const dir = mkdtempSync(join(tmpdir(), 'deming-either-'));
  const file = join(dir, 'deming.db');
  const pgdb = testStore() === 'postgres' ? await testDatabase() : null;
  const settings = { dbFile: file, postgres: pgdb ? { url: pgdb.url, poolSize: 4 } : null, integrityCheck: 'off' as const };
  // Migrated now, so a read before the first write finds the tables.
  await (await openConfiguredStore(settings)).close();
  const reader = rowReader(file, pgdb?.url ?? null);
  return {
    kind: pgdb ? 'postgres' : 'sqlite',
    env: pgdb ? { DEMING_DATABASE_URL: pgdb.url, DEMING_DATABASE_POOL_SIZE: '4' } : { DEMING_DB: file },
    settings,
    open: () => openConfiguredStore(settings, { checkInBackground: false }),
    all: reader.all,
    value: reader.value,
    count: reader.count,
    cleanup: async () => {
      await reader.close();
      await pgdb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

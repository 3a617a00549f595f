/**
 * PostgreSQL migrations: `db/postgres/migrations/NNN_name.sql`, applied in order, each in a
 * transaction of its own and recorded in `schema_migrations`, all under one advisory lock, so two
 * processes migrating at once apply each migration once (the second waits, then finds nothing to
 * do) and a run twice does nothing the second time.
 *
 * {@link migrate} is what `npx deming migrate` runs, with a role that owns the schema. The server
 * calls it too, but when nothing is pending it only reads `schema_migrations`: a server whose role
 * may only read and write rows runs without DDL once the schema is up to date, and otherwise says
 * to run `npx deming migrate` ({@link MigrationError}).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** The advisory lock's key (any bigint no other part of Deming uses): "deming" in ASCII. */
export const MIGRATION_LOCK = 111_542_126_766_951n;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export class MigrationError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
  }
}

/** The migrations in `dir`, in order; a file that is not `NNN_name.sql` or a number used twice is refused. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`${join(dir, file)}: a migration is named NNN_name.sql, such as 002_loop_notes.sql`);
    out.push({ version: Number(m[1]), name: file.slice(0, -4), file: join(dir, file) });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version)
      throw new MigrationError(`two migrations are numbered ${out[i].version}: ${out[i - 1].name} and ${out[i].name}`);
  }
  return out;
}

export interface MigrateResult {
  /** What this call applied (empty when the schema was up to date). */
  applied: string[];
  /** The schema's version afterwards. */
  version: number;
}

/** The versions recorded in `schema_migrations`, or null when it does not exist yet. */
async function appliedVersions(client: pg.PoolClient): Promise<Set<number> | null> {
  const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (rows[0].t === null) return null;
  const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(applied.rows.map((r) => r.version));
}

/** The migrations not yet applied (reads only). */
export async function pendingMigrations(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const client = await pool.connect();
  try {
    const applied = (await appliedVersions(client)) ?? new Set<number>();
    return listMigrations(dir).filter((m) => !applied.has(m.version));
  } finally {
    client.release();
  }
}

/** Applies what is pending, under the advisory lock; `log` hears each one applied. */
export async function migrate(pool: pg.Pool, opts: { dir?: string; log?: (msg: string) => void } = {}): Promise<MigrateResult> {
  const all = listMigrations(opts.dir);
  const known = all.length > 0 ? all[all.length - 1].version : 0;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      let applied = await appliedVersions(client);
      const newest = applied && applied.size > 0 ? Math.max(...applied) : 0;
      if (newest > known) {
        throw new MigrationError(
          `the database's schema is at version ${newest}, newer than this Deming knows (${known}): run the Deming release that migrated it, or a later one`,
        );
      }
      const pending = all.filter((m) => !applied?.has(m.version));
      if (pending.length > 0 && applied === null) {
        await ddl(
          client,
          'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        applied = new Set();
      }
      const done: string[] = [];
      for (const m of pending) {
        await client.query('BEGIN');
        try {
          await ddl(client, readFileSync(m.file, 'utf8'), m.name);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
        done.push(m.name);
        opts.log?.(`applied ${m.name}`);
      }
      return { applied: done, version: Math.max(newest, ...all.map((m) => m.version)) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/** Runs schema changes; a role without the right to make them is told to run `npx deming migrate` with one that has it. */
async function ddl(client: pg.PoolClient, sql: string, name = 'schema_migrations'): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === '42501') {
      throw new MigrationError(
        `the database's schema is not up to date (${name}) and this role may not change it (${err.message}): run npx deming migrate with a role that owns the schema`,
        e,
      );
    }
    throw new MigrationError(`migration ${name} failed: ${err.message ?? String(e)}`, e);
  }
}

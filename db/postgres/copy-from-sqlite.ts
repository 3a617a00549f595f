/**
 * Copies a SQLite database into an empty, migrated PostgreSQL one, table by table in the order
 * the foreign keys ask (parents first), every row as stored (the raw event log with every
 * version, sessions, loops and their audit trail, deliveries, settings, cursors), in one
 * transaction: a failure leaves the target empty. Identity sequences are moved past the copied
 * ids, so the next row gets a fresh one. `npx deming migrate-to-postgres` runs it, then checks the
 * figures of every scope through the read services.
 */
import type pg from 'pg';
import { openDatabase, type Db } from '../connection';

export interface CopyProgress {
  (done: number, total: number, table: string): void;
}

export interface CopyResult {
  tables: { name: string; rows: number }[];
  rows: number;
}

export class CopyRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefused';
  }
}

interface PgColumn {
  table: string;
  column: string;
  type: string;
  identity: boolean;
}

/** Tables in an order where every table comes after the tables its foreign keys name. */
function parentsFirst(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done' || state.get(t) === 'visiting') return; // a cycle (a self-reference): its rows come in id order
    state.set(t, 'visiting');
    for (const e of edges) if (e.child === t && e.parent !== t && tables.includes(e.parent)) visit(e.parent);
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return out;
}

/** A SQLite value as PostgreSQL's column type wants it (SQLite keeps flags as 0/1). */
function convert(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return value === 1 || value === true || value === '1';
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Copies `sqliteFile` into the database of `pool` (migrated, and empty: anything in it is refused). */
export async function copySqliteToPostgres(sqliteFile: string, pool: pg.Pool, opts: { progress?: CopyProgress } = {}): Promise<CopyResult> {
  const columns = (
    await pool.query<PgColumn>(
      `SELECT table_name AS table, column_name AS column, data_type AS type, is_identity = 'YES' AS identity
         FROM information_schema.columns c
        WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
          AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')
        ORDER BY table_name, ordinal_position`,
    )
  ).rows;
  const tables = [...new Set(columns.map((c) => c.table))];
  if (tables.length === 0) throw new CopyRefused('the PostgreSQL database has no Deming tables: run npx deming migrate first');
  const edges = (
    await pool.query<{ child: string; parent: string }>(
      `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
         FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`,
    )
  ).rows;
  for (const t of tables) {
    const { rows } = await pool.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${ident(t)}) AS any`);
    if (rows[0].any)
      throw new CopyRefused(`the PostgreSQL database is not empty (table ${t} has rows): copy into an empty database, freshly migrated`);
  }

  const db = openDatabase(sqliteFile, { check: 'quick' });
  const client = await pool.connect();
  try {
    const order = parentsFirst(tables, edges);
    const plan = order.map((t) => {
      const sqliteCols = sqliteColumns(db, t);
      const pgCols = columns.filter((c) => c.table === t);
      const shared = pgCols.filter((c) => sqliteCols.has(c.column));
      const rows = sqliteCols.size > 0 ? (db.prepare(`SELECT count(*) AS n FROM ${ident(t)}`).get() as { n: number }).n : 0;
      return { table: t, shared, rows };
    });
    const total = plan.reduce((n, p) => n + p.rows, 0);
    let done = 0;
    opts.progress?.(0, total, order[0]);
    await client.query('BEGIN');
    for (const p of plan) {
      if (p.rows === 0) continue;
      const names = p.shared.map((c) => ident(c.column));
      const perStatement = Math.max(1, Math.floor(30_000 / names.length));
      const select = db.prepare(`SELECT ${names.join(', ')} FROM ${ident(p.table)}`).raw(true); // table order: rowid, or the key of a WITHOUT ROWID table
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const params: unknown[] = [];
        const tuples = batch.map(
          (row) => `(${row.map((v, i) => (params.push(convert(v, p.shared[i].type)), `$${params.length}`)).join(', ')})`,
        );
        const overriding = p.shared.some((c) => c.identity) ? ' OVERRIDING SYSTEM VALUE' : '';
        await client.query(`INSERT INTO ${ident(p.table)} (${names.join(', ')})${overriding} VALUES ${tuples.join(', ')}`, params);
        done += batch.length;
        opts.progress?.(done, total, p.table);
        batch = [];
      };
      for (const row of select.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length >= perStatement) await flush();
      }
      await flush();
      for (const c of p.shared.filter((col) => col.identity)) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max(${ident(c.column)}) FROM ${ident(p.table)}), 1))`,
          [p.table, c.column],
        );
      }
    }
    await client.query('COMMIT');
    return { tables: plan.map((p) => ({ name: p.table, rows: p.rows })), rows: total };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
    db.close();
  }
}

function sqliteColumns(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${ident(table)})`).all() as { name: string }[]).map((c) => c.name));
}

/** A table or column name quoted (they come from the catalogues, never from input). */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

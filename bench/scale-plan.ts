/**
 * Where a read's time goes. The reads are made on a connection whose `prepare` records each
 * statement, the query module function that prepared it, the parameters it was first run with
 * and the time spent in it; then `EXPLAIN QUERY PLAN` shows the plan of each. Whatever the
 * queries become, the plans and times shown are those of the code being measured.
 */
import { Connection, type Db } from '../db/connection';
import { basename } from 'node:path';
import { computeMetrics, computeSeries, readMetrics, readSeries } from '../server/metrics/read';
import { referenceMetrics } from '../server/metrics/reference';
import type { Scope } from '../server/scope';
import { listChangesByIds } from '../db/queries/changes';
import { indexedChanges } from '../server/metrics/indexed';
import { sqliteReads } from '../db/reads';
import { createReadState } from '../server/read/state';

/** One statement's plan; `scans` are the steps that read a whole table or index (json_each aside). */
export interface QueryPlan {
  query: string;
  plan: string[];
  indexes: string[];
  scans: string[];
}

interface Captured {
  query: string;
  sql: string;
  args: unknown[] | undefined;
  ms: number;
  calls: number;
  rows: number;
}

/** The `db/` function that prepared a statement (`metrics.ts listLeadTimeFacts`), from the stack at `prepare`. */
function preparer(stack: string | undefined): string {
  for (const line of (stack ?? '').split('\n')) {
    const m = /at (?:Object\.)?(\S+) \((.*\/db\/(?!prepared\.ts)[^:)]+)/.exec(line);
    if (m) return `${basename(m[2])} ${m[1]}`;
  }
  return 'unknown';
}

/** Records and times every statement prepared on `db` from now on (a read-only connection to `file` by default). */
function instrumented(file: string, db: Db = new Connection(file, { readonly: true })) {
  const captured: Captured[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const stmt = prepare(sql);
    const entry: Captured = { query: preparer(new Error().stack), sql, args: undefined, ms: 0, calls: 0, rows: 0 };
    captured.push(entry);
    for (const method of ['all', 'get', 'run'] as const) {
      const original = (stmt[method] as (...a: unknown[]) => unknown).bind(stmt);
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        entry.args ??= args;
        const t0 = performance.now();
        const out = original(...args);
        entry.ms += performance.now() - t0;
        entry.calls++;
        entry.rows += Array.isArray(out) ? out.length : 1;
        return out;
      };
    }
    return stmt;
  };
  return { db, captured, prepare };
}

/** Plans of every statement that `readMetrics`, `readSeries` and `listChanges` prepare for a scope. */
export async function explainMetricsQueries(file: string, scope: Scope, from: number, to: number, tz = 'UTC'): Promise<QueryPlan[]> {
  const { db, captured, prepare } = instrumented(file);
  const reads = createReadState(sqliteReads(db));
  try {
    const resolved = await reads.org.resolve(scope);
    await readMetrics(reads, resolved, from, to, { tz });
    await readSeries(reads, resolved, from, to, 'week', { tz });
    listChangesByIds(db, indexedChanges(reads.workspace, await reads.facts.all(resolved.serviceIds), { from, to, tz }, 'slowest', 100));
    return captured
      .filter((c) => c.query.startsWith('metrics.ts') || c.query.startsWith('changes.ts'))
      .filter((c) => c.args !== undefined)
      .map((c) => {
        const rows = prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.args ?? [])) as { id: number; parent: number; detail: string }[];
        const depth = new Map<number, number>([[0, 0]]);
        const plan = rows.map((r) => {
          const d = (depth.get(r.parent) ?? 0) + 1;
          depth.set(r.id, d);
          return `${'  '.repeat(d - 1)}${r.detail}`;
        });
        const indexes = [
          ...new Set(
            rows.flatMap((r) =>
              [...r.detail.matchAll(/USING (?:COVERING )?INDEX (\w+)|USING (INTEGER PRIMARY KEY|PRIMARY KEY)/g)].map((m) => m[1] ?? m[2]),
            ),
          ),
        ];
        const scans = rows.map((r) => r.detail).filter((d) => /^SCAN (?!json_each)/.test(d));
        return { query: c.query, plan, indexes, scans };
      });
  } finally {
    reads.close();
    db.close();
  }
}

export interface ReadProfile {
  scope: string;
  services: number;
  /** Building the scope's services' facts into an empty fact index (what the server does once after a start). */
  buildMs: number;
  /** Per statement, over that build: time in SQLite (stepping and building rows) and rows returned. */
  queries: { query: string; ms: number; rows: number }[];
  /** Median over the runs of one read computed from the built index, without the answer cache (as after a change). */
  computeMetricsMs: number;
  computeSeriesMs: number;
  /** A repeat served from the answer cache. */
  cachedMetricsMs: number;
  /** The straightforward path (fetch the window's rows with SQL, compute), once. */
  directMetricsMs: number;
}

/** Times each scope's read on the indexed path (build, compute, cached) beside the straightforward path, in process. */
export async function profileReads(file: string, scopes: Scope[], from: number, to: number, runs = 5, tz = 'UTC'): Promise<ReadProfile[]> {
  const { db, captured } = instrumented(file);
  const reads = createReadState(sqliteReads(db));
  const round = (x: number) => Math.round(x * 100) / 100;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const times = async (f: () => Promise<unknown>) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push(await time(f));
    return out;
  };
  try {
    const out: ReadProfile[] = [];
    for (const scope of scopes) {
      const resolved = await reads.org.resolve(scope);
      for (const c of captured) {
        c.ms = 0;
        c.calls = 0;
        c.rows = 0;
      }
      reads.facts.clear();
      const buildMs = await time(() => reads.facts.all(resolved.serviceIds));
      const queries = captured
        .filter((c) => c.calls > 0 && c.query.startsWith('metrics.ts'))
        .map((c) => ({ query: c.query, ms: round(c.ms), rows: c.rows }));
      const metricsMs = await times(() => computeMetrics(reads, resolved, from, to, { tz }));
      const seriesMs = await times(() => computeSeries(reads, resolved, from, to, 'week', { tz }));
      await readMetrics(reads, resolved, from, to, { tz });
      const cachedMetricsMs = await time(() => readMetrics(reads, resolved, from, to, { tz }));
      const directMetricsMs = await time(() => referenceMetrics(reads, resolved, from, to, { tz }));
      out.push({
        scope: scope.key,
        services: resolved.serviceIds.length,
        buildMs: round(buildMs),
        queries,
        computeMetricsMs: round(median(metricsMs)),
        computeSeriesMs: round(median(seriesMs)),
        cachedMetricsMs: round(cachedMetricsMs),
        directMetricsMs: round(directMetricsMs),
      });
    }
    return out;
  } finally {
    reads.close();
    db.close();
  }
}

export interface IngestProfile {
  events: number;
  /** Wall time of validateEvents + ingestEvents over the sample, per 1,000 events. */
  msPer1000: number;
  validateMsPer1000: number;
  /** Per statement: time in SQLite per 1,000 events, calls per 1,000 events, share of the ingest time. */
  statements: { query: string; msPer1000: number; callsPer1000: number; share: number }[];
  /** ingestEvents' time outside the statements: JavaScript (hashing, JSON, linking's bookkeeping) and the commits. */
  otherMsPer1000: number;
  /** What one commit of a one-row transaction costs on this disk (WAL, synchronous=FULL): the floor per batch. */
  emptyCommitMs: number;
}

/**
 * Where ingestion's time goes: a sample of batches stored through the real path into a fresh
 * database at `file`, each statement timed. (The timing wrappers add a little to every call.)
 */
export function profileIngest(
  file: string,
  open: (file: string) => Db,
  ingest: (db: Db, batch: unknown[]) => { validateMs: number },
  stream: Iterable<unknown[]>,
): IngestProfile {
  const db = open(file);
  const { captured } = instrumented(file, db);
  let events = 0,
    total = 0,
    validate = 0;
  try {
    for (const batch of stream) {
      const t0 = performance.now();
      validate += ingest(db, batch).validateMs;
      total += performance.now() - t0;
      events += batch.length;
    }
  } finally {
    db.close();
  }
  const again = open(file);
  const commits: number[] = [];
  const put = again.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('scale-bench', ?)");
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    again.transaction(() => put.run(String(i)))();
    commits.push(performance.now() - t0);
  }
  again.close();
  const per = (x: number) => Math.round(((x * 1000) / events) * 100) / 100;
  const byQuery = new Map<string, { ms: number; calls: number }>();
  for (const c of captured) {
    const q = byQuery.get(c.query) ?? { ms: 0, calls: 0 };
    q.ms += c.ms;
    q.calls += c.calls;
    byQuery.set(c.query, q);
  }
  const statements = [...byQuery]
    .map(([query, q]) => ({
      query,
      msPer1000: per(q.ms),
      callsPer1000: per(q.calls),
      share: Math.round((q.ms / (total - validate)) * 1000) / 1000,
    }))
    .filter((q) => q.callsPer1000 > 0)
    .sort((a, b) => b.msPer1000 - a.msPer1000);
  const inSql = [...byQuery.values()].reduce((n, q) => n + q.ms, 0);
  return {
    events,
    msPer1000: per(total),
    validateMsPer1000: per(validate),
    statements,
    otherMsPer1000: per(total - validate - inSql),
    emptyCommitMs: Math.round(commits.sort((a, b) => a - b)[10] * 100) / 100,
  };
}

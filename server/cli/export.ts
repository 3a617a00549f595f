/**
 * `npx deming export`: a scope's figures and lists, or every raw event, to stdout or a file.
 * - `json`: `{metrics, series, changes, deployments, incidents, ciRuns}`, exactly the API's answers;
 * - `csv`: the same tables, each after a `# name` line and a blank line (or one plain table with `--only`);
 * - `ndjson`: the latest version of every event of the scope's services, which
 *   `npx deming import` reads, so data moves between instances (`--from`/`--to` do not apply).
 * The figures and lists come from the same read services (server/read) the HTTP API answers
 * with, called directly (no server, no port), so an export always says what the API says.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ConfigError } from '../config';
import { isDemo } from '../demo';
import { HttpError } from '../errors';
import { toCsv } from '../csv';
import { parseBucket } from '../query';
import { parseScope } from '../scope';
import {
  changesTable,
  ciRunsTable,
  createReadState,
  deploymentsTable,
  incidentsTable,
  metricsTable,
  scopedWindow,
  seriesTable,
  type ReadContext,
  type ScopedWindow,
  type Table as Answer,
} from '../read';
import { CommandUsageError, openLocalStore, parseOptions, type LocalStore } from './local';
import type { CliCommand } from './index';

const USAGE =
  'export [--scope org] [--from 2026-01-01] [--to 2026-04-01] [--format json|csv|ndjson] [--bucket day|week|month] [--only <table>] [--out file] [--config file]';

/**
 * The tables of an export and the read service each comes from: what `GET /api/v1/metrics`,
 * `/metrics/series`, `/changes?limit=5000`, `/deployments?limit=10000`, `/incidents?limit=10000`
 * and `/ci-runs?limit=10000` answer.
 */
export const exportTables = {
  metrics: (ctx, q) => metricsTable(ctx, q),
  series: (ctx, q, bucket) => seriesTable(ctx, q, parseBucket(bucket)),
  changes: (ctx, q) => changesTable(ctx, q, 'slowest', 5000),
  deployments: (ctx, q) => deploymentsTable(ctx, q, 10_000),
  incidents: (ctx, q) => incidentsTable(ctx, q, 10_000),
  ciRuns: (ctx, q) => ciRunsTable(ctx, q, 10_000),
} satisfies Record<string, (ctx: ReadContext, q: ScopedWindow, bucket: string) => Promise<Answer>>;
type Table = keyof typeof exportTables;

const options = {
  scope: { type: 'string', default: 'org' },
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string', default: 'json' },
  bucket: { type: 'string', default: 'week' },
  only: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
} as const;

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Every event of the scope's services as NDJSON; returns how many. */
async function writeNdjson(ctx: ReadContext, scope: string, out: Writable): Promise<number> {
  const org = await ctx.reads.org.current();
  const resolved = org.resolve(parseScope(scope));
  const names =
    resolved.scope.kind === 'org' ? undefined : org.services.filter((s) => resolved.serviceIds.includes(s.id)).map((s) => s.name);
  let n = 0;
  for await (const row of ctx.reads.store.readLatestEvents(names)) {
    const event = JSON.parse(row.payload) as Record<string, unknown>;
    // Events stored without a source got the route's default: write it, so the import keys them the same.
    await write(out, `${JSON.stringify(event.source === undefined ? { ...event, source: row.source } : event)}\n`);
    n++;
  }
  return n;
}

/** Reads the tables from the read services, as the API would answer them (JSON bodies, or CSV text). */
async function readTables(ctx: ReadContext, query: Record<string, string>, tables: Table[], csv: boolean): Promise<Record<Table, unknown>> {
  const q = await scopedWindow(ctx, query, Date.now());
  const out = {} as Record<Table, unknown>;
  for (const t of tables) {
    const answer = await exportTables[t](ctx, q, query.bucket);
    out[t] = csv ? toCsv(answer.rows, answer.columns) : answer.body;
  }
  return out;
}

/** Runs `export` with the arguments after the command name; returns the exit code. */
export async function exportData(args: string[]): Promise<number> {
  let values;
  try {
    values = parseOptions(args, options).values;
    if (!['json', 'csv', 'ndjson'].includes(values.format))
      throw new CommandUsageError(`--format: expected json, csv or ndjson, not "${values.format}".`);
    if (values.only !== undefined && !(values.only in exportTables))
      throw new CommandUsageError(`--only: expected one of ${Object.keys(exportTables).join(', ')}.`);
  } catch (e) {
    if (e instanceof CommandUsageError) {
      console.error(`deming export: ${e.message}\nUsage: npx deming ${USAGE}`);
      return 2;
    }
    throw e;
  }
  let store: LocalStore;
  try {
    store = await openLocalStore(values.config);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`deming export: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const demo = await isDemo(store.store);
  const ctx: ReadContext = { reads: createReadState(store.store), config: store.config, demo: () => demo };
  const out: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  // `npx deming export | head`: a reader that stops early is not an error.
  if (!values.out)
    process.stdout.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      else throw e;
    });
  try {
    if (values.format === 'ndjson') {
      const n = await writeNdjson(ctx, values.scope, out);
      console.error(`deming export: ${n} events of ${values.scope}${values.out ? ` written to ${values.out}` : ''}.`);
    } else {
      const query: Record<string, string> = { scope: values.scope, bucket: values.bucket };
      if (values.from) query.from = values.from;
      if (values.to) query.to = values.to;
      const tables = values.only ? [values.only as Table] : (Object.keys(exportTables) as Table[]);
      const data = await readTables(ctx, query, tables, values.format === 'csv');
      if (values.format === 'csv') {
        await write(
          out,
          values.only ? (data[values.only as Table] as string) : tables.map((t) => `# ${t}\r\n${data[t] as string}`).join('\r\n'),
        );
      } else {
        await write(out, `${JSON.stringify({ scope: values.scope, exportedAt: new Date().toISOString(), ...data }, null, 2)}\n`);
      }
    }
  } catch (e) {
    if (e instanceof HttpError) {
      console.error(`deming export: ${e.message}`);
      return 2;
    }
    throw e;
  } finally {
    ctx.reads.close();
    await store.close();
    if (values.out) {
      out.end();
      await once(out, 'close');
    }
  }
  return 0;
}

const command: CliCommand = {
  summary: 'Export figures and lists (json, csv) or every event (ndjson, for `import`).',
  usage: USAGE,
  run: exportData,
};
export default command;

/**
 * `npx deming export`: a scope's figures and lists, or every raw event, to stdout or a file.
 * - `json`: `{metrics, series, changes, deployments, incidents, ciRuns}`, exactly the API's answers;
 * - `csv`: the same tables, each after a `# name` line and a blank line (or one plain table with `--only`);
 * - `ndjson`: the latest version of every event of the scope's services, which
 *   `npx deming import` reads, so data moves between instances (`--from`/`--to` do not apply).
 * The figures are read through the HTTP API on a private loopback port, so an export always
 * says what the API says.
 */
import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { listServices } from '../../db/queries/org';
import { iterateLatestRawEvents } from '../../db/queries/raw-events';
import { createApp } from '../app';
import { createAuthenticator } from '../auth';
import { ConfigError } from '../config';
import { isDemo } from '../demo';
import { HttpError } from '../errors';
import { parseScope, resolveScope } from '../scope';
import { CommandUsageError, openLocalStore, parseOptions, type LocalStore } from './local';
import type { CliCommand } from './index';

const USAGE = 'export [--scope org] [--from 2026-01-01] [--to 2026-04-01] [--format json|csv|ndjson] [--bucket day|week|month] [--only <table>] [--out file] [--config file]';

/** The tables of an export and the API endpoint each comes from. */
export const exportTables = {
  metrics: '/api/v1/metrics',
  series: '/api/v1/metrics/series',
  changes: '/api/v1/changes?limit=5000',
  deployments: '/api/v1/deployments?limit=10000',
  incidents: '/api/v1/incidents?limit=10000',
  ciRuns: '/api/v1/ci-runs?limit=10000',
} as const;
type Table = keyof typeof exportTables;

const options = {
  scope: { type: 'string', default: 'org' }, from: { type: 'string' }, to: { type: 'string' },
  format: { type: 'string', default: 'json' }, bucket: { type: 'string', default: 'week' },
  only: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' },
} as const;

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Every event of the scope's services as NDJSON; returns how many. */
async function writeNdjson(store: LocalStore, scope: string, out: Writable): Promise<number> {
  const resolved = resolveScope(store.db, parseScope(scope));
  const names = resolved.scope.kind === 'org' ? undefined : listServices(store.db).filter((s) => resolved.serviceIds.includes(s.id)).map((s) => s.name);
  let n = 0;
  for (const row of iterateLatestRawEvents(store.db, names)) {
    const event = JSON.parse(row.payload) as Record<string, unknown>;
    // Events stored without a source got the route's default: write it, so the import keys them the same.
    await write(out, `${JSON.stringify(event.source === undefined ? { ...event, source: row.source } : event)}\n`);
    n++;
  }
  return n;
}

/** Reads the tables through the API on a private loopback port. */
async function fetchTables(store: LocalStore, query: URLSearchParams, tables: Table[], csv: boolean): Promise<Record<Table, string>> {
  const ctx = {
    db: store.db, config: store.config, auth: createAuthenticator({ tokens: [], loopbackRoles: ['viewer'] }), now: Date.now, log: () => {}, demo: () => isDemo(store.db),
    ingest: store.service,
  };
  const server = createApp(ctx).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = {} as Record<Table, string>;
    for (const t of tables) {
      const url = new URL(exportTables[t], base);
      for (const [k, v] of query) url.searchParams.set(k, v);
      if (t !== 'series') url.searchParams.delete('bucket');
      if (csv) url.searchParams.set('format', 'csv');
      const res = await fetch(url);
      const body = await res.text();
      if (!res.ok) throw new HttpError(res.status, 'export_failed', (JSON.parse(body) as { error: { message: string } }).error.message);
      out[t] = body;
    }
    return out;
  } finally {
    server.close();
  }
}

/** Runs `export` with the arguments after the command name; returns the exit code. */
export async function exportData(args: string[]): Promise<number> {
  let values;
  try {
    values = parseOptions(args, options).values;
    if (!['json', 'csv', 'ndjson'].includes(values.format)) throw new CommandUsageError(`--format: expected json, csv or ndjson, not "${values.format}".`);
    if (values.only !== undefined && !(values.only in exportTables)) throw new CommandUsageError(`--only: expected one of ${Object.keys(exportTables).join(', ')}.`);
  } catch (e) {
    if (e instanceof CommandUsageError) { console.error(`deming export: ${e.message}\nUsage: npx deming ${USAGE}`); return 2; }
    throw e;
  }
  let store: LocalStore;
  try {
    store = openLocalStore(values.config);
  } catch (e) {
    if (e instanceof ConfigError) { console.error(`deming export: ${e.message}`); return 2; }
    throw e;
  }
  const out: Writable = values.out ? createWriteStream(values.out) : process.stdout;
  // `npx deming export | head`: a reader that stops early is not an error.
  if (!values.out) process.stdout.once('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  try {
    if (values.format === 'ndjson') {
      const n = await writeNdjson(store, values.scope, out);
      console.error(`deming export: ${n} events of ${values.scope}${values.out ? ` written to ${values.out}` : ''}.`);
    } else {
      const query = new URLSearchParams({ scope: values.scope, bucket: values.bucket });
      if (values.from) query.set('from', values.from);
      if (values.to) query.set('to', values.to);
      const tables = values.only ? [values.only as Table] : (Object.keys(exportTables) as Table[]);
      const data = await fetchTables(store, query, tables, values.format === 'csv');
      if (values.format === 'csv') {
        await write(out, values.only ? data[values.only as Table] : tables.map((t) => `# ${t}\r\n${data[t]}`).join('\r\n'));
      } else {
        const parsed = Object.fromEntries(tables.map((t) => [t, JSON.parse(data[t])]));
        await write(out, `${JSON.stringify({ scope: values.scope, exportedAt: new Date().toISOString(), ...parsed }, null, 2)}\n`);
      }
    }
  } catch (e) {
    if (e instanceof HttpError) { console.error(`deming export: ${e.message}`); return 2; }
    throw e;
  } finally {
    store.close();
    if (values.out) { out.end(); await once(out, 'close'); }
  }
  return 0;
}

const command: CliCommand = {
  summary: 'Export figures and lists (json, csv) or every event (ndjson, for `import`).',
  usage: USAGE,
  run: exportData,
};
export default command;

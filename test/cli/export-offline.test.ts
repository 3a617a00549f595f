/**
 * Issue 14: `npx deming export` calls the read services directly and starts no server. While it
 * runs, opening a listening socket fails (as it would in a sandbox without networking); the
 * export still succeeds, and every table is, byte for byte, what the HTTP API of a running
 * server answers for the same scope and window.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportData } from '../../server/cli/export';
import { get, post, startTestServer } from '../helpers/server';
import { scenarioEvents, WINDOW } from '../helpers/scenario';

type Running = Awaited<ReturnType<typeof startTestServer>>;
const dir = mkdtempSync(join(tmpdir(), 'deming-export-offline-'));
let api: Running;

beforeAll(async () => {
  api = await startTestServer({}, () => WINDOW.to);
  expect((await post(`${api.url}/api/v1/events`, scenarioEvents())).status).toBe(200);
});
afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the export against the API server's database file with listening refused; returns what `listen` was asked. */
async function exportWithoutNetwork(args: string[]): Promise<{ code: number; listens: number }> {
  let listens = 0;
  const listen = vi.spyOn(Server.prototype, 'listen').mockImplementation(function refuse(this: Server) {
    listens++;
    throw new Error('no network here: export must not listen on a port');
  });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const saved = process.env.DEMING_DB;
  process.env.DEMING_DB = api.ctx.config.dbFile;
  try {
    return { code: await exportData(args), listens };
  } finally {
    if (saved === undefined) delete process.env.DEMING_DB;
    else process.env.DEMING_DB = saved;
    listen.mockRestore();
    vi.restoreAllMocks();
  }
}

const range = ['--from', new Date(WINDOW.from).toISOString(), '--to', new Date(WINDOW.to).toISOString()];
const query = `from=${new Date(WINDOW.from).toISOString()}&to=${new Date(WINDOW.to).toISOString()}`;
const endpoints = {
  metrics: '/api/v1/metrics?',
  series: '/api/v1/metrics/series?bucket=week&',
  changes: '/api/v1/changes?limit=5000&',
  deployments: '/api/v1/deployments?limit=10000&',
  incidents: '/api/v1/incidents?limit=10000&',
  ciRuns: '/api/v1/ci-runs?limit=10000&',
} as const;

describe('export without a server', () => {
  it.each(['org', 'team:unassigned', 'service:acme/app'])(
    'writes the JSON tables of %s exactly as the API answers them, opening no port',
    async (scope) => {
      const file = join(dir, `${scope.replace(/\W/g, '-')}.json`);
      const { code, listens } = await exportWithoutNetwork(['--scope', scope, ...range, '--out', file]);
      expect(listens).toBe(0);
      expect(code).toBe(0);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [table, path] of Object.entries(endpoints)) {
        const answer = await get(`${api.url}${path}scope=${encodeURIComponent(scope)}&${query}`);
        expect(answer.status).toBe(200);
        expect(JSON.stringify(exported[table]), table).toBe(answer.text);
      }
    },
  );

  it('writes each CSV table byte for byte as the API answers it with format=csv', async () => {
    for (const [table, path] of Object.entries(endpoints)) {
      const file = join(dir, `${table}.csv`);
      const { code, listens } = await exportWithoutNetwork([
        '--scope',
        'service:acme/app',
        ...range,
        '--format',
        'csv',
        '--only',
        table,
        '--out',
        file,
      ]);
      expect(listens).toBe(0);
      expect(code).toBe(0);
      const answer = await get(`${api.url}${path}scope=service:acme/app&${query}&format=csv`);
      expect(readFileSync(file, 'utf8'), table).toBe(answer.text);
    }
  });

  it('writes every event of a scope as NDJSON with no port either', async () => {
    const file = join(dir, 'events.ndjson');
    const { code, listens } = await exportWithoutNetwork(['--scope', 'service:acme/app', '--format', 'ndjson', '--out', file]);
    expect([code, listens]).toEqual([0, 0]);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { service: string });
    expect(lines.length).toBe(scenarioEvents().filter((e) => e.service === 'acme/app').length);
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['acme/app']));
  });
});

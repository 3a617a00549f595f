import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportData } from '../../server/cli/export';
import { importFile } from '../../server/cli/import';
import { openDatabase } from '../../db/connection';
import { get, post, startTestServer } from '../helpers/server';
import { deployment, incident } from '../helpers/factories';
import { scenarioEvents, WINDOW } from '../helpers/scenario';
import { csvObjects, parseCsv } from '../helpers/csv';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const now = () => WINDOW.to;
const dir = mkdtempSync(join(tmpdir(), 'deming-cli-'));
let source: Server;
let stderr: string[] = [];

/** Runs a command against the database file `db`, as `DEMING_DB=db npx deming …` would. */
async function run(command: (args: string[]) => Promise<number>, db: string, args: string[]): Promise<number> {
  const saved = process.env.DEMING_DB;
  process.env.DEMING_DB = db;
  try {
    return await command(args);
  } finally {
    if (saved === undefined) delete process.env.DEMING_DB;
    else process.env.DEMING_DB = saved;
  }
}

beforeAll(async () => {
  source = await startTestServer({}, now);
  await post(`${source.url}/api/v1/events`, scenarioEvents());
  // An incident sent twice (opened, then resolved): the raw log holds both versions.
  await post(`${source.url}/api/v1/events`, incident({ id: 'twice', service: 'acme/api', openedAt: '2026-03-07T00:00:00Z' }));
  await post(
    `${source.url}/api/v1/events`,
    incident({ id: 'twice', service: 'acme/api', openedAt: '2026-03-07T00:00:00Z', resolvedAt: '2026-03-07T02:00:00Z' }),
  );
  const report = readFileSync(new URL('../fixtures/junit/pytest.xml', import.meta.url), 'utf8');
  await post(`${source.url}/api/v1/test-reports?service=acme/api&sha=abcdef1&name=unit`, report, { 'content-type': 'application/xml' });
});
afterAll(async () => {
  await source.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  stderr = [];
});

/** Every command prints progress and errors on stderr: keep them for the assertions. */
const captureStderr = () => {
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr.push(a.join(' '));
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr.push(String(s));
    return true;
  });
};

const window = `from=${new Date(WINDOW.from).toISOString()}&to=${new Date(WINDOW.to).toISOString()}`;
const scopes = ['org', 'team:unassigned', 'service:acme/app', 'service:acme/api'];

describe('export → import', () => {
  it('moves every event to a fresh database, giving the same figures and lists', async () => {
    captureStderr();
    const file = join(dir, 'events.ndjson');
    expect(await run(exportData, source.ctx.config.dbFile, ['--format', 'ndjson', '--out', file])).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((e) => e.id === 'twice')).toEqual([expect.objectContaining({ resolvedAt: '2026-03-07T02:00:00Z', source: 'api' })]);

    const fresh = join(dir, 'fresh', 'deming.db');
    expect(await run(importFile, fresh, [file])).toBe(0);
    expect(stderr.join('')).toMatch(new RegExp(`Imported ${lines.length} events from .* ${lines.length} new, 0 updated, 0 unchanged`));
    expect(stderr.join('')).toMatch(/import \[#+\] 100%/);

    const copy = await startTestServer({ DEMING_DB: fresh }, now);
    try {
      for (const scope of scopes) {
        for (const path of [
          '/api/v1/metrics',
          '/api/v1/metrics/series',
          '/api/v1/changes',
          '/api/v1/deployments',
          '/api/v1/incidents',
          '/api/v1/ci-runs',
        ]) {
          const url = `${path}?scope=${scope}&${window}`;
          expect((await get(copy.url + url)).body, url).toEqual((await get(source.url + url)).body);
        }
      }
    } finally {
      await copy.stop();
    }
    expect(await run(importFile, fresh, [file])).toBe(0);
    expect(stderr.join('')).toMatch(/0 new, 0 updated, \d+ unchanged/);
  });

  it('reports bad lines by number and imports nothing', async () => {
    captureStderr();
    const file = join(dir, 'bad.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify(deployment({ id: 'ok' })),
        '{"type": "deployment",',
        '',
        JSON.stringify(deployment({ id: 'late', finishedAt: '2026-03-01' })),
      ].join('\n'),
    );
    const fresh = join(dir, 'bad', 'deming.db');
    expect(await run(importFile, fresh, [file])).toBe(2);
    const out = stderr.join('\n');
    expect(out).toMatch(/bad\.ndjson: line 2: not valid JSON/);
    expect(out).toMatch(/bad\.ndjson: line 4\.finishedAt: expected an ISO 8601 timestamp/);
    expect(out).toMatch(/nothing was imported/);
    const db = openDatabase(fresh);
    expect(db.prepare('SELECT count(*) AS n FROM raw_events').get()).toEqual({ n: 0 });
    db.close();
    expect(await run(importFile, fresh, [join(dir, 'missing.ndjson')])).toBe(2);
  });
});

describe('export of figures', () => {
  it('writes the API answers as JSON, and as CSV tables an RFC 4180 reader reads back', async () => {
    captureStderr();
    const db = source.ctx.config.dbFile;
    const range = ['--from', new Date(WINDOW.from).toISOString(), '--to', new Date(WINDOW.to).toISOString()];
    const json = join(dir, 'app.json');
    expect(await run(exportData, db, ['--scope', 'service:acme/app', ...range, '--out', json])).toBe(0);
    const exported = JSON.parse(readFileSync(json, 'utf8'));
    expect(exported.metrics).toEqual((await get(`${source.url}/api/v1/metrics?scope=service:acme/app&${window}`)).body);
    expect(exported.series.bucket).toBe('week');
    expect(Object.keys(exported)).toEqual(['scope', 'exportedAt', 'metrics', 'series', 'changes', 'deployments', 'incidents', 'ciRuns']);

    const csv = join(dir, 'deployments.csv');
    expect(
      await run(exportData, db, ['--scope', 'service:acme/app', ...range, '--format', 'csv', '--only', 'deployments', '--out', csv]),
    ).toBe(0);
    const rows = csvObjects(parseCsv(readFileSync(csv, 'utf8')));
    expect(rows.map((r) => r.id)).toEqual(exported.deployments.items.map((d: { id: string }) => d.id));

    const all = join(dir, 'all.csv');
    expect(await run(exportData, db, ['--format', 'csv', ...range, '--out', all])).toBe(0);
    const sections = readFileSync(all, 'utf8').split(/\r\n(?=# \w+\r\n)/);
    expect(sections.map((s) => s.split('\r\n')[0])).toEqual([
      '# metrics',
      '# series',
      '# changes',
      '# deployments',
      '# incidents',
      '# ciRuns',
    ]);
    for (const section of sections) expect(() => parseCsv(section.slice(section.indexOf('\r\n') + 2))).not.toThrow();
  });

  it.each([
    [['--format', 'xml'], /--format: expected json, csv or ndjson/],
    [['--scope', 'team:nope'], /No team "nope"/],
    [['--only', 'everything'], /--only: expected one of metrics, series/],
    [['--frmo', '2026-01-01'], /Unknown option '--frmo'/],
  ])('refuses %j with exit code 2 and a message', async (args, message) => {
    captureStderr();
    expect(await run(exportData, source.ctx.config.dbFile, args)).toBe(2);
    expect(stderr.join('\n')).toMatch(message);
  });
});

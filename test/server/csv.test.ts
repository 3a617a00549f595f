import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../server/csv';
import { get, post, startTestServer } from '../helpers/server';
import { deployment, incident } from '../helpers/factories';
import { csvObjects as objects, parseCsv } from '../helpers/csv';

describe('the test RFC 4180 reader', () => {
  it('reads quotes, commas, line breaks and empty fields, and refuses what is not CSV', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n,,\r\n')).toEqual([['a', 'b', 'c'], ['x, y', 'say "hi"', 'two\r\nlines'], ['', '', '']]);
    expect(() => parseCsv('a,"b\r\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/bare/);
  });
});

describe('toCsv', () => {
  it('round-trips quotes, commas, line breaks, unicode, nulls and nested objects', () => {
    const rows = [
      { id: 'a,1', title: 'He said "ship it"', notes: 'line one\nline two\r\nline three', who: 'Zoë — équipe 🚀', n: 3, none: null, nested: { x: 1, y: 'z' } },
      { id: 'b', title: ' leading and trailing spaces ', notes: '', who: '東京', n: 0.5, none: undefined, nested: { x: 2, y: null } },
    ];
    const csv = toCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(objects(parseCsv(csv))).toEqual([
      { id: 'a,1', title: 'He said "ship it"', notes: 'line one\nline two\r\nline three', who: 'Zoë — équipe 🚀', n: '3', none: '', 'nested.x': '1', 'nested.y': 'z' },
      { id: 'b', title: ' leading and trailing spaces ', notes: '', who: '東京', n: '0.5', none: '', 'nested.x': '2', 'nested.y': '' },
    ]);
  });
});

describe('CSV from the API', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer();
    await post(`${s.url}/api/v1/events`, [
      deployment({ id: 'web,1', service: 'acme/web', finishedAt: '2026-03-04T00:00:00Z', url: 'https://ci.example.org/job?a=1,b=2' }),
      incident({ id: 'INC-"9"', service: 'acme/web', openedAt: '2026-03-04T02:00:00Z', resolvedAt: '2026-03-04T03:00:00Z', title: 'Login "broken", users\nsaw 500 — Zoë 🚑' }),
    ]);
  });
  afterAll(async () => { await s.stop(); });

  const window = 'scope=service:acme/web&from=2026-03-01&to=2026-03-10';
  const asStrings = (items: Record<string, unknown>[]) => items.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? '' : String(v)])));

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
    ['deployments', 'service,id,source,environment,production,status,sha,startedAt,finishedAt,rework,url,changes,causedIncident,unplanned'],
    ['incidents', 'service,id,source,openedAt,resolvedAt,severity,deploymentId,rootCauseSha,title,url'],
    ['ci-runs', 'service,id,source,name,status,sha,branch,startedAt,finishedAt,testsPassed,testsFailed,testsSkipped,url'],
    ['changes', 'service,sha,committedAt,deployedAt,leadTime,url,deploymentId,deploymentUrl,pullRequest.number,pullRequest.url,stages.plan,stages.do,stages.check,stages.act'],
  ])('gives /api/v1/%s its header even when the list is empty', async (list, header) => {
    const csv = await get(`${s.url}/api/v1/${list}?scope=service:acme/web&from=2020-01-01&to=2020-02-01&format=csv`);
    expect(csv.text).toBe(`${header}\r\n`);
  });

  it('keeps the same columns for changes with and without a pull request', async () => {
    await post(`${s.url}/api/v1/events`, [
      { type: 'change', service: 'acme/csv', sha: 'a'.repeat(40), committedAt: '2026-03-02T00:00:00Z' },
      { type: 'change', service: 'acme/csv', sha: 'b'.repeat(40), committedAt: '2026-03-02T01:00:00Z', pullRequest: { number: 4, mergedAt: '2026-03-02T02:00:00Z', mergeSha: 'b'.repeat(40) } },
      { type: 'deployment', id: 'csv-1', service: 'acme/csv', environment: 'production', status: 'success', sha: 'b'.repeat(40), commits: ['a'.repeat(40), 'b'.repeat(40)], finishedAt: '2026-03-03T00:00:00Z' },
    ]);
    const rows = objects(parseCsv((await get(`${s.url}/api/v1/changes?scope=service:acme/csv&from=2026-03-01&to=2026-03-10&sort=oldest&format=csv`)).text));
    expect(rows.map((r) => [r.sha[0], r['pullRequest.number'], r.deploymentId])).toEqual([['a', '', 'csv-1'], ['b', '4', 'csv-1']]);
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

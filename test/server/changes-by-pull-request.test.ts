/**
 * GET /api/v1/changes?groupBy=pullRequest: a pull request's commits as one item, its lead time
 * from its first commit to the deployment that shipped its last, with its commit count; the
 * same as CSV; the answer without groupBy unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../helpers/server';
import { csvObjects as objects, parseCsv } from '../helpers/csv';

let s: Awaited<ReturnType<typeof startTestServer>>;
const sha = (c: string) => c.repeat(40);
const svc = 'acme/web';
const window = `scope=service:${svc}&from=2026-03-01&to=2026-03-20`;
const HOUR = 3600;

beforeAll(async () => {
  s = await startTestServer({}, () => Date.parse('2026-03-20T00:00:00Z'));
  const pr = (number: number, mergedAt: string, firstCommitAt?: string) => ({
    number,
    mergedAt,
    ...(firstCommitAt ? { firstCommitAt } : {}),
    url: `https://git.example/acme/web/pull/${number}`,
  });
  const r = await post(`${s.url}/api/v1/events`, [
    // Pull request 7: three commits over two days, shipped by one deployment on the 5th.
    { type: 'change', service: svc, sha: sha('a'), committedAt: '2026-03-02T09:00:00Z', pullRequest: pr(7, '2026-03-04T12:00:00Z') },
    { type: 'change', service: svc, sha: sha('b'), committedAt: '2026-03-03T09:00:00Z', pullRequest: pr(7, '2026-03-04T12:00:00Z') },
    { type: 'change', service: svc, sha: sha('c'), committedAt: '2026-03-04T09:00:00Z', pullRequest: pr(7, '2026-03-04T12:00:00Z') },
    // Pull request 8: one squashed commit whose work began on the 1st (its source says so).
    {
      type: 'change',
      service: svc,
      sha: sha('d'),
      committedAt: '2026-03-09T10:00:00Z',
      pullRequest: pr(8, '2026-03-09T11:00:00Z', '2026-03-01T10:00:00Z'),
    },
    // A commit without a pull request.
    { type: 'change', service: svc, sha: sha('e'), committedAt: '2026-03-09T20:00:00Z' },
    {
      type: 'deployment',
      id: 'd1',
      service: svc,
      environment: 'production',
      status: 'success',
      sha: sha('c'),
      commits: [sha('a'), sha('b'), sha('c')],
      finishedAt: '2026-03-05T09:00:00Z',
      url: 'https://ci.example/d1',
    },
    {
      type: 'deployment',
      id: 'd2',
      service: svc,
      environment: 'production',
      status: 'success',
      sha: sha('e'),
      commits: [sha('d'), sha('e')],
      finishedAt: '2026-03-10T10:00:00Z',
    },
  ]);
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await s.stop();
});

describe('the changes list by pull request', () => {
  it('gives one item per pull request, slowest first, from its first commit to its deployment, with its commit count', async () => {
    const r = await get(`${s.url}/api/v1/changes?${window}&groupBy=pullRequest`);
    expect(r.status).toBe(200);
    expect(r.body.groupBy).toBe('pullRequest');
    expect(
      r.body.items.map(
        (i: {
          pullRequest: { number: number } | null;
          sha: string;
          commits: number;
          leadTime: number;
          committedAt: string;
          deployedAt: string;
          deploymentId: string;
        }) => [i.pullRequest?.number ?? i.sha[0], i.commits, i.leadTime / HOUR, i.committedAt, i.deployedAt, i.deploymentId],
      ),
    ).toEqual([
      [8, 1, 9 * 24, '2026-03-01T10:00:00.000Z', '2026-03-10T10:00:00.000Z', 'd2'],
      [7, 3, 3 * 24, '2026-03-02T09:00:00.000Z', '2026-03-05T09:00:00.000Z', 'd1'],
      ['e', 1, 14, '2026-03-09T20:00:00.000Z', '2026-03-10T10:00:00.000Z', 'd2'],
    ]);
    // Which time each starts from: pull request 8's first commit as its source gave it; 7's earliest commit and e's own commit time.
    expect(r.body.items.map((i: { leadTimeFrom: string }) => i.leadTimeFrom)).toEqual(['pullRequest', 'commit', 'commit']);
    // The pull request's links, and its latest commit's.
    expect(r.body.items[1]).toMatchObject({
      pullRequest: { number: 7, url: 'https://git.example/acme/web/pull/7' },
      sha: sha('c'),
      deploymentUrl: 'https://ci.example/d1',
    });
  });

  it('sorts and limits pull requests, not commits', async () => {
    const fastest = await get(`${s.url}/api/v1/changes?${window}&groupBy=pullRequest&sort=fastest&limit=2`);
    expect(fastest.body.items.map((i: { commits: number }) => i.commits)).toEqual([1, 3]);
    const oldest = await get(`${s.url}/api/v1/changes?${window}&groupBy=pullRequest&sort=oldest`);
    expect(oldest.body.items.map((i: { deploymentId: string }) => i.deploymentId)).toEqual(['d1', 'd2', 'd2']);
  });

  it('answers the same as CSV, with a commits column', async () => {
    const csv = await get(`${s.url}/api/v1/changes?${window}&groupBy=pullRequest&format=csv`);
    const rows = objects(parseCsv(csv.text));
    expect(rows.map((r) => [r['pullRequest.number'], r.commits, r.leadTime])).toEqual([
      ['8', '1', String(9 * 24 * HOUR)],
      ['7', '3', String(3 * 24 * HOUR)],
      ['', '1', String(14 * HOUR)],
    ]);
    expect(csv.text.split('\r\n')[0]).toBe(
      'service,sha,committedAt,leadTimeFrom,deployedAt,leadTime,url,deploymentId,deploymentUrl,pullRequest.number,pullRequest.url,stages.plan,stages.do,stages.check,stages.act,changeRequest,stages.approval,stages.release,stages.approvalReason,commits',
    );
  });

  it('leaves the answer without groupBy as it was: one item per commit, no commit count', async () => {
    const r = await get(`${s.url}/api/v1/changes?${window}`);
    expect(r.body.items).toHaveLength(5);
    expect(r.body).not.toHaveProperty('groupBy');
    expect(r.body.items[0]).not.toHaveProperty('commits');
    expect((await get(`${s.url}/api/v1/changes?${window}&groupBy=change`)).body).toEqual(r.body);
  });

  it('refuses any other grouping, naming the parameter and what it takes', async () => {
    const r = await get(`${s.url}/api/v1/changes?${window}&groupBy=team`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('groupBy: expected one of change, pullRequest.');
  });
});

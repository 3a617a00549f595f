/**
 * Planned loops and cadence loops on one line of time (DESIGN, "loop"): cadence loops clipped
 * around planned ones and keeping their ids, one wholly covered not listed, the previous loop of
 * either kind, history and retro links that survive planning, and retrospective plans marked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopItem, LoopResponse, LoopsResponse } from '../../common/api';
import { get, post, startTestServer } from '../helpers/server';
import { scenarioEvents } from '../helpers/scenario';

let s: Awaited<ReturnType<typeof startTestServer>>;
let clock = Date.parse('2026-04-01T00:00:00Z');

async function send(method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const loops = async (scope: string, from = '2026-02-23', to = '2026-04-06') =>
  (await get(`${s.url}/api/v1/loops?scope=${scope}&from=${from}&to=${to}`)).body as LoopsResponse;
const spans = (r: LoopsResponse) => r.items.map((l) => [l.id, l.from.slice(0, 10), l.to.slice(0, 10)]);
const plan = (scope: string, name: string, from: string, to: string, target = 1) =>
  send('POST', '/api/v1/loops', {
    scope,
    name,
    from,
    to,
    plan: { metric: 'leadTime', target, unit: 'days', hypothesis: 'smaller changes wait less' },
  });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deming-loops-timeline-'));
  const file = join(dir, 'deming.config.yaml');
  // Weekly loops from a Monday; three services so each test plans in a scope of its own.
  writeFileSync(
    file,
    'loops:\n  cadenceDays: 7\n  anchor: 2026-02-23\norganisation:\n  - id: d1\n    name: D1\n    teams:\n      - id: t1\n        name: T1\n        services: ["acme/*"]\n',
  );
  s = await startTestServer({ DEMING_CONFIG: file }, () => clock);
  await post(`${s.url}/api/v1/events`, scenarioEvents());
});
afterAll(async () => {
  await s.stop();
});

describe('planned and cadence loops together', () => {
  it('clips the cadence weeks a planned loop covers in part, keeps their ids, and leaves out one covered whole', async () => {
    const before = await loops('service:acme/app');
    expect(before.derived).toBe(true);
    // 4 to 18 March: ends the week of 2 March early, covers the week of 9 March, starts the week of 16 March late.
    expect((await plan('service:acme/app', 'Review within a day', '2026-03-04', '2026-03-18')).status).toBe(201);
    const after = await loops('service:acme/app');
    expect(after.derived).toBe(false);
    expect(spans(after)).toEqual([
      ['cadence:2026-02-23', '2026-02-23', '2026-03-02'],
      ['cadence:2026-03-02', '2026-03-02', '2026-03-04'],
      [expect.stringMatching(/^\d+$/), '2026-03-04', '2026-03-18'],
      ['cadence:2026-03-16', '2026-03-18', '2026-03-23'],
      ['cadence:2026-03-23', '2026-03-23', '2026-03-30'],
      ['cadence:2026-03-30', '2026-03-30', '2026-04-06'],
    ]);
    // Each loop's previous is the one of either kind that ends where it starts.
    expect(after.items.map((l) => l.check?.previousId)).toEqual([
      'cadence:2026-02-16',
      'cadence:2026-02-23',
      'cadence:2026-03-02',
      after.items[2].id,
      'cadence:2026-03-16',
      'cadence:2026-03-23',
    ]);
    // A clipped cadence loop is measured over what is left of it: equal to the metrics of those days.
    const m = await get(`${s.url}/api/v1/metrics?scope=service:acme/app&from=2026-03-02&to=2026-03-04`);
    expect(after.items[1].metrics.leadTime).toEqual(m.body.leadTime);
    expect(after.items[1].metrics.deploymentFrequency).toEqual(m.body.deploymentFrequency);
    // The history before the plan is as it was.
    expect(after.items[0]).toEqual(before.items[0]);
  });

  it('splits a cadence loop around a planned loop inside it: the later part is named by its own first day', async () => {
    expect((await plan('service:acme/api', 'Mid-week', '2026-03-11', '2026-03-13')).status).toBe(201);
    const r = await loops('service:acme/api', '2026-03-09', '2026-03-16');
    expect(spans(r)).toEqual([
      ['cadence:2026-03-09', '2026-03-09', '2026-03-11'],
      [expect.stringMatching(/^\d+$/), '2026-03-11', '2026-03-13'],
      ['cadence:2026-03-13', '2026-03-13', '2026-03-16'],
    ]);
    expect(r.items[2].check?.previousId).toBe(r.items[1].id);
  });

  it('keeps a retro link to a clipped cadence loop working wherever it lies, and answers 404 for one covered whole', async () => {
    const r = await get(`${s.url}/api/v1/loops/cadence:2026-03-16?scope=service:acme/app`);
    expect(r.status).toBe(200);
    const one = r.body as LoopResponse;
    expect([one.loop.id, one.loop.from, one.loop.to]).toEqual([
      'cadence:2026-03-16',
      '2026-03-18T00:00:00.000Z',
      '2026-03-23T00:00:00.000Z',
    ]);
    expect(one.previous?.name).toBe('Review within a day');
    expect(one.loop.check?.previousId).toBe(one.previous?.id);
    // The same loop as the list gives.
    const listed = (await loops('service:acme/app')).items.find((l) => l.id === 'cadence:2026-03-16');
    expect(one.loop).toEqual(listed);
    const gone = await get(`${s.url}/api/v1/loops/cadence:2026-03-09?scope=service:acme/app`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(/planned loop now covers all of its days/);
    // A planned loop of another scope is not found through this one.
    const planned = (await loops('service:acme/app')).items.find((l) => !l.derived)!;
    expect((await get(`${s.url}/api/v1/loops/${planned.id}?scope=service:acme/api`)).status).toBe(404);
    expect((await get(`${s.url}/api/v1/loops/${planned.id}?scope=service:acme/app`)).body.loop.name).toBe('Review within a day');
  });
});

describe('retrospective plans', () => {
  const loopOf = async (scope: string, id: string): Promise<LoopItem> =>
    ((await get(`${s.url}/api/v1/loops/${id}?scope=${scope}`)).body as LoopResponse).loop;

  it('marks a loop planned after it happened (2–29 November planned on 3 December), and not one planned on its first day', async () => {
    clock = Date.parse('2026-12-03T10:00:00Z');
    const late = await plan('team:t1', 'November', '2026-11-02', '2026-11-30');
    expect(late.status).toBe(201);
    expect((await loopOf('team:t1', late.body.id)).retrospective).toEqual({
      reason: 'planned-after-start',
      at: '2026-12-03T10:00:00.000Z',
      startedAt: '2026-11-02T00:00:00.000Z',
    });
    const onTime = await plan('team:t1', 'December', '2026-12-03', '2026-12-17');
    expect((await loopOf('team:t1', onTime.body.id)).retrospective).toBeNull();
    // The list marks it too.
    const listed = (await loops('team:t1', '2026-11-01', '2026-12-20')).items;
    expect(listed.find((l) => l.name === 'November')?.retrospective?.reason).toBe('planned-after-start');
    expect(listed.filter((l) => l.derived).every((l) => l.retrospective === null)).toBe(true);
  });

  it('marks a plan whose target or from is changed after it began; an act or a name changes nothing', async () => {
    clock = Date.parse('2026-12-01T09:00:00Z');
    const target = await plan('service:acme/old', 'Target moved', '2026-12-07', '2026-12-21', 2);
    const from = await plan('service:acme/old', 'Start moved', '2026-12-21', '2027-01-04');
    clock = Date.parse('2026-12-02T09:00:00Z');
    // Before it starts, a plan may change freely.
    expect(
      (await send('PATCH', `/api/v1/loops/${target.body.id}`, { plan: { metric: 'leadTime', target: 3, unit: 'days', hypothesis: 'x' } }))
        .status,
    ).toBe(200);
    expect((await loopOf('service:acme/old', target.body.id)).retrospective).toBeNull();
    clock = Date.parse('2026-12-10T09:00:00Z');
    expect((await send('PATCH', `/api/v1/loops/${target.body.id}`, { name: 'Target moved, renamed' })).status).toBe(200);
    expect((await send('PATCH', `/api/v1/loops/${target.body.id}`, { act: { decision: 'adapt', notes: '' } })).status).toBe(200);
    expect((await loopOf('service:acme/old', target.body.id)).retrospective).toBeNull();
    expect(
      (await send('PATCH', `/api/v1/loops/${target.body.id}`, { plan: { metric: 'leadTime', target: 9, unit: 'days', hypothesis: 'x' } }))
        .status,
    ).toBe(200);
    expect((await loopOf('service:acme/old', target.body.id)).retrospective).toMatchObject({
      reason: 'target-changed-after-start',
      at: '2026-12-10T09:00:00.000Z',
    });
    // Moving the start into the past is changing it after the (new) start.
    expect((await send('PATCH', `/api/v1/loops/${from.body.id}`, { from: '2026-12-22' })).status).toBe(200);
    expect((await loopOf('service:acme/old', from.body.id)).retrospective).toBeNull();
    clock = Date.parse('2026-12-23T09:00:00Z');
    expect((await send('PATCH', `/api/v1/loops/${from.body.id}`, { from: '2026-12-21' })).status).toBe(200);
    expect((await loopOf('service:acme/old', from.body.id)).retrospective).toMatchObject({
      reason: 'from-changed-after-start',
      startedAt: '2026-12-21T00:00:00.000Z',
    });
    clock = Date.parse('2026-04-01T00:00:00Z');
  });
});

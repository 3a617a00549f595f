import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../helpers/server';
import { scenarioEvents } from '../helpers/scenario';

let s: Awaited<ReturnType<typeof startTestServer>>;
const now = Date.parse('2026-04-01T00:00:00Z');

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const loopCount = () => s.count('loops');

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deming-loops-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(
    file,
    'loops:\n  cadenceDays: 7\n  anchor: 2026-02-23\norganisation:\n  - id: d1\n    name: D1\n    teams:\n      - id: t1\n        name: T1\n        services: ["acme/*"]\n',
  );
  s = await startTestServer({ DEMING_CONFIG: file }, () => now);
  await post(`${s.url}/api/v1/events`, scenarioEvents());
});
afterAll(async () => {
  await s.stop();
});

describe('cadence loops', () => {
  it('derives weekly loops from the anchor when a scope has none recorded, each with the metrics of its window', async () => {
    const r = await get(`${s.url}/api/v1/loops?scope=service:acme/app&from=2026-03-02&to=2026-03-16`);
    expect(r.status).toBe(200);
    expect(r.body.derived).toBe(true);
    expect(r.body.items.map((l: any) => [l.id, l.from, l.to, l.derived])).toEqual([
      ['cadence:2026-03-02', '2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', true],
      ['cadence:2026-03-09', '2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z', true],
    ]);
    for (const loop of r.body.items) {
      const m = await get(`${s.url}/api/v1/metrics?scope=service:acme/app&from=${loop.from}&to=${loop.to}`);
      for (const k of ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'timeToRestore', 'reworkRate'])
        expect(loop.metrics[k]).toEqual(m.body[k]);
      expect(loop.stages).toEqual(m.body.stages);
      expect(loop.speedup).toEqual(m.body.speedup);
    }
    expect(r.body.items[1].check).toMatchObject({
      previousId: 'cadence:2026-03-02',
      leadTime: { verdict: expect.stringMatching(/^too few changes to tell/) },
    });
  });
});

describe('planning, checking and acting on a loop', () => {
  let id: string;

  it('plans a loop with a target in the unit the team thinks in', async () => {
    const r = await send('POST', '/api/v1/loops', {
      scope: 'team:t1',
      name: 'Automate the regression suite',
      from: '2026-03-02',
      to: '2026-03-09',
      plan: {
        metric: 'leadTime',
        target: 36,
        unit: 'hours',
        hypothesis: 'automating the regression suite will cut check time from days to hours',
      },
    });
    expect(r.status).toBe(201);
    id = r.body.id;
    const loops = await get(`${s.url}/api/v1/loops?scope=team:t1&from=2026-02-01&to=2026-04-01`);
    expect(loops.body.derived).toBe(false);
    // The planned loop takes the place of the cadence week it covers; the other weeks stay.
    const planned = loops.body.items.filter((l: any) => !l.derived);
    expect(planned).toHaveLength(1);
    expect(loops.body.items.map((l: any) => l.id)).not.toContain('cadence:2026-03-02');
    expect(loops.body.items.map((l: any) => l.id)).toContain('cadence:2026-02-23');
    expect(planned[0]).toMatchObject({
      id,
      name: 'Automate the regression suite',
      derived: false,
      plan: { metric: 'leadTime', target: 36 * 3600, hypothesis: expect.stringContaining('regression') },
      act: null,
    });
    // Lead times of the week: 1h, 6h, 12h, 3d → p50 9h, under the 36h target.
    expect(planned[0].metrics.leadTime.p50).toBe(9 * 3600);
    expect(planned[0].targetMet).toBe(true);
    // Checked against the loop before it, the cadence week that ends where it starts.
    expect(planned[0].check).toMatchObject({
      previousId: 'cadence:2026-02-23',
      leadTime: { previousCount: 1, currentCount: 4, verdict: expect.stringMatching(/^too few changes/) },
    });
  });

  it('measures a loop that is still running up to now, and judges its target only when it ends', async () => {
    const r = await send('POST', '/api/v1/loops', {
      scope: 'service:acme/api',
      name: 'Running',
      from: '2026-03-30',
      to: '2026-04-13',
      plan: { metric: 'leadTime', target: 1, unit: 'days', hypothesis: 'smaller changes' },
    });
    expect(r.status).toBe(201);
    const loops = await get(`${s.url}/api/v1/loops?scope=service:acme/api&from=2026-03-01&to=2026-05-01`);
    expect(loops.body.items.find((l: any) => l.name === 'Running')).toMatchObject({
      to: '2026-04-13T00:00:00.000Z',
      measuredTo: new Date(now).toISOString(),
      targetMet: null,
    });
    const m = await get(`${s.url}/api/v1/metrics?scope=service:acme/api&from=2026-03-30&to=${new Date(now).toISOString()}`);
    expect(loops.body.items[0].metrics.deploymentFrequency).toEqual(m.body.deploymentFrequency);
  });

  it.each([
    ['an inverted range', { from: '2026-03-20', to: '2026-03-10' }, 400, /to: must be after from/],
    ['a loop of more than a year', { from: '2027-01-01', to: '2028-03-01' }, 400, /to: a loop lasts at most a year/],
    ['an overlapping range', { from: '2026-03-05', to: '2026-03-12' }, 409, /overlaps "Automate the regression suite"/],
    [
      'an unknown metric',
      { from: '2026-03-09', to: '2026-03-16', plan: { metric: 'happiness', target: 1, hypothesis: 'x' } },
      400,
      /plan.metric: expected one of leadTime/,
    ],
    [
      'a rate given as a percentage without saying so',
      { from: '2026-03-09', to: '2026-03-16', plan: { metric: 'changeFailureRate', target: 15, hypothesis: 'x' } },
      400,
      /plan.target: changeFailureRate is a fraction from 0 to 1/,
    ],
    [
      'a duration target in percent',
      { from: '2026-03-09', to: '2026-03-16', plan: { metric: 'leadTime', target: 5, unit: 'percent', hypothesis: 'x' } },
      400,
      /plan.unit: leadTime takes seconds, minutes, hours, days/,
    ],
    ['a missing name', { name: '', from: '2026-03-09', to: '2026-03-16' }, 400, /name: must not be empty/],
  ])('refuses %s and changes nothing', async (_what, override, status, message) => {
    const before = await loopCount();
    const r = await send('POST', '/api/v1/loops', { scope: 'team:t1', name: 'Next', ...override });
    expect(r.status).toBe(status);
    expect(r.body.error.message).toMatch(message);
    expect(await loopCount()).toBe(before);
  });

  it('refuses an unknown scope with 404', async () => {
    const r = await send('POST', '/api/v1/loops', { scope: 'team:ghosts', name: 'x', from: '2026-03-09', to: '2026-03-16' });
    expect(r.status).toBe(404);
  });

  it('records the act, and the next loop shows the decision it starts from', async () => {
    const act = await send('PATCH', `/api/v1/loops/${id}`, {
      act: { decision: 'adopt', notes: 'Keep the automated suite; retire the manual sign-off.' },
    });
    expect(act.status).toBe(200);
    const next = await send('POST', '/api/v1/loops', {
      scope: 'team:t1',
      name: 'Smaller pull requests',
      from: '2026-03-09',
      to: '2026-03-16',
      plan: { metric: 'deploymentFrequency', target: 3, unit: 'perWeek', hypothesis: 'smaller pull requests ship more often' },
    });
    expect(next.status).toBe(201);
    const loops = await get(`${s.url}/api/v1/loops?scope=team:t1&from=2026-02-01&to=2026-04-01`);
    const [first, second] = loops.body.items.filter((l: any) => !l.derived);
    expect(first.act).toMatchObject({
      decision: 'adopt',
      notes: expect.stringContaining('manual sign-off'),
      decidedAt: new Date(now).toISOString(),
    });
    expect(second.previousAct).toEqual(first.act);
    expect(second.check.previousId).toBe(id);
    expect(second.targetMet).toBe(false); // 2 deployments that week, target 3
  });

  it('soft-deletes a loop and keeps who did what in the audit trail', async () => {
    const loops = await get(`${s.url}/api/v1/loops?scope=team:t1&from=2026-02-01&to=2026-04-01`);
    const second = loops.body.items.filter((l: any) => !l.derived)[1].id;
    expect((await send('DELETE', `/api/v1/loops/${second}`)).status).toBe(204);
    const after = await get(`${s.url}/api/v1/loops?scope=team:t1&from=2026-02-01&to=2026-04-01`);
    expect(after.body.items.filter((l: any) => !l.derived).map((l: any) => l.id)).toEqual([id]);
    // Its week is a cadence loop again.
    expect(after.body.items.map((l: any) => l.id)).toContain('cadence:2026-03-09');
    const audit = await get(`${s.url}/api/v1/loops/audit?scope=team:t1`);
    expect(audit.body.items.map((a: any) => [a.loopId, a.action, a.actor])).toEqual([
      [second, 'delete', 'loopback'],
      [second, 'plan', 'loopback'],
      [id, 'act', 'loopback'],
      [id, 'plan', 'loopback'],
    ]);
    expect((await send('PATCH', `/api/v1/loops/${second}`, { name: 'zombie' })).status).toBe(404);
    expect((await send('PATCH', '/api/v1/loops/cadence:2026-03-02', { name: 'x' })).status).toBe(404);
  });
});

describe('loop editing needs the editor role', () => {
  it('answers 401 without a token and 403 with a viewer token, changing nothing', async () => {
    const g = await startTestServer({ DEMING_EDITOR_TOKEN: 'editor-token-0123456789', DEMING_VIEWER_TOKEN: 'viewer-token-0123456789' });
    try {
      await post(`${g.url}/api/v1/events`, scenarioEvents());
      const body = JSON.stringify({ scope: 'org', name: 'x', from: '2026-03-02', to: '2026-03-09' });
      const call = (auth?: string) =>
        fetch(`${g.url}/api/v1/loops`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
          body,
        });
      expect((await call()).status).toBe(401);
      expect((await call('viewer-token-0123456789')).status).toBe(403);
      expect(await g.count('loops')).toBe(0);
      expect((await call('editor-token-0123456789')).status).toBe(201);
      const audit = await (
        await fetch(`${g.url}/api/v1/loops/audit?scope=org`, { headers: { authorization: 'Bearer viewer-token-0123456789' } })
      ).json();
      expect(audit.items[0].actor).toBe('env:editor');
    } finally {
      await g.stop();
    }
  });
});

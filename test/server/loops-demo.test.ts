/**
 * The demo on first start: planned loops with targets, each kind of Act, an audit trail, a
 * retrospective plan, a running loop and one Check that finds a real change; and the API
 * refusing events into the demo data it loaded on its own, as the command line does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopItem, LoopsResponse } from '../../common/api';
import { get, post, startTestServer } from '../helpers/server';

let s: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  s = await startTestServer({ DEMING_DEMO: 'auto' });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
/** The loops a newcomer sees: the default range of 90 days, a quarter ahead. */
const loops = async (scope: string) =>
  (await get(`${s.url}/api/v1/loops?scope=${scope}&from=${day(-90)}&to=${day(92)}`)).body as LoopsResponse;

describe('the demo on first start', () => {
  it('has planned loops with targets and every kind of Act where a newcomer looks first', async () => {
    const planned: LoopItem[] = [];
    for (const scope of ['org', 'department:health', 'team:appointments']) {
      const r = await loops(scope);
      expect(r.derived, scope).toBe(false);
      // The cadence loops go on around them.
      expect(
        r.items.some((l) => l.derived),
        scope,
      ).toBe(true);
      planned.push(...r.items.filter((l) => !l.derived));
    }
    expect(planned.every((l) => l.plan !== null && l.plan.target > 0 && l.plan.hypothesis.length > 20)).toBe(true);
    expect(new Set(planned.flatMap((l) => (l.act ? [l.act.decision] : [])))).toEqual(new Set(['adopt', 'adapt', 'abandon']));
    // One is planned after it began, and is marked so; one is running.
    expect(planned.filter((l) => l.retrospective !== null).map((l) => l.name)).toEqual(['Weekly change advisory board']);
    expect(planned.filter((l) => Date.parse(l.from) <= Date.now() && Date.parse(l.to) > Date.now()).map((l) => l.name)).toEqual([
      'Review within the hour',
    ]);
    const audit = (await get(`${s.url}/api/v1/loops/audit?scope=team:appointments`)).body;
    expect(audit.items.map((a: { action: string }) => a.action).sort()).toEqual(['act', 'act', 'plan', 'plan', 'plan']);
    expect(audit.items[0].actor).toMatch(/^demo:/);
  });

  it('has a loop whose Check finds a real change: deploy-on-merge against the daily release train before it', async () => {
    const items = (await loops('team:appointments')).items;
    const loop = items.find((l) => l.name === 'Deploy on every merge again')!;
    const previous = items.find((l) => l.id === loop.check?.previousId)!;
    expect(previous.name).toBe('Move to the new pipeline');
    expect(loop.check!.leadTime).toMatchObject({ direction: 'faster', verdict: expect.stringMatching(/^faster, unlikely to be noise/) });
    expect(loop.check!.leadTime.pValue!).toBeLessThan(0.001);
    expect(loop.metrics.leadTime.p50!).toBeLessThan(previous.metrics.leadTime.p50! / 2);
    expect(loop.act?.decision).toBe('adopt');
  });
});

describe('writes into the demo data', () => {
  it('refuses events with 409 and says to start with DEMING_DEMO=off, storing nothing', async () => {
    const before = (await get(`${s.url}/api/v1/health`)).body;
    const event = {
      type: 'deployment',
      id: 'mine-1',
      service: 'acme/web',
      environment: 'production',
      status: 'success',
      finishedAt: new Date().toISOString(),
    };
    const r = await post(`${s.url}/api/v1/events`, [event]);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'demo_data', message: expect.stringContaining('DEMING_DEMO=off') });
    const cd = await post(`${s.url}/api/v1/cdevents`, { context: { id: 'x' } });
    expect(cd.status).toBe(409);
    expect((await get(`${s.url}/api/v1/deployments?scope=service:acme/web`)).status).toBe(404);
    expect((await get(`${s.url}/api/v1/health`)).body.demo).toEqual(before.demo);
  });

  it('takes events into the demo when it was asked for with DEMING_DEMO=on, to try the live updates', async () => {
    const on = await startTestServer({ DEMING_DEMO: 'on' });
    try {
      const r = await post(`${on.url}/api/v1/events`, [
        {
          type: 'deployment',
          id: 'try-1',
          service: 'gov-health/appointments-api',
          environment: 'production',
          status: 'success',
          finishedAt: new Date().toISOString(),
        },
      ]);
      expect(r.status).toBe(200);
    } finally {
      await on.stop();
    }
  }, 60_000);
});

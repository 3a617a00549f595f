/**
 * The PagerDuty REST API v2 client and the adapter, against the fake PagerDuty on loopback: pages
 * with `more`, the headers PagerDuty asks for, 429 waited out, 5xx and resets retried, a refused
 * key named, and an incident read without the people in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPagerdutyClient } from '../../../collectors/pagerduty/client';
import { fromPagerduty } from '../../../collectors/pagerduty/adapt';
import { startFakePagerduty, type FakePagerduty } from '../../fakes/pagerduty/server';
import { restIncident, webhookEvents, type Story } from '../../fakes/pagerduty/fixtures';

const TOKEN = 'client-readonly-key-0123456789';
const svc = { id: 'PBOOK', summary: 'Booking' };
const stories: Story[] = Array.from({ length: 5 }, (_, i) => ({
  id: `QP${i}`,
  number: i,
  service: svc,
  title: `Paged Dr Jane Smith #${i}`,
  urgency: 'high',
  priority: i === 4 ? null : `P${i + 1}`,
  createdAt: `2026-03-0${i + 1}T10:00:00Z`,
  ...(i % 2 === 0 ? { resolvedAt: `2026-03-0${i + 1}T11:00:00Z` } : {}),
}));

let fake: FakePagerduty;
beforeAll(async () => {
  fake = await startFakePagerduty({ token: TOKEN, incidents: stories.map(restIncident) });
});
afterAll(async () => {
  await fake.close();
});
const client = (token = TOKEN) => createPagerdutyClient({ baseUrl: fake.url, token }, { timing: { retryBaseMs: 1, retries: 3 } });
const window = { since: Date.parse('2026-03-01T00:00:00Z'), until: Date.parse('2026-04-01T00:00:00Z'), serviceIds: [] };

describe('the PagerDuty client', () => {
  it('reads every page until more is false, asking for every status in UTC', async () => {
    const pd = client();
    const first = await pd.listIncidents({ ...window, offset: 0, limit: 2 });
    expect(first).toMatchObject({ more: true });
    const last = await pd.listIncidents({ ...window, offset: 4, limit: 2 });
    expect(last.more).toBe(false);
    expect(last.incidents).toHaveLength(1);
    const q = fake.requests.at(-1)!.query;
    expect(q.getAll('statuses[]')).toEqual(['triggered', 'acknowledged', 'resolved']);
    expect(q.get('time_zone')).toBe('UTC');
  });

  it('waits out a 429 and retries 5xx and resets, then answers', async () => {
    fake.queueFaults('429', '500', 'reset', '502');
    const pd = createPagerdutyClient({ baseUrl: fake.url, token: TOKEN }, { timing: { retryBaseMs: 1, retries: 4 } });
    const page = await pd.listIncidents({ ...window, offset: 0, limit: 100 });
    expect(page.incidents).toHaveLength(5);
    expect(pd.requests).toBe(5);
  });

  it('names a refused key and what to do, without retrying it', async () => {
    const pd = client('expired-key-000000000000');
    await expect(pd.listIncidents({ ...window, offset: 0, limit: 10 })).rejects.toThrow(
      /refused the API key \(401\): it may have expired or been revoked; create a read-only REST API key/,
    );
    expect(pd.requests).toBe(1);
  });

  it('gives up on a 429 asking for longer than it may wait, saying the next run goes on', async () => {
    fake.retryAfter = 3600;
    fake.queueFaults('429');
    const pd = createPagerdutyClient({ baseUrl: fake.url, token: TOKEN }, { timing: { retryBaseMs: 1, maxWaitSeconds: 60 } });
    await expect(pd.getIncident('QP0')).rejects.toThrow(/rate limit is spent \(it asks to wait 3600 s\); the next run goes on/);
    fake.retryAfter = 1;
    expect(await pd.getIncident('NOPE')).toBeNull();
  });
});

describe('the PagerDuty adapter', () => {
  it('reads a REST incident and its webhook state alike, priority before urgency, without the people', () => {
    const rest = fromPagerduty(restIncident(stories[0]));
    const hook = webhookEvents(stories[0]).at(-1)!.event;
    const fromHook = fromPagerduty(hook.data, Date.parse(hook.occurred_at));
    expect(rest).toMatchObject({
      id: 'QP0',
      fields: { 'service.id': 'PBOOK', 'service.name': 'Booking' },
      severityValue: 'P1',
      resolvedAt: Date.parse('2026-03-01T11:00:00Z'),
      outcome: null,
    });
    expect(fromHook).toMatchObject({
      id: 'QP0',
      fields: (rest as { fields: unknown }).fields,
      severityValue: 'P1',
      openedAt: (rest as { openedAt: number }).openedAt,
      resolvedAt: (rest as { resolvedAt: number }).resolvedAt,
    });
    expect(JSON.stringify({ ...rest, title: null, linkFields: null })).not.toContain('Jane');
    expect(fromPagerduty(restIncident(stories[4]))).toMatchObject({ severityValue: 'high' });
    expect(fromPagerduty({ ...restIncident(stories[0]), status: 'closed' })).toEqual({
      error: expect.stringContaining('status: expected triggered, acknowledged or resolved'),
    });
  });
});

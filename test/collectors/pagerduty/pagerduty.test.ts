/**
 * PagerDuty end to end: the collector against a fake PagerDuty API on loopback (a real HTTP
 * server) and Webhooks v3 deliveries to a real server, each into a real SQLite file; the two
 * give the same incidents. Faults (429 with Retry-After, 5xx, resets, an expired key) converge to
 * the identical database; redeliveries store once; bad signatures store nothing; an unmapped
 * incident is listed and moves to its service when a mapping is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../server/config';
import { openStore } from '../../../db/store';
import { openDatabase } from '../../../db/connection';
import { collectorContext } from '../../../server/collectors/context';
import { createPagerdutyCollector } from '../../../collectors/pagerduty/collector';
import { startFakePagerduty, type FakePagerduty } from '../../fakes/pagerduty/server';
import { annotatedEvent, restIncident, signature, webhookEvents, type Story } from '../../fakes/pagerduty/fixtures';
import { get } from '../../helpers/server';
import { incidentHarness } from '../incidents/harness';

const TOKEN = 'u+readonly-key-0123456789';
const SECRET = 'whsec-current-0123456789';
const OLD_SECRET = 'whsec-previous-0123456789';
const NOW = Date.parse('2026-03-25T00:00:00Z');
const booking = { id: 'PBOOK', summary: 'Booking API' };
const payments = { id: 'PPAY', summary: 'Payments' };

const stories: Story[] = [
  {
    id: 'QA1',
    number: 1,
    service: booking,
    title: 'Booking down: paged Dr Jane Smith',
    urgency: 'high',
    priority: 'P2',
    createdAt: '2026-03-02T10:00:00Z',
    acknowledgedAt: '2026-03-02T10:05:00Z',
    resolvedAt: '2026-03-02T11:30:00Z',
  },
  {
    id: 'QB2',
    number: 2,
    service: booking,
    title: 'Slow searches',
    urgency: 'high',
    priority: 'P1',
    createdAt: '2026-03-10T08:00:00Z',
    resolvedAt: '2026-03-10T08:20:00Z',
  },
  {
    id: 'QC3',
    number: 3,
    service: payments,
    title: 'Card payments failing',
    urgency: 'high',
    priority: 'P1',
    createdAt: '2026-03-12T09:00:00Z',
    resolvedAt: '2026-03-12T10:00:00Z',
  },
  {
    id: 'QD4',
    number: 4,
    service: booking,
    title: 'A typo on a page',
    urgency: 'low',
    priority: 'P4',
    createdAt: '2026-03-13T09:00:00Z',
    resolvedAt: '2026-03-13T12:00:00Z',
  },
  {
    id: 'QE5',
    number: 5,
    service: booking,
    title: 'Booking down again (same as QA1)',
    urgency: 'high',
    priority: 'P2',
    createdAt: '2026-03-14T09:00:00Z',
    resolvedAt: '2026-03-14T09:10:00Z',
    merged: true,
  },
  {
    id: 'QF6',
    number: 6,
    service: booking,
    title: 'Disk filling',
    urgency: 'high',
    priority: 'P3',
    createdAt: '2026-03-15T09:00:00Z',
    reprioritised: { at: '2026-03-15T12:00:00Z', priority: 'P5' },
  },
  {
    id: 'QG7',
    number: 7,
    service: booking,
    title: 'Login loops',
    urgency: 'high',
    priority: null,
    createdAt: '2026-03-20T09:00:00Z',
    acknowledgedAt: '2026-03-20T09:03:00Z',
  },
];

let fake: FakePagerduty;
beforeAll(async () => {
  fake = await startFakePagerduty({ token: TOKEN, incidents: stories.map(restIncident) });
});
afterAll(async () => {
  await fake.close();
});

const h = incidentHarness('deming-pagerduty-', NOW);
const serve = h.serve;
/** A configuration file and a database of its own; `extra` adds service rules. */
const config = (extra = ''): Config =>
  h.config(`incidents:
  pagerduty:
    baseUrl: ${fake.url}
    token: ${TOKEN}
    webhookSecrets: [${SECRET}, ${OLD_SECRET}]
    since: 2026-03-01
    interval: "off"
    services:
      - when: {service.id: PBOOK}
        service: health/booking
${extra}`);

/** What Deming holds of the incidents: the counted ones and every record with its decision. */
function snapshot(file: string) {
  const db = openDatabase(file, { check: 'off' });
  try {
    return {
      incidents: db
        .prepare(
          `SELECT i.source, i.ext_id AS id, s.name AS service, i.opened_at AS openedAt, i.resolved_at AS resolvedAt, i.severity, i.title, i.url
        FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY i.ext_id`,
        )
        .all(),
      records: db
        .prepare(
          'SELECT ext_id AS id, status, service, severity, reason, opened_at AS openedAt, resolved_at AS resolvedAt FROM source_incidents ORDER BY ext_id',
        )
        .all(),
    };
  } finally {
    db.close();
  }
}

async function pull(c: Config, opts: { pageSize?: number } = {}) {
  const store = openStore(c.dbFile);
  try {
    const ctx = collectorContext({ store, config: c, now: () => NOW, log: () => {} });
    return await createPagerdutyCollector({
      settings: c.incidents.pagerduty!,
      timing: { retryBaseMs: 1, retries: 4 },
      pageSize: opts.pageSize,
    }).run(ctx);
  } finally {
    await store.close();
  }
}

async function deliver(url: string, body: unknown, sig?: string) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}/webhooks/pagerduty`, {
    method: 'POST',
    body: text,
    headers: {
      'content-type': 'application/json',
      ...(sig === undefined ? { 'x-pagerduty-signature': signature(text, SECRET) } : sig ? { 'x-pagerduty-signature': sig } : {}),
    },
  });
  return { status: res.status, body: (await res.json()) as any };
}
const allEvents = () => stories.flatMap(webhookEvents).sort((a, b) => Date.parse(a.event.occurred_at) - Date.parse(b.event.occurred_at));

describe('PagerDuty', () => {
  it('pulls incidents page by page and webhooks give the same incidents: mapped counted, unmapped kept, below the threshold and duplicates skipped, no person stored', async () => {
    const pulled = config();
    const r = await pull(pulled, { pageSize: 2 });
    expect(r.errors).toEqual([]);
    expect(fake.requests.some((q) => q.query.get('offset') === '6')).toBe(true);
    const viaPull = snapshot(pulled.dbFile);

    const hooked = config();
    const s = await serve(hooked);
    for (const e of allEvents()) expect((await deliver(s.url, e)).status).toBe(200);
    await h.stop(s);
    expect(snapshot(hooked.dbFile)).toEqual(viaPull);

    expect(viaPull.incidents.map((i: any) => [i.id, i.service, i.severity, i.resolvedAt && new Date(i.resolvedAt).toISOString()])).toEqual([
      ['QA1', 'health/booking', 'sev2', '2026-03-02T11:30:00.000Z'],
      ['QB2', 'health/booking', 'sev1', '2026-03-10T08:20:00.000Z'],
      ['QG7', 'health/booking', 'sev2', null],
    ]);
    expect(viaPull.records.map((x: any) => [x.id, x.status])).toEqual([
      ['QA1', 'counted'],
      ['QB2', 'counted'],
      ['QC3', 'unmapped'],
      ['QD4', 'skipped'],
      ['QE5', 'skipped'],
      ['QF6', 'skipped'],
      ['QG7', 'counted'],
    ]);
    const text = JSON.stringify(viaPull);
    expect(text).not.toContain('Jane');
    expect(text).not.toContain('Booking down');
  });

  it('converges to the identical database through 429s, 5xx, resets and an expired key', async () => {
    const clean = config();
    await pull(clean, { pageSize: 3 });
    const faulty = config();
    fake.retryAfter = 1;
    fake.queueFaults('429', 'reset', '502', '500');
    const first = await pull(faulty, { pageSize: 3 });
    expect(first.errors).toEqual([]);
    fake.queueFaults('expire-key');
    const refused = await pull(faulty, { pageSize: 3 });
    expect(refused.errors[0].message).toMatch(/PagerDuty refused the API key \(401\): it may have expired or been revoked/);
    fake.expired = false;
    expect((await pull(faulty, { pageSize: 3 })).errors).toEqual([]);
    expect(snapshot(faulty.dbFile)).toEqual(snapshot(clean.dbFile));
  });

  it('stores a redelivered event once, never lets an older state overwrite a newer one, and acknowledges events it does not read', async () => {
    const c = config();
    const s = await serve(c);
    const [triggered, , resolved] = webhookEvents(stories[0]);
    expect((await deliver(s.url, triggered)).body).toMatchObject({ accepted: 1 });
    expect((await deliver(s.url, resolved)).body).toMatchObject({ updated: 1 });
    const again = await deliver(s.url, resolved);
    expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
    // The triggered state sent late under a new event id: older than the resolution, so nothing changes.
    const late = { event: { ...triggered.event, id: 'late-copy-of-triggered' } };
    expect((await deliver(s.url, late)).body).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect((await deliver(s.url, annotatedEvent(stories[0], '2026-03-02T12:00:00Z'))).status).toBe(202);
    const list = await get(`${s.url}/api/v1/incidents?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: 'QA1', resolvedAt: '2026-03-02T11:30:00.000Z', severity: 'sev2', title: null }),
    ]);
  });

  it('refuses a missing, wrong or stale signature with 401 and stores nothing; a rotated secret still signs', async () => {
    const c = config();
    const s = await serve(c);
    const [triggered] = webhookEvents(stories[1]);
    const text = JSON.stringify(triggered);
    expect((await deliver(s.url, text, '')).status).toBe(401);
    expect((await deliver(s.url, text, signature(text, 'not-the-secret-at-all'))).status).toBe(401);
    expect((await deliver(s.url, text.replace('P1', 'P5'), signature(text, SECRET))).status).toBe(401);
    expect((await deliver(s.url, text, 'v1=zz')).body.error.code).toBe('bad_signature');
    // Signed but absurd: over the 1 MB limit is a 413, nested past limits.jsonDepth a 400.
    const huge = JSON.stringify({ event: { ...triggered.event, padding: 'x'.repeat(1_100_000) } });
    expect(await deliver(s.url, huge)).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(await deliver(s.url, '['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({
      status: 400,
      body: { error: { code: 'too_deep' } },
    });
    expect(snapshot(c.dbFile)).toEqual({ incidents: [], records: [] });
    // PagerDuty signs with both secrets during a rotation; either one configured is enough.
    expect((await deliver(s.url, text, `${signature(text, 'retired-secret-000000')},${signature(text, OLD_SECRET)}`)).status).toBe(200);
  });

  it('lists an unmapped incident with the field that would map it, and moves it to its service once a mapping names it', async () => {
    const c = config();
    await pull(c);
    let s = await serve(c);
    const unmapped = await get(`${s.url}/api/v1/incidents/unmapped`);
    expect(unmapped.body.items).toEqual([
      expect.objectContaining({
        source: 'pagerduty',
        id: 'QC3',
        mapBy: { field: 'service.id', value: 'PPAY' },
        fields: { 'service.id': 'PPAY', 'service.name': 'Payments' },
      }),
    ]);
    const skipped = await get(`${s.url}/api/v1/incidents/skipped?source=pagerduty`);
    expect(skipped.body.items.map((i: any) => [i.id, i.reason])).toEqual([
      ['QF6', expect.stringContaining('below the threshold: sev5 (P5)')],
      ['QE5', expect.stringContaining('duplicate')],
      ['QD4', expect.stringContaining('below the threshold: sev4 (P4)')],
    ]);
    await h.stop(s);

    // The same database, the configuration now mapping PPAY: the start decides again.
    const mapped = { ...config('      - when: {service.name: "Pay*"}\n        service: health/payments\n'), dbFile: c.dbFile };
    s = await serve(mapped);
    expect((await get(`${s.url}/api/v1/incidents/unmapped`)).body.items).toEqual([]);
    const list = await get(`${s.url}/api/v1/incidents?scope=service:health/payments&from=2026-03-01&to=2026-03-25`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: 'QC3', source: 'pagerduty', severity: 'sev1' })]);
  });

  it('skips an incident resolved before it opened, listing the reason, without failing the delivery or stalling the cursor', async () => {
    const backwards: Story = {
      id: 'QZ9',
      number: 9,
      service: booking,
      title: 'Clock skew',
      urgency: 'high',
      priority: 'P1',
      createdAt: '2026-03-22T10:00:00Z',
      resolvedAt: '2026-03-22T09:00:00Z',
    };
    fake.incidents.push(restIncident(backwards));
    try {
      const c = config();
      expect((await pull(c)).errors).toEqual([]);
      const db = openDatabase(c.dbFile, { check: 'off' });
      try {
        expect(db.prepare("SELECT cursor FROM collector_cursors WHERE collector = 'pagerduty'").pluck().get()).toBe(
          new Date(NOW).toISOString(),
        );
      } finally {
        db.close();
      }
      expect(snapshot(c.dbFile).records.find((r: any) => r.id === 'QZ9')).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining('before it opened'),
      });

      const hooked = config();
      const s = await serve(hooked);
      const resolved = webhookEvents(backwards).at(-1)!;
      expect((await deliver(s.url, resolved)).body).toMatchObject({
        incident: {
          status: 'skipped',
          reason: expect.stringContaining('resolved (2026-03-22T09:00:00.000Z) before it opened (2026-03-22T10:00:00.000Z)'),
        },
      });
      expect((await get(`${s.url}/api/v1/incidents/skipped`)).body.items.map((i: any) => i.id)).toEqual(['QZ9']);
    } finally {
      fake.incidents.pop();
    }
  });
});

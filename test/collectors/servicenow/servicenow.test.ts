/**
 * ServiceNow end to end: the collector against a fake ServiceNow instance on loopback (a real
 * HTTP server with the Table API's encoded queries, pages, Link headers, its date format and
 * OAuth), into a real SQLite file, and then a real server's figures. A hand-worked month gives the
 * change failure rate, rework rate and both recovery times worked out below, an incident linked to
 * its deployment by its change request (caused_by); a cancelled incident counts for nothing; the
 * resolution time is resolved_at, not closed_at. Faults (429 with Retry-After, 5xx, resets, an
 * expired OAuth token, expired credentials) converge to the identical database; rows changed
 * while the collector pages are neither skipped nor lost; no caller, assignee or description is
 * stored, nor the short description unless `titles` is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../server/config';
import { loadConfig } from '../../../server/config';
import { openStore } from '../../../db/store';
import { openDatabase } from '../../../db/connection';
import { collectorContext } from '../../../server/collectors/context';
import { createServicenowCollector, keysetQuery } from '../../../collectors/servicenow/collector';
import { CHANGE_FIELDS } from '../../../collectors/servicenow/adapt';
import { startFakeServicenow, type FakeServicenow } from '../../fakes/servicenow/server';
import {
  businessService,
  changeRow,
  ci,
  incidentRows,
  pushBody,
  referenceRows,
  snTime,
  sysId,
  versions,
  type Story,
} from '../../fakes/servicenow/fixtures';
import { get, post } from '../../helpers/server';
import { incidentHarness } from '../incidents/harness';

const NOW = Date.parse('2026-03-25T00:00:00Z');
const USER = 'deming.reader';
const PASSWORD = 'correct horse battery staple';
const CLIENT = 'deming-client-id';
const CLIENT_SECRET = 'client-secret-0123456789';
const booking = businessService('Booking');
const paymentsDb = ci('payments-db');

/**
 * The hand-worked month (the deployments are posted to the server: D3 carried CHG0042):
 *   D1 03-02 09:00, D2 03-05 09:00, D3 03-10 07:00 (CHG0042), D4 03-10 08:10, D5 03-13 10:00, D6 03-21 09:00
 *   INC0001 03-02 10:00, resolved 11:30, closed 03-05 (priority 2: sev2)
 *   INC0002 03-10 08:00–08:20 (priority 1: sev1), caused_by CHG0042
 *   INC0003 03-13 09:00–12:00 (priority 4: sev4, below the threshold sev3)
 *   INC0004 03-20 09:00, open (priority 2)
 *   INC0005 03-06 09:00 (priority 1), cancelled at 10:00: no incident
 *   INC0006 payments-db, no business service: mapped by no rule (kept, unmapped)
 */
const stories: Story[] = [
  {
    number: 'INC0001',
    service: booking,
    priority: '2',
    impact: '2',
    shortDescription: 'Booking down, Dr Jane Smith called',
    openedAt: '2026-03-02T10:00:00Z',
    resolvedAt: '2026-03-02T11:30:00Z',
    closedAt: '2026-03-05T11:30:00Z',
  },
  {
    number: 'INC0002',
    service: booking,
    priority: '1',
    impact: '1',
    shortDescription: 'Slow searches',
    openedAt: '2026-03-10T08:00:00Z',
    resolvedAt: '2026-03-10T08:20:00Z',
    causedBy: 'CHG0042',
  },
  {
    number: 'INC0003',
    service: booking,
    priority: '4',
    impact: '3',
    shortDescription: 'A typo',
    openedAt: '2026-03-13T09:00:00Z',
    resolvedAt: '2026-03-13T12:00:00Z',
  },
  { number: 'INC0004', service: booking, priority: '2', impact: '2', shortDescription: 'Login loops', openedAt: '2026-03-20T09:00:00Z' },
  {
    number: 'INC0005',
    service: booking,
    priority: '1',
    impact: '1',
    shortDescription: 'Raised by mistake',
    openedAt: '2026-03-06T09:00:00Z',
    cancelledAt: '2026-03-06T10:00:00Z',
  },
  {
    number: 'INC0006',
    ci: paymentsDb,
    priority: '1',
    impact: '1',
    shortDescription: 'Card payments failing',
    openedAt: '2026-03-12T09:00:00Z',
    resolvedAt: '2026-03-12T10:00:00Z',
  },
];

const deployments = [
  ['D1', '2026-03-02T09:00:00Z'],
  ['D2', '2026-03-05T09:00:00Z'],
  ['D3', '2026-03-10T07:00:00Z', 'CHG0042'],
  ['D4', '2026-03-10T08:10:00Z'],
  ['D5', '2026-03-13T10:00:00Z'],
  ['D6', '2026-03-21T09:00:00Z'],
].map(([id, finishedAt, changeRequest]) => ({
  type: 'deployment',
  id,
  service: 'health/booking',
  environment: 'production',
  status: 'success',
  finishedAt,
  ...(changeRequest ? { changeRequest } : {}),
}));

const tables = () => ({
  incident: incidentRows(stories),
  change_request: [changeRow('CHG0042')],
  cmdb_ci: referenceRows(stories),
});

let fake: FakeServicenow;
beforeAll(async () => {
  fake = await startFakeServicenow({ users: { [USER]: PASSWORD }, clients: { [CLIENT]: CLIENT_SECRET }, tables: tables() });
});
afterAll(async () => {
  await fake.close();
});

const h = incidentHarness('deming-servicenow-', NOW);
const auth = (kind: 'basic' | 'oauth') =>
  kind === 'basic' ? `username: ${USER}\n    password: ${PASSWORD}` : `clientId: ${CLIENT}\n    clientSecret: ${CLIENT_SECRET}`;
const SECRET = 'sn-push-secret-0123456789abcdef';
const OLD_SECRET = 'sn-push-secret-previous-0123456789';
const config = (o: { auth?: 'basic' | 'oauth'; extra?: string } = {}): Config =>
  h.config(`incidents:
  servicenow:
    instanceUrl: ${fake.url}
    webhookSecrets: [${SECRET}, ${OLD_SECRET}]
    ${auth(o.auth ?? 'basic')}
    since: 2026-03-01
    interval: "off"
    query: active=true^ORactive=false
    services:
      - when: {business_service.name: Booking}
        service: health/booking
${o.extra ?? ''}`);

function snapshot(file: string) {
  const db = openDatabase(file, { check: 'off' });
  try {
    return {
      incidents: db
        .prepare(
          `SELECT i.source, i.ext_id AS id, s.name AS service, i.opened_at AS openedAt, i.resolved_at AS resolvedAt, i.severity, i.title, i.url, i.change_request AS changeRequest
        FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY i.ext_id`,
        )
        .all(),
      records: db
        .prepare(
          'SELECT ext_id AS id, status, service, severity, reason, opened_at AS openedAt, resolved_at AS resolvedAt, title, links, fields, updated_at AS updatedAt FROM source_incidents ORDER BY ext_id',
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
    return await createServicenowCollector({
      settings: c.incidents.servicenow!,
      timing: { retryBaseMs: 1, retries: 4 },
      pageSize: opts.pageSize,
    }).run(ctx);
  } finally {
    await store.close();
  }
}

/** Every state of every story, as the business rule pushes them, in the order they happened. */
const refs = [...referenceRows(stories), changeRow('CHG0042')];
const pushes = () =>
  stories
    .flatMap((st) => versions(st))
    .sort((a, b) => (a.sys_updated_on < b.sys_updated_on ? -1 : a.sys_updated_on > b.sys_updated_on ? 1 : 0))
    .map((row) => pushBody(row, refs));

async function push(url: string, body: unknown, secret: string | null = SECRET) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${url}/webhooks/servicenow`, {
    method: 'POST',
    body: text,
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-deming-secret': secret }) },
  });
  return { status: res.status, body: (await res.json()) as any };
}

const iso = (t: unknown) => (t === null ? null : new Date(t as number).toISOString());

describe('ServiceNow', () => {
  it('pulls the incident table by keyset pages of values (not display values), mapped counted, unmapped kept, cancelled and below the threshold skipped, no person stored', async () => {
    const c = config();
    const r = await pull(c, { pageSize: 2 });
    expect(r.errors).toEqual([]);
    const lists = fake.requests.filter((q) => q.path === '/api/now/table/incident');
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const q of lists) {
      expect(q.query.get('sysparm_display_value')).toBe('false');
      expect(q.query.get('sysparm_fields')!.split(',')).not.toContain('short_description');
      expect(q.query.get('sysparm_fields')!.split(',')).toEqual(expect.arrayContaining(['caused_by.number', 'business_service.name']));
      expect(q.query.get('sysparm_query')).toMatch(/^active=true\^ORactive=false\^sys_updated_on/);
      expect(q.query.get('sysparm_offset')).toBeNull();
    }
    const s = snapshot(c.dbFile);
    expect(s.incidents.map((i: any) => [i.id, i.service, i.severity, iso(i.openedAt), iso(i.resolvedAt), i.changeRequest])).toEqual([
      ['INC0001', 'health/booking', 'sev2', '2026-03-02T10:00:00.000Z', '2026-03-02T11:30:00.000Z', null],
      ['INC0002', 'health/booking', 'sev1', '2026-03-10T08:00:00.000Z', '2026-03-10T08:20:00.000Z', 'CHG0042'],
      ['INC0004', 'health/booking', 'sev2', '2026-03-20T09:00:00.000Z', null, null],
    ]);
    expect(s.records.map((x: any) => [x.id, x.status, x.reason && x.reason.split(':')[0]])).toEqual([
      ['INC0001', 'counted', null],
      ['INC0002', 'counted', null],
      ['INC0003', 'skipped', 'below the threshold'],
      ['INC0004', 'counted', null],
      ['INC0005', 'skipped', 'cancelled'],
      ['INC0006', 'unmapped', expect.stringContaining('no rule of incidents.servicenow.services matches cmdb_ci')],
    ]);
    expect(s.incidents[0]).toMatchObject({ url: `${fake.url}/incident.do?sys_id=${sysId('inc:INC0001')}`, title: null });
    const text = JSON.stringify(s);
    for (const personal of ['Jane', 'jane.smith', sysId('user:jane.smith'), sysId('user:sam.jones'), 'Booking down', '020 7946'])
      expect(text).not.toContain(personal);
  });

  it('gives the figures worked out by hand: an incident linked by its change request, resolved_at not closed_at, a cancelled incident nowhere', async () => {
    const c = config();
    expect((await pull(c)).errors).toEqual([]);
    const server = await h.serve(c);
    expect((await post(`${server.url}/api/v1/events`, deployments)).status).toBe(200);
    const m = (await get(`${server.url}/api/v1/metrics?scope=service:health/booking&from=2026-03-01&to=2026-03-25`)).body;
    // Change failure rate: INC0001 fails D1 (the latest production deployment before it opened),
    // INC0002 fails D3 explicitly (D3 carried its caused_by, CHG0042), INC0004 fails D5. INC0003 is
    // below the threshold; INC0005 was cancelled (it would have failed D2). 3 failed of 6.
    const failed = ['D1', 'D3', 'D5'];
    expect(m.changeFailureRate).toMatchObject({
      count: deployments.length,
      failed: failed.length,
      rate: failed.length / deployments.length,
    });
    // Rework: deployments made while an incident was open: D4 (08:10, INC0002 open 08:00–08:20), D6 (INC0004 open since 03-20).
    expect(m.reworkRate).toMatchObject({ count: 6, rework: 2, rate: 2 / 6 });
    // Time to restore, from resolved_at (INC0001 closed three days later, which does not count):
    // INC0001 10:00→11:30 = 5400 s, INC0002 08:00→08:20 = 1200 s; the median of two is their mean.
    expect(m.timeToRestore).toMatchObject({ count: 2, p50: (5400 + 1200) / 2 });
    // Failed deployment recovery time: only INC0002 is linked explicitly (its change request): 1200 s.
    expect(m.failedDeploymentRecoveryTime).toMatchObject({ count: 1, p50: 1200 });
    const list = await get(`${server.url}/api/v1/incidents?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
    expect(list.body.items.map((i: any) => i.id).sort()).toEqual(['INC0001', 'INC0002', 'INC0004']);
  });

  it('converges to the identical database through 429s, 5xx, resets, an expired OAuth token and expired credentials', async () => {
    const clean = config({ auth: 'oauth' });
    expect((await pull(clean, { pageSize: 2 })).errors).toEqual([]);
    const faulty = config({ auth: 'oauth' });
    fake.retryAfter = 1;
    fake.queueFaults('429', 'reset', '502', '503');
    expect((await pull(faulty, { pageSize: 2 })).errors).toEqual([]);
    fake.queueFaults('500');
    expect((await pull(faulty, { pageSize: 2 })).errors).toEqual([]);
    // The token expires mid-run (after the first page): one new token, and the run goes on.
    const renewed = config({ auth: 'oauth' });
    const before = fake.requests.length;
    fake.afterPage = (_table, served) => {
      if (served > 0) fake.expireTokens();
      fake.afterPage = null;
    };
    expect((await pull(renewed, { pageSize: 2 })).errors).toEqual([]);
    const during = fake.requests.slice(before);
    expect(during.map((q) => `${q.method} ${q.path} ${q.status}`).slice(0, 5)).toEqual([
      'POST /oauth_token.do 200',
      'GET /api/now/table/incident 200',
      'GET /api/now/table/incident 401',
      'POST /oauth_token.do 200',
      'GET /api/now/table/incident 200',
    ]);
    expect(snapshot(renewed.dbFile)).toEqual(snapshot(clean.dbFile));
    // The client secret expires: a clear error, nothing half-written, and the next run (renewed) goes on.
    fake.queueFaults('expire-credentials');
    const refused = await pull(faulty, { pageSize: 2 });
    expect(refused.errors[0].message).toMatch(/ServiceNow refused the OAuth client credentials .*SERVICENOW_CLIENT_SECRET/);
    fake.expired = false;
    expect((await pull(faulty, { pageSize: 2 })).errors).toEqual([]);
    expect(snapshot(faulty.dbFile)).toEqual(snapshot(clean.dbFile));

    const basic = config();
    fake.queueFaults('expire-credentials');
    expect((await pull(basic)).errors[0].message).toMatch(/ServiceNow refused the user deming\.reader \(401\).*SERVICENOW_PASSWORD/);
    fake.expired = false;
    expect(snapshot(basic.dbFile)).toEqual({ incidents: [], records: [] });
  });

  it('neither skips nor loses an incident that changes while the collector pages, and the next run reads only what changed', async () => {
    const c = config();
    // By sys_updated_on the rows are INC0001 (closed 03-05), INC0005, INC0002, INC0006, INC0003, INC0004.
    // After the first page (INC0001, INC0005), INC0001 is reprioritised: it moves to the end, and
    // under offset pages every row behind it would shift forward, so offset 2 would skip INC0002.
    let pages = 0;
    fake.afterPage = (table) => {
      if (table !== 'incident' || ++pages !== 1) return;
      const rows = fake.tables.incident;
      const one = rows.find((r) => r.number === 'INC0001')!;
      Object.assign(one, {
        priority: '1',
        sys_updated_on: snTime('2026-03-24T12:00:00Z'),
        sys_mod_count: String(Number(one.sys_mod_count) + 1),
      });
    };
    const saved = structuredClone(fake.tables.incident);
    try {
      expect((await pull(c, { pageSize: 2 })).errors).toEqual([]);
      const s = snapshot(c.dbFile);
      expect(s.records.map((r: any) => r.id)).toEqual(['INC0001', 'INC0002', 'INC0003', 'INC0004', 'INC0005', 'INC0006']);
      expect(s.incidents.find((i: any) => i.id === 'INC0001')).toMatchObject({ severity: 'sev1' });
      fake.afterPage = null;
      // The next run starts at the cursor less the overlap: only the row updated last is read again.
      const before = fake.requests.length;
      expect((await pull(c, { pageSize: 2 })).errors).toEqual([]);
      const again = fake.requests.slice(before).filter((q) => q.path === '/api/now/table/incident');
      expect(again).toHaveLength(1);
      expect(again[0].query.get('sysparm_query')).toContain('sys_updated_on>=2026-03-24 11:55:00');
    } finally {
      fake.afterPage = null;
      fake.tables.incident = saved;
    }
  });

  it('gives the same incidents by push as by pull', async () => {
    const pulled = config();
    expect((await pull(pulled, { pageSize: 4 })).errors).toEqual([]);
    const hooked = config();
    const s = await h.serve(hooked);
    const all = pushes();
    expect(all.length).toBeGreaterThan(stories.length);
    for (const b of all) expect((await push(s.url, b)).status).toBe(200);
    await h.stop(s);
    expect(snapshot(hooked.dbFile)).toEqual(snapshot(pulled.dbFile));
  });

  it('stores a redelivery once, never lets an older state overwrite a newer one, and acknowledges other tables', async () => {
    const c = config();
    const s = await h.serve(c);
    const [opened, resolved, closed] = versions(stories[0]).map((row) => pushBody(row, refs));
    expect((await push(s.url, opened)).body).toMatchObject({ accepted: 1, incident: { id: 'INC0001', status: 'counted' } });
    expect((await push(s.url, closed)).body).toMatchObject({ updated: 1 });
    expect(await push(s.url, closed)).toMatchObject({ status: 202, body: { duplicate: true } });
    // The resolved state arrives late (an outbound message retried): older by sys_updated_on and sys_mod_count, so nothing changes.
    expect((await push(s.url, resolved)).body).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect((await push(s.url, opened)).status).toBe(202);
    // Two updates within one second: sys_mod_count orders them.
    const sameSecond = {
      ...closed,
      record: { ...closed.record, priority: '1', sys_mod_count: String(Number(closed.record.sys_mod_count) + 1) },
    };
    expect((await push(s.url, sameSecond)).body).toMatchObject({ updated: 1, incident: { severity: 'sev1' } });
    expect((await push(s.url, closed)).status).toBe(202);
    // A state written earlier (by sys_updated_on) delivered last, under a delivery id not seen yet: nothing changes.
    const stale = {
      ...closed,
      record: { ...closed.record, priority: '3', sys_updated_on: opened.record.sys_updated_on, sys_mod_count: '9' },
    };
    expect((await push(s.url, stale)).body).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect((await push(s.url, { table: 'change_request', record: changeRow('CHG0042') })).status).toBe(202);
    const list = await get(`${s.url}/api/v1/incidents?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: 'INC0001', resolvedAt: '2026-03-02T11:30:00.000Z', severity: 'sev1', title: null }),
    ]);
  });

  it('refuses a missing or wrong secret with 401 before reading the body, absurd bodies with 413 or 400, and stores nothing; a previous secret still works', async () => {
    const c = config();
    const s = await h.serve(c);
    const [opened] = pushes();
    expect(await push(s.url, opened, null)).toMatchObject({ status: 401, body: { error: { code: 'bad_secret' } } });
    expect(await push(s.url, opened, 'not-the-secret-at-all-00000')).toMatchObject({ status: 401 });
    expect(await push(s.url, opened, SECRET.slice(0, -1))).toMatchObject({ status: 401 });
    const huge = JSON.stringify({ ...opened, record: { ...opened.record, padding: 'x'.repeat(1_100_000) } });
    expect(await push(s.url, huge)).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(await push(s.url, '['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({
      status: 400,
      body: { error: { code: 'too_deep' } },
    });
    expect(await push(s.url, { ...opened, record: { ...opened.record, opened_at: '03-02-2026 05:00:00 AM' } })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('record.opened_at: expected a time as YYYY-MM-DD HH:mm:ss (UTC)') } },
    });
    expect(await push(s.url, { ...opened, extra: 1 })).toMatchObject({ status: 400 });
    expect(snapshot(c.dbFile)).toEqual({ incidents: [], records: [] });
    expect((await push(s.url, opened, OLD_SECRET)).status).toBe(200);
  });

  it('shows a change request approval wait and work window beside the deployment that carried it, by pull and by push alike', async () => {
    // CHG0042 was raised 03-05 09:00 and approved 03-09 15:00: the approval wait is 4 days and 6
    // hours, 4 × 86400 + 6 × 3600 = 367200 s. It was carried out 03-10 06:50 to 07:10 (D3 finished 07:00).
    const chg = changeRow('CHG0042', {
      sys_created_on: '2026-03-05 09:00:00',
      approval: 'approved',
      approval_set: '2026-03-09 15:00:00',
      start_date: '2026-03-10 06:30:00',
      end_date: '2026-03-10 08:00:00',
      work_start: '2026-03-10 06:50:00',
      work_end: '2026-03-10 07:10:00',
      sys_updated_on: '2026-03-10 07:15:00',
      sys_mod_count: '7',
      assigned_to: sysId('user:sam.jones'),
    });
    const other = changeRow('CHG0043', {
      sys_created_on: '2026-03-11 09:00:00',
      approval: 'requested',
      sys_updated_on: '2026-03-11 09:00:00',
    });
    const saved = fake.tables.change_request;
    fake.tables.change_request = [chg, other];
    const deploymentsOf = async (c: Config, feed: (url: string) => Promise<void>) => {
      const server = await h.serve(c);
      await feed(server.url);
      expect((await post(`${server.url}/api/v1/events`, deployments)).status).toBe(200);
      const list = await get(`${server.url}/api/v1/deployments?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
      const m = (await get(`${server.url}/api/v1/metrics?scope=service:health/booking&from=2026-03-01&to=2026-03-25`)).body;
      await h.stop(server);
      return { items: list.body.items, m };
    };
    try {
      const pulled = config({ extra: '    changeRequests: true\n' });
      const r = await pull(pulled);
      expect(r).toMatchObject({ errors: [], changeRequests: 2 });
      const viaPull = await deploymentsOf(pulled, async () => {});
      const d3 = viaPull.items.find((d: any) => d.id === 'D3');
      expect(d3).toMatchObject({
        changeRequest: 'CHG0042',
        changeRequestedAt: '2026-03-05T09:00:00.000Z',
        approval: 'approved',
        approvedAt: '2026-03-09T15:00:00.000Z',
        approvalWait: 4 * 86400 + 6 * 3600,
        workStartedAt: '2026-03-10T06:50:00.000Z',
        workEndedAt: '2026-03-10T07:10:00.000Z',
      });
      for (const d of viaPull.items.filter((x: any) => x.id !== 'D3'))
        expect(d).toMatchObject({ changeRequest: null, approvalWait: null, approvedAt: null });
      // Evidence beside the figures, not in them: the same figures as without the change requests.
      const without = config();
      await pull(without);
      expect(viaPull.m).toEqual((await deploymentsOf(without, async () => {})).m);

      const hooked = config({ extra: '    changeRequests: true\n' });
      const viaPush = await deploymentsOf(hooked, async (url) => {
        for (const b of pushes()) expect((await push(url, b)).status).toBe(200);
        const body = (row: typeof chg) => ({
          table: 'change_request',
          record: Object.fromEntries(CHANGE_FIELDS.map((f) => [f, row[f] ?? ''])),
        });
        expect((await push(url, body(chg))).body).toMatchObject({ changeRequest: 'CHG0042', stored: true });
        expect((await push(url, body(chg))).status).toBe(202);
        // An older state (before approval) arriving late changes nothing.
        const before = { ...chg, approval: 'requested', approval_set: '', sys_updated_on: '2026-03-06 10:00:00', sys_mod_count: '2' };
        expect((await push(url, body(before))).status).toBe(200);
        expect((await push(url, body(other))).status).toBe(200);
      });
      expect(viaPush.items).toEqual(viaPull.items);
    } finally {
      fake.tables.change_request = saved;
    }
  });

  it('writes the keyset as one encoded query per side of ^NQ, the configured filter in both', () => {
    expect(keysetQuery('assignment_group=abc^ORpriority=1', { time: '2026-03-02 10:00:00', sysId: 'ff' })).toBe(
      'assignment_group=abc^ORpriority=1^sys_updated_on>2026-03-02 10:00:00^NQassignment_group=abc^ORpriority=1^sys_updated_on=2026-03-02 10:00:00^sys_id>ff^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
  });

  it('stores the short description only where titles are on', async () => {
    const c = config({ extra: '    titles: true\n' });
    expect((await pull(c)).errors).toEqual([]);
    const fields = fake.requests.at(-1)!.query.get('sysparm_fields')!.split(',');
    expect(fields).toContain('short_description');
    expect(fields).not.toEqual(expect.arrayContaining(['description']));
    expect(snapshot(c.dbFile).incidents.map((i: any) => i.title)).toEqual([
      'Booking down, Dr Jane Smith called',
      'Slow searches',
      'Login loops',
    ]);
  });

  it('npx deming collect servicenow says what it stored and kept, and names the missing setting', async () => {
    const bin = join(__dirname, '../../../bin/deming.js');
    const deming = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { ...process.env, DEMING_DEMO: 'off', ...env }, cwd: tmpdir() },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
    const c = config();
    const ok = await deming(['collect', 'servicenow', '--config', c.configFile!], { DEMING_DB: c.dbFile });
    expect(ok.stdout).toMatch(/Collected ServiceNow in [\d.]+ s: 1 request, 3 incidents stored\./);
    expect(ok.stdout).toContain('ServiceNow incidents kept: 3 counted, 1 unmapped (GET /api/v1/incidents/unmapped), 2 skipped');
    expect(ok.code).toBe(0);
    const none = h.config('incidents:\n  threshold: sev2\n');
    const missing = await deming(['collect', 'servicenow', '--config', none.configFile!], { DEMING_DB: none.dbFile });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('there is no incidents.servicenow in') });
    const noPassword = h.config(`incidents:\n  servicenow:\n    instanceUrl: ${fake.url}\n    username: ${USER}\n`);
    const refused = await deming(['collect', 'servicenow', '--config', noPassword.configFile!], { DEMING_DB: noPassword.dbFile });
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('no password: set SERVICENOW_PASSWORD') });
  });

  it("loads the README's sample configuration as it is written", () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## ServiceNow\n'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const dir = mkdtempSync(join(tmpdir(), 'deming-sn-readme-'));
    try {
      writeFileSync(join(dir, 'c.yaml'), yaml);
      const c = loadConfig(
        { DEMING_DB: join(dir, 'db'), SERVICENOW_PASSWORD: 'pw', SN_WEBHOOK_SECRET: 'a-secret-of-32-characters-000000' },
        join(dir, 'c.yaml'),
      );
      expect(c.incidents.servicenow).toMatchObject({
        auth: { kind: 'basic', username: 'svc_deming', password: 'pw' },
        query: 'assignment_group.name=Booking^ORassignment_group.name=Clinics',
        webhookSecrets: ['a-secret-of-32-characters-000000'],
        intervalMs: 15 * 60_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration naming the key and the fix', () => {
    const bad = (body: string) => () =>
      h.config(`incidents:\n  servicenow:\n    instanceUrl: https://example.service-now.com\n${body}`) as unknown;
    expect(bad('    services: []\n')).toThrow(
      /incidents\.servicenow: give username \(basic authentication, with SERVICENOW_PASSWORD\) or clientId/,
    );
    expect(bad('    username: a\n    clientId: b\n')).toThrow(/give either username \(basic\) or clientId/);
    expect(bad('    username: a\n    query: active=true^NQpriority=1\n')).toThrow(
      /incidents\.servicenow\.query: holds \^NQ.*write one query with \^OR/,
    );
    expect(bad('    username: a\n    query: active=true^ORDERBYnumber\n')).toThrow(/incidents\.servicenow\.query: holds ORDERBY/);
    expect(bad('    username: a\n    severityField: urgency\n')).toThrow(
      /incidents\.servicenow\.severityField.*expected priority or impact/,
    );
    expect(bad('    username: a\n    services: [{when: {caller_id: x}, service: a/b}]\n')).toThrow(
      /incidents\.servicenow\.services\[0\]\.when: "caller_id" is not a field of servicenow incidents: use cmdb_ci, cmdb_ci\.name, business_service/,
    );
    expect(bad('    username: a\n    interval: 10s\n')).toThrow(/incidents\.servicenow\.interval: must be at least 1m/);
    expect(() => loadConfig({}, undefined)).not.toThrow();
    // A user without a password is not a configuration error at load (the server may only take webhooks), but collecting says what to set.
    const noPassword = h.config(`incidents:\n  servicenow:\n    instanceUrl: https://example.service-now.com\n    username: a\n`);
    expect(noPassword.incidents.servicenow!.authProblem).toMatch(/set SERVICENOW_PASSWORD/);
  });
});

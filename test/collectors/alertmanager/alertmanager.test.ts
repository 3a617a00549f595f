/**
 * Prometheus Alertmanager's webhook receiver end to end: notifications (firing, resolved,
 * grouped, truncated) posted to a real server on loopback with a real SQLite file, as
 * Alertmanager's `http_config` authenticates them (a bearer token or basic auth).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../server/config';
import { openDatabase } from '../../../db/connection';
import { get } from '../../helpers/server';
import { incidentHarness } from '../incidents/harness';
import { notification, type AlertSpec } from './notifications';

const TOKEN = 'am-bearer-token-0123456789';
const BASIC = `Basic ${Buffer.from('alertmanager:am-basic-password-0123').toString('base64')}`;
const NOW = Date.parse('2026-03-25T00:00:00Z');

const h = incidentHarness('deming-alertmanager-', NOW);
const serve = h.serve;
const config = (extra = ''): Config =>
  h.config(`incidents:
  alertmanager:
    bearerTokens: [${TOKEN}]
    basicAuth: [{username: alertmanager, password: am-basic-password-0123}]
    filter: ['env="production"', 'severity=~"critical|page"']
    groupBy: [alertname, service]
    since: 2026-03-01
    services:
      - when: {service: "*"}
        service: "health/{service}"
${extra}`);
async function notify(url: string, body: unknown, auth: string | null = `Bearer ${TOKEN}`) {
  const res = await fetch(`${url}/webhooks/alertmanager`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
}
function incidents(file: string) {
  const db = openDatabase(file, { check: 'off' });
  try {
    return db
      .prepare(
        `SELECT i.ext_id AS id, s.name AS service, i.severity, i.opened_at AS openedAt, i.resolved_at AS resolvedAt
      FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY i.opened_at`,
      )
      .all()
      .map((r: any) => ({
        ...r,
        openedAt: new Date(r.openedAt).toISOString(),
        resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt).toISOString(),
      }));
  } finally {
    db.close();
  }
}

const api = (i: number, startsAt: string, endsAt?: string): AlertSpec => ({
  labels: { alertname: 'BookingErrors', service: 'booking', env: 'production', severity: 'critical', instance: `api-${i}` },
  startsAt,
  endsAt,
  annotations: { summary: 'Booking 5xx above 5%' },
});
const group = { alertname: 'BookingErrors', service: 'booking' };

describe('Alertmanager', () => {
  it('two notifications of one new group arriving at once continue one incident, not two', async () => {
    const c = config();
    const s = await serve(c);
    // Each alone would open the group's incident at its own first alert: sent together, the
    // second must find the first's incident open and continue it.
    const [a, b] = await Promise.all([
      notify(s.url, notification(group, [api(1, '2026-03-03T10:00:00Z')])),
      notify(s.url, notification(group, [api(2, '2026-03-03T10:04:00Z')])),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(incidents(c.dbFile)).toEqual([
      { id: expect.any(String), service: 'health/booking', severity: 'sev1', openedAt: '2026-03-03T10:00:00.000Z', resolvedAt: null },
    ]);
  });

  it('opens an incident on a firing group (its zero endsAt understood), keeps it open while any alert fires or was left out, and resolves it with the last end', async () => {
    const c = config();
    const s = await serve(c);
    const first = await notify(s.url, notification(group, [api(1, '2026-03-03T10:00:00Z')]));
    expect(first).toMatchObject({
      status: 200,
      body: { accepted: 1, incidents: [{ status: 'counted', service: 'health/booking', severity: 'sev1' }] },
    });
    // A second instance joins the group: the same incident.
    await notify(s.url, notification(group, [api(1, '2026-03-03T10:00:00Z'), api(2, '2026-03-03T10:04:00Z')]));
    // The shown alerts are resolved but one was left out of a firing notification: still open.
    const truncated = await notify(
      s.url,
      notification(group, [api(1, '2026-03-03T10:00:00Z', '2026-03-03T10:20:00Z')], { truncatedAlerts: 1, anyFiringLeftOut: true }),
    );
    expect(truncated.status).toBe(202);
    expect(incidents(c.dbFile)).toEqual([
      {
        id: expect.stringMatching(/@2026-03-03T10:00:00.000Z$/),
        service: 'health/booking',
        severity: 'sev1',
        openedAt: '2026-03-03T10:00:00.000Z',
        resolvedAt: null,
      },
    ]);
    const done = notification(group, [
      api(1, '2026-03-03T10:00:00Z', '2026-03-03T10:20:00Z'),
      api(2, '2026-03-03T10:04:00Z', '2026-03-03T10:35:00Z'),
    ]);
    expect((await notify(s.url, done)).body).toMatchObject({ updated: 1 });
    expect(incidents(c.dbFile)).toEqual([
      expect.objectContaining({ openedAt: '2026-03-03T10:00:00.000Z', resolvedAt: '2026-03-03T10:35:00.000Z' }),
    ]);
    // Sent again, and the firing notification sent late: nothing changes.
    expect((await notify(s.url, done)).body).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect((await notify(s.url, notification(group, [api(1, '2026-03-03T10:00:00Z')]))).body).toMatchObject({
      accepted: 0,
      updated: 0,
      unchanged: 1,
    });
    // Firing again later: a new incident.
    expect((await notify(s.url, notification(group, [api(1, '2026-03-04T08:00:00Z')]))).body).toMatchObject({ accepted: 1 });
    expect(incidents(c.dbFile).map((i: any) => [i.openedAt, i.resolvedAt])).toEqual([
      ['2026-03-03T10:00:00.000Z', '2026-03-03T10:35:00.000Z'],
      ['2026-03-04T08:00:00.000Z', null],
    ]);
  });

  it('leaves warnings and other environments out, and one notification of two groups is two incidents', async () => {
    const c = config();
    const s = await serve(c);
    const warning = notification(group, [{ ...api(1, '2026-03-05T10:00:00Z'), labels: { ...api(1, '').labels, severity: 'warning' } }]);
    expect(await notify(s.url, warning)).toMatchObject({
      status: 202,
      body: { ignored: expect.stringContaining('1 left out by incidents.alertmanager.filter') },
    });
    const staging = notification(group, [{ ...api(1, '2026-03-05T10:00:00Z'), labels: { ...api(1, '').labels, env: 'staging' } }]);
    expect((await notify(s.url, staging)).status).toBe(202);
    const both = notification({ env: 'production' }, [
      api(1, '2026-03-05T10:00:00Z'),
      { labels: { alertname: 'QueueStuck', service: 'booking', env: 'production', severity: 'page' }, startsAt: '2026-03-05T10:01:00Z' },
    ]);
    expect((await notify(s.url, both)).body.incidents.map((i: any) => [i.service, i.severity])).toEqual([
      ['health/booking', 'sev1'],
      ['health/booking', 'sev2'],
    ]);
    expect(incidents(c.dbFile)).toHaveLength(2);
  });

  it('refuses a body over its 5 MB limit with 413 and one nested past limits.jsonDepth with 400, storing nothing', async () => {
    const c = config();
    const s = await serve(c);
    const huge = notification(group, [{ ...api(1, '2026-03-03T10:00:00Z'), annotations: { summary: 'x'.repeat(5_500_000) } }]);
    expect(await notify(s.url, huge)).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    const res = await fetch(`${s.url}/webhooks/alertmanager`, {
      method: 'POST',
      body: '['.repeat(100_000) + ']'.repeat(100_000),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
    expect([res.status, ((await res.json()) as any).error.code]).toEqual([400, 'too_deep']);
    expect(incidents(c.dbFile)).toEqual([]);
  });

  it('takes a bearer token or basic auth as http_config sends them, and refuses anything else with 401, storing nothing', async () => {
    const c = config();
    const s = await serve(c);
    const body = notification(group, [api(1, '2026-03-06T10:00:00Z')]);
    expect((await notify(s.url, body, null)).status).toBe(401);
    expect((await notify(s.url, body, 'Bearer not-the-token-0123456789')).status).toBe(401);
    expect((await notify(s.url, body, `Basic ${Buffer.from('alertmanager:wrong-password-0000').toString('base64')}`)).status).toBe(401);
    expect((await notify(s.url, body, `Bearer ${TOKEN}x`)).body.error.code).toBe('unauthorized');
    expect(incidents(c.dbFile)).toEqual([]);
    expect((await notify(s.url, body, BASIC)).status).toBe(200);
    expect(incidents(c.dbFile)).toHaveLength(1);
  });

  it('lists an alert that names no service with a label a rule could map it by, and moves it when a rule does', async () => {
    const c = config();
    let s = await serve(c);
    const nameless = notification({ alertname: 'PaymentsDown' }, [
      { labels: { alertname: 'PaymentsDown', env: 'production', severity: 'critical' }, startsAt: '2026-03-07T10:00:00Z' },
    ]);
    expect((await notify(s.url, nameless)).body.incidents[0].status).toBe('unmapped');
    const unmapped = await get(`${s.url}/api/v1/incidents/unmapped?source=alertmanager`);
    expect(unmapped.body.items).toEqual([
      expect.objectContaining({
        mapBy: { field: 'alertname', value: 'PaymentsDown' },
        fields: { alertname: 'PaymentsDown', env: 'production', severity: 'critical' },
      }),
    ]);
    await h.stop(s);
    s = await serve({ ...config('      - when: {alertname: PaymentsDown}\n        service: health/payments\n'), dbFile: c.dbFile });
    expect((await get(`${s.url}/api/v1/incidents/unmapped`)).body.items).toEqual([]);
    expect(incidents(c.dbFile)).toEqual([expect.objectContaining({ service: 'health/payments', resolvedAt: null })]);
  });
});

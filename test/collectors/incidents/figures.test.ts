/**
 * A hand-worked month of one service (and two more: one a source's mapping names, one none does): six production deployments and its incidents from each
 * incident source (PagerDuty webhooks, Alertmanager notifications), one of them below the
 * threshold. The figures Deming answers are the ones worked out by hand below, whichever source
 * told the incidents, and the incident below the threshold changes none of them.
 *
 *   deployments (production, success): D1 03-02 09:00, D2 03-05 09:00, D3 03-10 07:00 (carried
 *   CHG0042), D4 03-10 08:10, D5 03-13 10:00, D6 03-21 09:00
 *   incidents: I1 03-02 10:00–11:30 (sev2), I2 03-10 08:00–08:20 (sev1, blames CHG0042),
 *   I3 03-13 09:00–12:00 (sev4: below the threshold), I4 opened 03-20 09:00, still open (sev2)
 *
 *   change failure rate: I1 → D1 (the latest before it), I2 → D3 (its change request), I4 → D5:
 *     3 of 6 = 0.5 (I3 would have failed D4 too)
 *   rework rate: D4 (made while I2 was open), D6 (while I4 is): 2 of 6 (I3 would add D5)
 *   time to restore: I1 5400 s, I2 1200 s: p50 3300 s of 2 (I3 would add 10800 s)
 *   failed deployment recovery time: only I2 is linked explicitly (its change request): 1200 s of 1
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/config';
import { startServer, type RunningServer } from '../../../server/server';
import { get, post } from '../../helpers/server';
import { signature, webhookEvents, type Story } from '../../fakes/pagerduty/fixtures';
import { notification } from '../alertmanager/notifications';

const NOW = Date.parse('2026-03-25T00:00:00Z');
const SECRET = 'whsec-figures-0123456789';
const TOKEN = 'am-figures-token-0123456789';

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

const svc = { id: 'PBOOK', summary: 'Booking' };
const stories: Story[] = [
  {
    id: 'QI1',
    number: 1,
    service: svc,
    title: 'Errors',
    urgency: 'high',
    priority: 'P2',
    createdAt: '2026-03-02T10:00:00Z',
    resolvedAt: '2026-03-02T11:30:00Z',
  },
  {
    id: 'QI2',
    number: 2,
    service: svc,
    title: 'Slow after CHG0042',
    urgency: 'high',
    priority: 'P1',
    createdAt: '2026-03-10T08:00:00Z',
    resolvedAt: '2026-03-10T08:20:00Z',
  },
  {
    id: 'QI3',
    number: 3,
    service: svc,
    title: 'Typo',
    urgency: 'low',
    priority: 'P4',
    createdAt: '2026-03-13T09:00:00Z',
    resolvedAt: '2026-03-13T12:00:00Z',
  },
  { id: 'QI4', number: 4, service: svc, title: 'Login loops', urgency: 'high', priority: 'P2', createdAt: '2026-03-20T09:00:00Z' },
];

const labels = (alertname: string, severity: string) => ({ alertname, service: 'booking', env: 'production', severity });
const alerts = [
  notification({ alertname: 'I1' }, [{ labels: labels('I1', 'page'), startsAt: '2026-03-02T10:00:00Z', endsAt: '2026-03-02T11:30:00Z' }]),
  notification({ alertname: 'I2' }, [
    {
      labels: labels('I2', 'critical'),
      startsAt: '2026-03-10T08:00:00Z',
      endsAt: '2026-03-10T08:20:00Z',
      annotations: { change_request: 'CHG0042' },
    },
  ]),
  notification({ alertname: 'I3' }, [{ labels: labels('I3', 'ticket'), startsAt: '2026-03-13T09:00:00Z', endsAt: '2026-03-13T12:00:00Z' }]),
  notification({ alertname: 'I4' }, [{ labels: labels('I4', 'page'), startsAt: '2026-03-20T09:00:00Z' }]),
];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deming-figures-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two more services, one deployment each: one a mapping names (with the source's start), one no source covers. */
const others = ['health/quiet', 'health/unwatched'].map((service) => ({
  type: 'deployment',
  id: `X-${service}`,
  service,
  environment: 'production',
  status: 'success',
  finishedAt: '2026-03-12T09:00:00Z',
}));

async function withServer(name: string, yaml: string, feed: (url: string) => Promise<void>) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const server: RunningServer = await startServer(loadConfig({ DEMING_DB: join(dir, `${name}.db`), PORT: '0', DEMING_DEMO: 'off' }, file), {
    now: () => NOW,
    log: () => {},
  });
  try {
    expect((await post(`${server.url}/api/v1/events`, [...deployments, ...others])).status).toBe(200);
    await feed(server.url);
    const metrics = async (service: string) =>
      (await get(`${server.url}/api/v1/metrics?scope=service:${service}&from=2026-03-01&to=2026-03-25`)).body;
    // A service the source's mapping names reports incidents from the source's start: none is 0 %, not "no incident data".
    expect((await metrics('health/quiet')).changeFailureRate).toMatchObject({ count: 1, failed: 0, rate: 0 });
    expect((await metrics('health/unwatched')).changeFailureRate).toMatchObject({ rate: null, reason: 'no incident source' });
    return await metrics('health/booking');
  } finally {
    await server.close();
  }
}

const expected = (m: any) => {
  expect(m.changeFailureRate).toMatchObject({ count: 6, failed: 3, rate: 0.5 });
  expect(m.reworkRate).toMatchObject({ count: 6, rework: 2, rate: 2 / 6 });
  expect(m.timeToRestore).toMatchObject({ count: 2, p50: 3300 });
  expect(m.failedDeploymentRecoveryTime).toMatchObject({ count: 1, p50: 1200 });
};

describe('the figures from incident sources, worked by hand', () => {
  it('from PagerDuty webhooks', async () => {
    const m = await withServer(
      'pagerduty',
      `incidents:
  pagerduty:
    webhookSecrets: [${SECRET}]
    since: 2026-03-01
    interval: "off"
    services: [{when: {service.id: PBOOK}, service: health/booking}, {when: {service.id: PQUIET}, service: health/quiet}]
    links: {changeRequest: {field: title, pattern: "(CHG\\\\d+)"}}
`,
      async (url) => {
        for (const e of stories.flatMap(webhookEvents)) {
          const text = JSON.stringify(e);
          const res = await fetch(`${url}/webhooks/pagerduty`, {
            method: 'POST',
            body: text,
            headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature(text, SECRET) },
          });
          expect(res.status).toBe(200);
        }
      },
    );
    expected(m);
  });

  it('from Alertmanager notifications', async () => {
    const m = await withServer(
      'alertmanager',
      `incidents:
  alertmanager:
    bearerTokens: [${TOKEN}]
    filter: ['env="production"', 'severity=~"critical|page|ticket"']
    severity: {critical: sev1, page: sev2, ticket: sev4}
    since: 2026-03-01
    services: [{when: {service: booking}, service: health/booking}, {when: {service: quiet}, service: health/quiet}]
    links: {changeRequest: {field: annotations.change_request}}
`,
      async (url) => {
        for (const n of alerts) {
          const res = await fetch(`${url}/webhooks/alertmanager`, {
            method: 'POST',
            body: JSON.stringify(n),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          });
          expect(res.status).toBe(200);
        }
      },
    );
    expected(m);
  });
});

/**
 * Jira Service Management end to end: the collector against a fake Jira REST API on loopback (a
 * real HTTP server), Cloud and Data Center, each into a real SQLite file. Both editions give the
 * same incidents from Jira's own time formats and zones; faults (429 with Retry-After, 5xx, resets,
 * expired credentials) converge to the identical database; a second run reads only what changed,
 * with JQL's minute bound in the account's zone; a hand-worked month gives DESIGN's figures, with
 * incidents linked by change request and by deployment id, and a cancelled one not counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Config } from '../../../server/config';
import { ConfigError } from '../../../server/config';
import { openStore } from '../../../db/store';
import { openDatabase } from '../../../db/connection';
import { collectorContext } from '../../../server/collectors/context';
import { createJiraCollector } from '../../../collectors/jira/collector';
import { parseJiraTime, jqlTime } from '../../../collectors/jira/dates';
import { startFakeJira, type FakeIssue, type FakeJira } from '../../fakes/jira/server';
import { hubSignature, restIssue, webhookDeliveries, type Story } from '../../fakes/jira/fixtures';
import { get, post } from '../../helpers/server';
import { incidentHarness } from '../incidents/harness';

const EMAIL = 'deming-reader@example.gov';
const TOKEN = 'ATATT3xFfGF0-readonly-0123456789';
const PAT = 'NjQ5MzE4-personal-access-token';
const NOW = Date.parse('2026-03-25T00:00:00Z');
const SECRET = 'jira-webhook-secret-current-0123';
const OLD_SECRET = 'jira-webhook-secret-previous-0123';
const URL_SECRET = 'a-long-url-secret-0123456789abcdef';

/** The hand-worked month (see "the figures" below). */
export const stories: Story[] = [
  {
    id: '10001',
    key: 'OPS-1',
    component: 'Booking',
    summary: 'Booking down: Dr Jane Smith paged',
    priority: 'High',
    createdAt: '2026-03-02T10:00:00Z',
    resolvedAt: '2026-03-02T11:30:00Z',
  },
  {
    id: '10002',
    key: 'OPS-2',
    component: 'Booking',
    summary: 'Slow after the change',
    priority: 'Highest',
    createdAt: '2026-03-10T08:00:00Z',
    resolvedAt: '2026-03-10T08:20:00Z',
    causedBy: 'CHG-42',
  },
  {
    id: '10003',
    key: 'OPS-3',
    component: 'Booking',
    summary: 'A typo on a page',
    priority: 'Low',
    createdAt: '2026-03-13T09:00:00Z',
    resolvedAt: '2026-03-13T12:00:00Z',
  },
  {
    id: '10004',
    key: 'OPS-4',
    component: 'Booking',
    summary: 'Login loops',
    priority: 'Medium',
    createdAt: '2026-03-20T09:00:00Z',
    reprioritised: { at: '2026-03-20T09:40:00Z', priority: 'High' },
  },
  {
    id: '10005',
    key: 'OPS-5',
    component: 'Booking',
    summary: 'Raised by mistake',
    priority: 'Highest',
    createdAt: '2026-03-06T09:00:00Z',
    resolvedAt: '2026-03-06T10:00:00Z',
    resolution: "Won't Do",
  },
  {
    id: '10006',
    key: 'OPS-6',
    component: 'Booking',
    summary: 'Rollback needed',
    priority: 'Highest',
    createdAt: '2026-03-22T10:00:00Z',
    resolvedAt: '2026-03-22T10:30:00Z',
    custom: { customfield_10050: { value: 'D4' } },
  },
  {
    id: '10007',
    key: 'OPS-7',
    component: 'Payments',
    summary: 'Card payments failing',
    priority: 'Highest',
    createdAt: '2026-03-12T09:00:00Z',
    resolvedAt: '2026-03-12T10:00:00Z',
    custom: { customfield_10070: 'reverted 9f3c2ab71d' },
  },
];

const cloud = { edition: 'cloud' as const, token: TOKEN, email: EMAIL, siteZone: 'Europe/Berlin', accountZone: 'America/New_York' };
const dc = { edition: 'datacenter' as const, token: PAT, siteZone: 'Asia/Kolkata', accountZone: 'Asia/Kolkata' };

let fake: FakeJira;
let fakeDc: FakeJira;
beforeAll(async () => {
  fake = await startFakeJira({ ...cloud, issues: stories.map(restIssue) });
  fakeDc = await startFakeJira({ ...dc, issues: stories.map(restIssue) });
});
afterAll(async () => {
  await fake.close();
  await fakeDc.close();
});

const h = incidentHarness('deming-jira-', NOW);
export const JIRA_MAPPING = `    since: 2026-03-01
    interval: "off"
    services:
      - when: {component: Booking}
        service: health/booking
    links:
      changeRequest: {field: 'issuelinks.is caused by', pattern: '(CHG-\\d+)'}
      deploymentId: {field: customfield_10050}
      rootCauseSha: {field: customfield_10070, pattern: '([0-9a-f]{7,40})'}
`;
/** A configuration file and a database of its own, for the Cloud fake or the Data Center one. */
const config = (edition: 'cloud' | 'datacenter' = 'cloud', extra = ''): Config =>
  h.config(`incidents:
  jira:
    baseUrl: ${edition === 'cloud' ? fake.url : fakeDc.url}
    edition: ${edition}
    ${edition === 'cloud' ? `email: ${EMAIL}\n    token: ${TOKEN}` : `token: ${PAT}`}
    webhookSecrets: [${SECRET}, ${OLD_SECRET}]
${JIRA_MAPPING}${extra}`);

/** What Deming holds of the incidents: the counted ones and every record with its decision. */
export function snapshot(file: string) {
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
          `SELECT ext_id AS id, status, service, severity, reason, opened_at AS openedAt, resolved_at AS resolvedAt, fields, links, updated_at AS updatedAt, title
          FROM source_incidents ORDER BY ext_id`,
        )
        .all(),
    };
  } finally {
    db.close();
  }
}

async function pull(c: Config, opts: { pageSize?: number; now?: number } = {}) {
  const store = openStore(c.dbFile);
  try {
    const ctx = collectorContext({ store, config: c, now: () => opts.now ?? NOW, log: () => {} });
    return await createJiraCollector({ settings: c.incidents.jira!, timing: { retryBaseMs: 1, retries: 4 }, pageSize: opts.pageSize }).run(
      ctx,
    );
  } finally {
    await store.close();
  }
}

const iso = (t: unknown) => (t === null ? null : new Date(t as number).toISOString());
const cursorOf = (file: string) => {
  const db = openDatabase(file, { check: 'off' });
  try {
    return db.prepare("SELECT cursor FROM collector_cursors WHERE collector = 'jira'").pluck().get();
  } finally {
    db.close();
  }
};

describe('Jira times', () => {
  it("reads Jira's own format exactly, offsets without a colon included, and refuses a time without a zone", () => {
    expect(iso(parseJiraTime('2026-01-02T03:04:05.000+0100'))).toBe('2026-01-02T02:04:05.000Z');
    expect(iso(parseJiraTime('2026-03-02T15:30:00.123+0530'))).toBe('2026-03-02T10:00:00.123Z');
    expect(iso(parseJiraTime('2026-03-02T05:00:00.000-0500'))).toBe('2026-03-02T10:00:00.000Z');
    expect(iso(parseJiraTime('2026-03-02T05:00:00-05:00'))).toBe('2026-03-02T10:00:00.000Z');
    expect(parseJiraTime('2026-03-02T05:00:00.000')).toBeNull();
    expect(parseJiraTime('2026-02-30T05:00:00.000+0000')).toBeNull();
    expect(parseJiraTime('2026-03-02T25:00:00.000+0000')).toBeNull();
  });

  it('writes the JQL bound in the account zone, to the minute, an hour earlier where the clocks just went back', () => {
    expect(jqlTime(Date.parse('2026-03-02T10:00:59Z'), 'America/New_York')).toBe('2026-03-02 05:00');
    expect(jqlTime(Date.parse('2026-03-02T10:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-02 15:30');
    // New York's clocks went back at 06:00Z on 2026-11-01 (02:00 EDT → 01:00 EST): 01:30 happens twice.
    expect(jqlTime(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(jqlTime(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
  });
});

describe('Jira Service Management, pulled', () => {
  it('pulls page by page from Cloud and from Data Center alike: mapped counted, unmapped kept, cancelled and below the threshold skipped, nobody stored', async () => {
    const c = config('cloud');
    const r = await pull(c, { pageSize: 2 });
    expect(r.errors).toEqual([]);
    const searches = fake.requests.filter((q) => q.path === '/rest/api/3/search/jql');
    // Seven issues, two a page: each page after one that brought something new searches again from its latest minute.
    expect(searches.length).toBeGreaterThanOrEqual(4);
    // Only what Deming stores is asked for: no reporter, assignee, description or summary (titles are off).
    expect(searches[0].query.get('fields')!.split(',').sort()).toEqual(
      [
        'components',
        'created',
        'customfield_10050',
        'customfield_10070',
        'issuelinks',
        'issuetype',
        'labels',
        'priority',
        'project',
        'resolution',
        'resolutiondate',
        'status',
        'updated',
      ].sort(),
    );
    const viaCloud = snapshot(c.dbFile);

    const d = config('datacenter');
    expect((await pull(d, { pageSize: 2 })).errors).toEqual([]);
    expect(fakeDc.requests.filter((q) => q.path === '/rest/api/2/search').length).toBeGreaterThanOrEqual(4);
    const viaDc = snapshot(d.dbFile);
    // Written in Berlin's +0100 and Kolkata's +0530, read as the same instants; only the site's URL differs.
    const noUrlLocal = (s: ReturnType<typeof snapshot>) =>
      JSON.parse(JSON.stringify(s).replaceAll(fake.url, 'SITE').replaceAll(fakeDc.url, 'SITE'));
    expect(noUrlLocal(viaDc)).toEqual(noUrlLocal(viaCloud));

    expect(viaCloud.incidents.map((i: any) => [i.id, i.service, i.severity, iso(i.openedAt), iso(i.resolvedAt), i.url])).toEqual([
      ['10001', 'health/booking', 'sev2', '2026-03-02T10:00:00.000Z', '2026-03-02T11:30:00.000Z', `${fake.url}/browse/OPS-1`],
      ['10002', 'health/booking', 'sev1', '2026-03-10T08:00:00.000Z', '2026-03-10T08:20:00.000Z', `${fake.url}/browse/OPS-2`],
      ['10004', 'health/booking', 'sev2', '2026-03-20T09:00:00.000Z', null, `${fake.url}/browse/OPS-4`],
      ['10006', 'health/booking', 'sev1', '2026-03-22T10:00:00.000Z', '2026-03-22T10:30:00.000Z', `${fake.url}/browse/OPS-6`],
    ]);
    expect(viaCloud.records.map((x: any) => [x.id, x.status, x.reason])).toEqual([
      ['10001', 'counted', null],
      ['10002', 'counted', null],
      ['10003', 'skipped', expect.stringContaining('below the threshold: sev4 (Low)')],
      ['10004', 'counted', null],
      ['10005', 'skipped', expect.stringContaining('cancelled: not an incident for the figures')],
      ['10006', 'counted', null],
      ['10007', 'unmapped', expect.stringContaining('no rule of incidents.jira')],
    ]);
    expect(JSON.parse((viaCloud.records[1] as any).links)).toEqual({ changeRequest: 'CHG-42' });
    expect(JSON.parse((viaCloud.records[5] as any).links)).toEqual({ deploymentId: 'D4' });
    expect(JSON.parse((viaCloud.records[6] as any).links)).toEqual({ rootCauseSha: '9f3c2ab71d' });
    const text = JSON.stringify(viaCloud);
    for (const person of ['Jane', 'Sam Patel', 'ward 7', 'Booking down']) expect(text).not.toContain(person);
  });

  it('reads again only from the cursor (less an hour), with the bound in the account zone, and picks up a change made after it', async () => {
    const c = config('cloud');
    await pull(c);
    expect(cursorOf(c.dbFile)).toBe('2026-03-22T10:30:00.000Z');
    const before = fake.requests.length;
    // OPS-4 is resolved 40 minutes after the cursor; New York is 4 hours behind UTC that day.
    const i4 = fake.issues.find((i) => i.id === '10004')!;
    const saved = { ...i4 };
    Object.assign(i4, {
      resolution: 'Done',
      resolutiondate: Date.parse('2026-03-22T11:05:00Z'),
      updated: Date.parse('2026-03-22T11:10:00Z'),
    });
    try {
      expect((await pull(c, { now: NOW + 3_600_000 })).errors).toEqual([]);
      const sent = fake.requests.slice(before).filter((q) => q.path === '/rest/api/3/search/jql');
      expect(sent).toHaveLength(1);
      // The cursor 10:30Z, less an hour, is 05:30 in New York.
      expect(sent[0].query.get('jql')).toBe('(issuetype = Incident) AND updated >= "2026-03-22 05:30" ORDER BY updated ASC, key ASC');
      expect(snapshot(c.dbFile).incidents.find((i: any) => i.id === '10004')).toMatchObject({
        resolvedAt: Date.parse('2026-03-22T11:05:00Z'),
      });
      expect(cursorOf(c.dbFile)).toBe('2026-03-22T11:10:00.000Z');
    } finally {
      Object.assign(i4, saved);
    }
  });

  it('converges to the identical database through 429s, 5xx, resets and expired credentials', async () => {
    const clean = config('cloud');
    await pull(clean, { pageSize: 3 });
    const faulty = config('cloud');
    fake.retryAfter = 1;
    fake.queueFaults('429', 'reset', '503', '500');
    expect((await pull(faulty, { pageSize: 3 })).errors).toEqual([]);
    const faultyDc = config('datacenter');
    fakeDc.queueFaults('500', '429', 'reset');
    expect((await pull(faultyDc, { pageSize: 3 })).errors).toEqual([]);
    fake.queueFaults('expire');
    const refused = await pull(faulty, { pageSize: 3 });
    expect(refused.errors[0].message).toMatch(/Jira refused the API token \(JIRA_TOKEN, with JIRA_EMAIL\): it may have expired/);
    fake.expired = false;
    expect((await pull(faulty, { pageSize: 3 })).errors).toEqual([]);
    expect(snapshot(faulty.dbFile)).toEqual(snapshot(clean.dbFile));
    const siteless = (file: string) => JSON.stringify(snapshot(file)).replaceAll(fake.url, 'SITE').replaceAll(fakeDc.url, 'SITE');
    expect(siteless(faultyDc.dbFile)).toBe(siteless(clean.dbFile));
  });

  it('reads every issue when more of them changed in one minute than a page holds', async () => {
    const minute = Date.parse('2026-03-15T12:00:00Z');
    const crowd: Story[] = Array.from({ length: 7 }, (_, n) => ({
      id: String(11000 + n),
      key: `OPS-${100 + n}`,
      component: 'Booking',
      summary: 'Many at once',
      priority: 'High',
      createdAt: new Date(minute + n * 1000).toISOString(),
      resolvedAt: new Date(minute + 30_000 + n * 1000).toISOString(),
    }));
    fake.issues.push(...crowd.map(restIssue));
    try {
      const c = config('cloud');
      const before = fake.requests.length;
      expect((await pull(c, { pageSize: 2 })).errors).toEqual([]);
      // A page of nothing new follows the search's own token, so a crowded minute does not loop.
      expect(fake.requests.slice(before).some((q) => q.query.has('nextPageToken'))).toBe(true);
      const d = config('datacenter');
      fakeDc.issues.push(...crowd.map(restIssue));
      const beforeDc = fakeDc.requests.length;
      expect((await pull(d, { pageSize: 2 })).errors).toEqual([]);
      expect(fakeDc.requests.slice(beforeDc).some((q) => Number(q.query.get('startAt')) > 0)).toBe(true);
      expect(snapshot(d.dbFile).records).toHaveLength(stories.length + crowd.length);
      expect(snapshot(c.dbFile).records.map((r: any) => r.id)).toEqual(expect.arrayContaining(crowd.map((s) => s.id)));
      expect(snapshot(c.dbFile).records).toHaveLength(stories.length + crowd.length);
    } finally {
      fake.issues.splice(-crowd.length);
      fakeDc.issues.splice(stories.length);
    }
  });

  it("reads the severity from a custom field where configured (JSM's Severity), and the summary where titles are on, asking Jira for those fields", async () => {
    const story: Story = {
      id: '12001',
      key: 'OPS-200',
      component: 'Booking',
      summary: 'Severity set apart from priority',
      priority: 'Lowest',
      createdAt: '2026-03-16T09:00:00Z',
      custom: { customfield_10060: { self: 'x', value: 'Sev 1', id: '10080' } },
    };
    fake.issues.push(restIssue(story));
    try {
      const c = config('cloud', '    severityField: customfield_10060\n    severity: {"sev 1": sev1, "sev 2": sev2}\n    titles: true\n');
      const before = fake.requests.length;
      expect((await pull(c)).errors).toEqual([]);
      const search = fake.requests.slice(before).find((q) => q.path === '/rest/api/3/search/jql')!;
      expect(search.query.get('fields')!.split(',')).toContain('customfield_10060');
      expect(search.query.get('fields')!.split(',')).toContain('summary');
      // With titles on, the summary is stored, and still nobody else's words.
      expect(snapshot(c.dbFile).incidents.find((i: any) => i.id === '12001')).toMatchObject({
        severity: 'sev1',
        title: 'Severity set apart from priority',
      });
    } finally {
      fake.issues.pop();
    }
  });

  it('names the key and the fix when the configuration is wrong', () => {
    const bad = (yaml: string) => () => h.config(`incidents:\n  jira:\n    baseUrl: https://acme.atlassian.net\n${yaml}`);
    expect(bad('    token: t\n')).toThrow(ConfigError);
    expect(bad('    token: t\n')).toThrow(/incidents\.jira\.email: Jira Cloud's API tokens go with the account's email: set JIRA_EMAIL/);
    expect(bad('    jql: project = OPS ORDER BY created\n')).toThrow(/incidents\.jira\.jql: leave out ORDER BY/);
    expect(bad('    services: [{when: {reporter: Jane}, service: health/booking}]\n')).toThrow(
      /incidents\.jira\.services\[0\]\.when: "reporter" is not a field of jira incidents: use project, component/,
    );
    expect(bad('    resolutions: {"Won\'t Do": ignored}\n')).toThrow(
      /incidents\.jira\.resolutions.*expected cancelled, duplicate or not_an_incident/,
    );
    expect(bad('    severityField: reporter\n')).toThrow(/incidents\.jira\.severityField: expected priority or a custom field/);
    expect(bad('    links: {deploymentId: {field: assignee}}\n')).toThrow(
      /incidents\.jira\.links\.deploymentId\.field: "assignee" is not a field/,
    );
    expect(() => h.config('incidents:\n  jira:\n    token: t\n')).toThrow(/incidents\.jira\.baseUrl/);
  });
});

/**
 * The figures, worked by hand from DESIGN's definitions. Six production deployments of
 * health/booking: D1 03-02 09:00, D2 03-05 09:00, D3 03-10 07:00 (carried CHG-42), D4 03-10 08:10,
 * D5 03-13 10:00, D6 03-21 09:00. Incidents (Jira): OPS-1 03-02 10:00–11:30 High (sev2);
 * OPS-2 03-10 08:00–08:20 Highest, "is caused by" CHG-42; OPS-3 03-13 09:00–12:00 Low (sev4, below
 * the threshold); OPS-4 opened 03-20 09:00, still open, High; OPS-5 03-06 09:00–10:00 Highest but
 * resolved "Won't Do" (cancelled); OPS-6 03-22 10:00–10:30 Highest, its custom field naming D4.
 *
 * - change failure rate: OPS-1 → D1 (the latest before it), OPS-2 → D3 (its change request), OPS-4 →
 *   D5 (the latest before 03-20), OPS-6 → D4 (named, though D6 is the latest before it): 4 of 6.
 *   Counting OPS-5 would fail D2 too: 5 of 6.
 * - rework: D4 (made while OPS-2 was open) and D6 (while OPS-4 is): 2 of 6 (OPS-3 would add D5).
 * - time to restore, resolved in the window: OPS-1 5400 s, OPS-2 1200 s, OPS-6 1800 s: p50 1800 s
 *   of 3 (OPS-5 would add 3600 s: p50 2700 s of 4).
 * - failed deployment recovery time, explicitly linked only: OPS-2 1200 s, OPS-6 1800 s: p50 1500 s of 2.
 */
export const deployments = [
  ['D1', '2026-03-02T09:00:00Z'],
  ['D2', '2026-03-05T09:00:00Z'],
  ['D3', '2026-03-10T07:00:00Z', 'CHG-42'],
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

export function expectHandWorked(m: any) {
  expect(m.changeFailureRate).toMatchObject({ count: 6, failed: 4, rate: 4 / 6 });
  expect(m.reworkRate).toMatchObject({ count: 6, rework: 2, rate: 2 / 6 });
  expect(m.timeToRestore).toMatchObject({ count: 3, p50: 1800 });
  expect(m.failedDeploymentRecoveryTime).toMatchObject({ count: 2, p50: 1500 });
}

export const metricsOf = async (url: string) =>
  (await get(`${url}/api/v1/metrics?scope=service:health/booking&from=2026-03-01&to=2026-03-25`)).body;

describe('the figures from Jira, worked by hand', () => {
  it('from a pull: change failure rate, recovery times and rework rate, linked by change request and by deployment id, the cancelled incident not counting', async () => {
    const c = config('cloud');
    let s = await h.serve(c);
    expect((await post(`${s.url}/api/v1/events`, deployments)).status).toBe(200);
    await h.stop(s);
    expect((await pull(c)).errors).toEqual([]);
    s = await h.serve(c);
    expectHandWorked(await metricsOf(s.url));
  });
});

/** Posts a delivery as Jira does: signed with the secret unless `sig` says otherwise ('' for none). */
async function deliver(url: string, d: { id?: string; body: string }, sig?: string, path = '/webhooks/jira') {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    body: d.body,
    headers: {
      'content-type': 'application/json',
      ...(d.id ? { 'x-atlassian-webhook-identifier': d.id } : {}),
      ...(sig === undefined ? { 'x-hub-signature': hubSignature(d.body, SECRET) } : sig ? { 'x-hub-signature': sig } : {}),
    },
  });
  return { status: res.status, body: (await res.json()) as any };
}
const allDeliveries = (zone = 'Europe/Berlin') =>
  stories.flatMap((s) => webhookDeliveries(s, zone, fake.url)).sort((a, b) => JSON.parse(a.body).timestamp - JSON.parse(b.body).timestamp);

describe('Jira webhooks', () => {
  it('give the same incidents as the pull, and the hand-worked figures', async () => {
    const pulled = config('cloud');
    expect((await pull(pulled)).errors).toEqual([]);
    const hooked = config('cloud');
    const s = await h.serve(hooked);
    expect((await post(`${s.url}/api/v1/events`, deployments)).status).toBe(200);
    // Written in New York's zone this time (Jira writes in the site's): the same instants.
    for (const d of allDeliveries('America/New_York')) expect((await deliver(s.url, d)).status).toBe(200);
    expectHandWorked(await metricsOf(s.url));
    await h.stop(s);
    expect(snapshot(hooked.dbFile)).toEqual(snapshot(pulled.dbFile));
  });

  it('stores a redelivery once (by X-Atlassian-Webhook-Identifier, else by the body), never lets an older state overwrite a newer one, and acknowledges other events', async () => {
    const c = config('cloud');
    const s = await h.serve(c);
    const [created, resolved] = webhookDeliveries(stories[0], 'Europe/Berlin', fake.url);
    expect((await deliver(s.url, created)).body).toMatchObject({ accepted: 1, incident: { status: 'counted' } });
    expect((await deliver(s.url, resolved)).body).toMatchObject({ updated: 1 });
    expect(await deliver(s.url, resolved)).toMatchObject({ status: 202, body: { duplicate: true } });
    // Data Center sends no identifier: the same bytes again are the same delivery.
    const bare = { body: webhookDeliveries(stories[1], 'Asia/Kolkata', fake.url)[0].body };
    expect((await deliver(s.url, bare)).status).toBe(200);
    expect(await deliver(s.url, bare)).toMatchObject({ status: 202, body: { duplicate: true } });
    // The created state again under a new identifier: older than the resolution, so nothing changes.
    expect((await deliver(s.url, { ...created, id: 'late-copy-0001' })).body).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    const deleted = {
      id: 'del-0001',
      body: JSON.stringify({ timestamp: NOW, webhookEvent: 'jira:issue_deleted', issue: JSON.parse(created.body).issue }),
    };
    // Deleted in Jira: withdrawn from the figures (its record says why); the same deletion again is a duplicate.
    expect(await deliver(s.url, deleted)).toMatchObject({
      status: 200,
      body: { incident: { status: 'skipped', reason: expect.stringContaining('deleted in its tool') } },
    });
    expect(await deliver(s.url, deleted)).toMatchObject({ status: 202, body: { duplicate: true } });
    const comment = {
      id: 'comment-0001',
      body: JSON.stringify({ timestamp: NOW, webhookEvent: 'comment_created', issue: JSON.parse(created.body).issue }),
    };
    expect(await deliver(s.url, comment)).toMatchObject({ status: 202, body: { ignored: expect.stringContaining('comment_created') } });
    const task = JSON.parse(webhookDeliveries({ ...stories[2], id: '10099', key: 'OPS-99' }, 'UTC', fake.url)[0].body);
    task.issue.fields.issuetype.name = 'Task';
    expect(await deliver(s.url, { id: 'task-0001', body: JSON.stringify(task) })).toMatchObject({
      status: 202,
      body: { ignored: expect.stringContaining('webhookIssueTypes') },
    });
    const list = await get(`${s.url}/api/v1/incidents?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
    expect(list.body.items.map((i: any) => [i.id, i.resolvedAt])).toEqual([['10002', null]]);
  });

  it('refuses a missing, wrong or stale signature with 401 and stores nothing; a rotated secret signs; absurd bodies are refused', async () => {
    const c = config('cloud');
    const s = await h.serve(c);
    const [created] = webhookDeliveries(stories[1], 'Europe/Berlin', fake.url);
    expect((await deliver(s.url, created, '')).status).toBe(401);
    expect((await deliver(s.url, created, hubSignature(created.body, 'not-the-secret-at-all'))).status).toBe(401);
    expect(
      (await deliver(s.url, { ...created, body: created.body.replace('Highest', 'Lowest') }, hubSignature(created.body, SECRET))).status,
    ).toBe(401);
    expect((await deliver(s.url, created, 'sha1=abc')).body.error.code).toBe('bad_signature');
    // A secret in the URL is refused where none is configured.
    expect((await deliver(s.url, created, '', `/webhooks/jira?secret=${URL_SECRET}`)).status).toBe(401);
    const huge = JSON.stringify({ ...JSON.parse(created.body), padding: 'x'.repeat(5_300_000) });
    expect(await deliver(s.url, { id: 'huge', body: huge })).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(await deliver(s.url, { id: 'deep', body: '['.repeat(100_000) + ']'.repeat(100_000) })).toMatchObject({
      status: 400,
      body: { error: { code: 'too_deep' } },
    });
    expect(snapshot(c.dbFile)).toEqual({ incidents: [], records: [] });
    expect((await deliver(s.url, created, hubSignature(created.body, OLD_SECRET))).status).toBe(200);
  });

  it('takes a secret in the URL only where configured (the weaker way), and compares it', async () => {
    const c = config('datacenter', `    webhookUrlSecrets: [${URL_SECRET}]\n`);
    const s = await h.serve(c);
    const [created] = webhookDeliveries(stories[0], 'Asia/Kolkata', fakeDc.url);
    expect((await deliver(s.url, { body: created.body }, '', '/webhooks/jira?secret=wrong-secret-0123456789')).status).toBe(401);
    expect((await deliver(s.url, { body: created.body }, '', '/webhooks/jira')).status).toBe(401);
    expect((await deliver(s.url, { body: created.body }, '', `/webhooks/jira?secret=${URL_SECRET}`)).body).toMatchObject({
      accepted: 1,
      incident: { id: '10001', status: 'counted', service: 'health/booking' },
    });
  });
});

describe('Jira webhooks against absurd issues', () => {
  it('answers every signed body whose issue fields are replaced by arbitrary JSON with 200, 202 or 400, never a 500, and stays up', async () => {
    const c = config('cloud');
    const s = await h.serve(c);
    const base = JSON.parse(webhookDeliveries(stories[1], 'Europe/Berlin', fake.url)[1].body);
    const keys = [
      'created',
      'updated',
      'resolutiondate',
      'resolution',
      'priority',
      'project',
      'issuetype',
      'components',
      'labels',
      'issuelinks',
      'customfield_10050',
    ];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys, 'id', 'key', 'issue'), fc.jsonValue({ maxDepth: 4 }), async (key, value) => {
        const body = structuredClone(base);
        if (key === 'issue') body.issue = value;
        else if (key === 'id' || key === 'key') body.issue[key] = value;
        else body.issue.fields[key] = value;
        const text = JSON.stringify(body);
        const r = await deliver(s.url, { id: `fuzz-${++n}`, body: text });
        expect([200, 202, 400]).toContain(r.status);
      }),
      { numRuns: 60 },
    );
    expect((await get(`${s.url}/api/v1/health`)).status).toBe(200);
  });
});

describe('Jira issues that stop being incidents', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  let own: FakeJira;
  beforeAll(async () => {
    own = await startFakeJira({ ...cloud, issues: stories.map(restIssue) });
  });
  afterAll(async () => {
    await own.close();
  });
  const ownConfig = () =>
    h.config(`incidents:
  jira:
    baseUrl: ${own.url}
    edition: cloud
    email: ${EMAIL}
    token: ${TOKEN}
    jql: project = OPS AND issuetype = Incident
    listEvery: 1d
${JIRA_MAPPING}`);
  const listings = () => own.requests.filter((r) => r.query.get('fields') === 'updated').length;
  const counted = (file: string) => (snapshot(file).incidents as { id: string }[]).map((i) => i.id);
  const record = (file: string, id: string) =>
    (snapshot(file).records as { id: string; status: string; reason: string }[]).find((r) => r.id === id)!;

  it('withdraws, at the next daily listing, issues deleted, moved out of the project or changed to another type, and counts one moved back', async () => {
    const c = ownConfig();
    expect((await pull(c)).errors).toEqual([]);
    expect(counted(c.dbFile)).toEqual(['10001', '10002', '10004', '10006']);
    // The first run has just read all of them: it lists nothing.
    expect(listings()).toBe(0);
    // In Jira: OPS-1 deleted, OPS-2 moved to another project, OPS-4 made a Task (each move updates it).
    own.issues = own.issues.filter((i) => i.key !== 'OPS-1');
    const moved = (key: string, change: Partial<FakeIssue>) =>
      Object.assign(
        own.issues.find((i) => i.key === key)!,
        change,
      );
    moved('OPS-2', { project: 'ARCHIVE', key: 'ARCHIVE-9', updated: NOW + 2 * HOUR });
    moved('OPS-4', { issuetype: 'Task', updated: NOW + 3 * HOUR });
    // Within the day: the search by updated cannot see them, and no listing is due.
    expect((await pull(c, { now: NOW + 6 * HOUR })).errors).toEqual([]);
    expect(listings()).toBe(0);
    expect(counted(c.dbFile)).toEqual(['10001', '10002', '10004', '10006']);
    // A day on: listed again, the three are withdrawn through the one ingest path, their records saying why.
    expect((await pull(c, { now: NOW + DAY })).errors).toEqual([]);
    expect(listings()).toBe(1);
    expect(counted(c.dbFile)).toEqual(['10006']);
    for (const id of ['10001', '10002', '10004'])
      expect(record(c.dbFile, id)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no longer named by its query') });
    const m = await (async () => {
      const s = await h.serve(c);
      const r = await get(`${s.url}/api/v1/incidents?scope=service:health/booking&from=2026-03-01&to=2026-03-25`);
      await h.stop(s);
      return r.body.items.map((i: { id: string }) => i.id);
    })();
    expect(m).toEqual(['10006']);
    // OPS-2 moved back: its move is newer than the withdrawal, so it counts again.
    moved('ARCHIVE-9', { project: 'OPS', key: 'OPS-2', updated: NOW + DAY + HOUR });
    expect((await pull(c, { now: NOW + DAY + 2 * HOUR })).errors).toEqual([]);
    expect(counted(c.dbFile)).toEqual(['10002', '10006']);
  });

  it('takes a cancelling status (cancelledStatuses) as cancelled without a resolution, in a pull and a webhook alike', async () => {
    const canceled: Story = { ...stories[0], id: '10050', key: 'OPS-50', createdAt: '2026-03-15T09:00:00Z', resolvedAt: undefined };
    own.issues.push({ ...restIssue(canceled), status: 'Canceled' });
    const c = ownConfig();
    expect((await pull(c)).errors).toEqual([]);
    expect(record(c.dbFile, '10050')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('cancelled') });
    expect(counted(c.dbFile)).not.toContain('10050');
    const hooked = config('cloud');
    const s = await h.serve(hooked);
    const delivery = webhookDeliveries(canceled, 'UTC', own.url)[0];
    const body = JSON.parse(delivery.body);
    body.issue.fields.status = { name: 'Canceled', statusCategory: { key: 'done' } };
    expect((await deliver(s.url, { id: 'cancel-0001', body: JSON.stringify(body) })).body).toMatchObject({
      incident: { status: 'skipped', reason: expect.stringContaining('cancelled') },
    });
  });
});

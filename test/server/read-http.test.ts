import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../helpers/server';
import { scenarioEvents } from '../helpers/scenario';
import { sha } from '../helpers/factories';

let s: Awaited<ReturnType<typeof startTestServer>>;
const q = 'from=2026-03-02&to=2026-03-16';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deming-config-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(
    file,
    `organisation:
  - id: d1
    name: Department One
    teams:
      - id: t1
        name: Team One
        services: ["acme/*"]
`,
  );
  s = await startTestServer({ DEMING_CONFIG: file }, () => Date.parse('2026-03-16T00:00:00Z'));
  expect((await post(`${s.url}/api/v1/events`, scenarioEvents())).status).toBe(200);
});
afterAll(async () => {
  await s.stop();
});

describe('reads', () => {
  it('GET /api/v1/health reports the database', async () => {
    const r = await get(`${s.url}/api/v1/health`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: { ok: true, services: 3 }, demo: false });
    expect(r.body.database.events).toBe(await s.count('raw_events'));
    expect(r.body.database.events).toBeGreaterThan(0);
    // What the server builds after its start (the fact and key indexes) is soon done, and says so.
    let building = r.body.building;
    for (let i = 0; i < 50 && building.length > 0; i++) building = (await get(`${s.url}/api/v1/health`)).body.building;
    expect(building).toEqual([]);
  });

  it('GET /api/v1/org gives the configured organisation with the services mapped by pattern', async () => {
    const r = await get(`${s.url}/api/v1/org`);
    expect(r.body.departments).toEqual([{ id: 'd1', name: 'Department One', teams: ['t1'] }]);
    expect(r.body.teams).toEqual([{ id: 't1', name: 'Team One', departmentId: 'd1', services: ['acme/api', 'acme/app', 'acme/old'] }]);
  });

  it('GET /api/v1/metrics gives the five metrics for every kind of scope', async () => {
    const svc = await get(`${s.url}/api/v1/metrics?scope=service:acme/app&${q}`);
    expect(svc.status).toBe(200);
    // Two weeks, five changes, four deployments since its first incident: figures, too few to band.
    expect(svc.body.leadTime).toMatchObject({ count: 5, p50: 86_400, band: null, bandReason: 'too few' });
    expect(svc.body.changeFailureRate).toEqual({
      count: 4,
      failed: 2,
      rate: 0.5,
      band: null,
      bandReason: 'too few',
      services: 1,
      servicesInScope: 1,
      reason: null,
    });
    expect(svc.body.failedDeploymentRecoveryTime).toMatchObject({ count: 2, p50: 21_900 });
    expect(svc.body.benchmark).toMatchObject({ edition: '2025', industries: { government: 'Government', all: 'All industries' } });
    const team = await get(`${s.url}/api/v1/metrics?scope=team:t1&${q}`);
    expect(team.body.changeFailureRate).toMatchObject({ services: 1, servicesInScope: 3 });
    expect(team.body.bands).toEqual({ elite: 0, high: 0, medium: 0, low: 0, none: 3 });
    const dept = await get(`${s.url}/api/v1/metrics?scope=department:d1&${q}`);
    const org = await get(`${s.url}/api/v1/metrics?scope=org&${q}`);
    expect(dept.body.leadTime).toEqual(team.body.leadTime);
    expect(org.body.deploymentFrequency).toEqual(team.body.deploymentFrequency);
  });

  it('defaults to the last 90 days up to now', async () => {
    const r = await get(`${s.url}/api/v1/metrics?scope=org`);
    expect(r.body.from).toBe('2025-12-16T00:00:00.000Z');
    expect(r.body.to).toBe('2026-03-16T00:00:00.000Z');
  });

  it('GET /api/v1/metrics/series gives zero-filled buckets and lead-time XmR limits', async () => {
    const r = await get(`${s.url}/api/v1/metrics/series?scope=service:acme/app&from=2026-02-23&to=2026-03-23&bucket=week`);
    expect(r.status).toBe(200);
    expect(r.body.points.map((p: any) => [p.from.slice(0, 10), p.deploymentFrequency.count, p.leadTime.p50])).toEqual([
      ['2026-02-23', 1, 5 * 86_400],
      ['2026-03-02', 2, 43_200],
      ['2026-03-09', 2, 1.5 * 86_400],
      ['2026-03-16', 0, null],
    ]);
    expect(r.body.leadTimeXmr.values).toEqual([5 * 86_400, 43_200, 1.5 * 86_400, null]);
    expect(r.body.leadTimeXmr.centre).toBeCloseTo((5 * 86_400 + 43_200 + 1.5 * 86_400) / 3, 6);
  });

  it('GET /api/v1/changes lists the slowest changes first with links and stages', async () => {
    const r = await get(`${s.url}/api/v1/changes?scope=service:acme/app&${q}&limit=2`);
    expect(r.body.items.map((c: any) => [c.sha, c.leadTime, c.deploymentId])).toEqual([
      [sha('c2'), 3 * 86_400, 'deploy-1'],
      [sha('c6'), 2 * 86_400, 'deploy-4'],
    ]);
    expect(r.body.items[0].pullRequest).toEqual({ number: 1, url: null });
    // No change request names the deployment: no approval segment, and why.
    expect(r.body.items[0].stages).toEqual({
      plan: 2 * 86_400,
      do: 2 * 86_400 + 18 * 3600,
      check: 7200,
      act: 14_400,
      approval: null,
      release: null,
      approvalReason: 'no change request',
    });
    const fastest = await get(`${s.url}/api/v1/changes?scope=service:acme/app&${q}&sort=fastest&limit=1`);
    expect(fastest.body.items[0].sha).toBe(sha('c7'));
  });

  it('lists deployments, incidents and CI runs of a scope and window, newest first', async () => {
    const d = await get(`${s.url}/api/v1/deployments?scope=service:acme/app&${q}`);
    expect(d.body.items.map((x: any) => x.id)).toEqual([
      'deploy-running',
      'deploy-4',
      'deploy-staging',
      'deploy-3',
      'deploy-failed',
      'deploy-2',
      'deploy-1',
    ]);
    expect(d.body.items[1]).toMatchObject({ production: true, status: 'success', changes: 2, finishedAt: '2026-03-14T00:00:00.000Z' });
    const i = await get(`${s.url}/api/v1/incidents?scope=service:acme/app&${q}`);
    expect(i.body.items.map((x: any) => x.id)).toEqual(['i5', 'i2', 'i4', 'i3', 'i1']);
    const c = await get(`${s.url}/api/v1/ci-runs?scope=service:acme/app&${q}`);
    expect(c.body.items.map((x: any) => [x.id, x.status])).toEqual([
      ['run-1', 'success'],
      ['run-0', 'failure'],
    ]);
  });

  it('answers CSV when asked, quoted as RFC 4180 says', async () => {
    const r = await get(`${s.url}/api/v1/incidents?scope=service:acme/app&${q}&format=csv`);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = r.text.trim().split('\r\n');
    expect(lines[0]).toBe('service,id,source,openedAt,resolvedAt,severity,deploymentId,rootCauseSha,title,url');
    expect(lines).toHaveLength(6);
    const viaAccept = await get(`${s.url}/api/v1/metrics/series?scope=org&${q}`, { accept: 'text/csv' });
    expect(viaAccept.text.split('\r\n')[0]).toContain('leadTime.p50');
    // Failed deployment recovery time and the evidence of each figure are columns too.
    for (const column of [
      'failedDeploymentRecoveryTime.p50',
      'changeFailureRate.services',
      'changeFailureRate.reason',
      'leadTime.bandReason',
    ]) {
      expect(viaAccept.text.split('\r\n')[0]).toContain(column);
    }
    const metricsCsv = await get(`${s.url}/api/v1/metrics?scope=org&${q}&format=csv`);
    expect(metricsCsv.text.split('\r\n')[0]).toContain('benchmark.average.aheadOf.government');
  });

  it.each([
    ['/api/v1/metrics?scope=everything', 400, 'invalid_scope', /scope: expected "org"/],
    ['/api/v1/metrics?scope=team:nope', 404, 'unknown_scope', /No team "nope"/],
    ['/api/v1/metrics?scope=service:no/such', 404, 'unknown_scope', /No service/],
    ['/api/v1/metrics?from=2026-03-10&to=2026-03-01', 400, 'invalid_query', /from: must be before to/],
    ['/api/v1/metrics?from=yesterday', 400, 'invalid_query', /from: expected a date/],
    ['/api/v1/metrics/series?bucket=year', 400, 'invalid_query', /bucket: expected day, week or month/],
    ['/api/v1/metrics/series?bucket=day&from=2020-01-01&to=2026-01-01', 400, 'invalid_query', /larger bucket/],
    ['/api/v1/changes?sort=random', 400, 'invalid_query', /sort: expected one of slowest/],
    ['/api/v1/changes?limit=0', 400, 'invalid_query', /limit/],
    ['/api/v1/nothing-here', 404, 'not_found', /No such endpoint/],
  ])('GET %s answers %i %s', async (path, status, code, message) => {
    const r = await get(`${s.url}${path}`);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
  });

  it('sends the security headers helmet sets, with a strict CSP', async () => {
    const r = await get(`${s.url}/api/v1/health`);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('compresses what it sends when the client accepts gzip', async () => {
    const r = await fetch(`${s.url}/api/v1/metrics/series?scope=org&from=2026-01-01&to=2026-03-16&bucket=day`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect((await r.json()).points.length).toBe(74);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startTestServer } from '../helpers/server';

let s: Awaited<ReturnType<typeof startTestServer>>;
const now = Date.parse('2026-11-01T00:00:00Z');
beforeAll(async () => {
  s = await startTestServer({ DEMING_DEMO: 'on' }, () => now);
});
afterAll(async () => {
  await s.stop();
});

describe('GET /api/v1/summary', () => {
  it('gives executives one row per department: now, baseline, speedup, bands and a 12-month trend', async () => {
    const r = await get(`${s.url}/api/v1/summary?from=2026-08-01&to=2026-11-01`);
    expect(r.status).toBe(200);
    expect(r.body.demo).toBe(true);
    expect(r.body.departments.map((d: any) => d.department.name).sort()).toEqual(['Health', 'Revenue & Benefits', 'Transport']);
    for (const row of r.body.departments) {
      const m = await get(`${s.url}/api/v1/metrics?scope=department:${row.department.id}&from=2026-08-01&to=2026-11-01`);
      expect(row.metrics).toEqual(m.body);
      expect(row.trend).toHaveLength(12);
      expect(row.trend[0].from).toBe('2025-11-01T00:00:00.000Z');
      expect(row.trend[11].to).toBe('2026-11-01T00:00:00.000Z');
      // The trend since the baseline starts in the baseline's month and ends with the window.
      expect(row.sinceBaseline[0].from.slice(0, 7)).toBe(row.metrics.baseline.from.slice(0, 7));
      expect(row.sinceBaseline.at(-1).to).toBe('2026-11-01T00:00:00.000Z');
      // The demo's story: every department went from months (its baseline) to far less.
      expect(row.metrics.baseline.leadTimeP50).toBeGreaterThan(30 * 86_400);
      expect(row.metrics.speedup).toBeGreaterThan(3);
      // The headline's "now" is the 90 days to the window's end, whatever the window.
      expect(row.metrics.now).toMatchObject({ from: '2026-08-03T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
      expect(row.metrics.benchmark.average.aheadOf.government).toBeGreaterThan(0);
      const bands = row.metrics.bands;
      expect(bands.elite + bands.high + bands.medium + bands.low + bands.none).toBe(row.services);
    }
    const total = r.body.departments.reduce((n: number, d: any) => n + d.metrics.deploymentFrequency.count, 0);
    expect(r.body.org.deploymentFrequency.count).toBe(total);
  });

  it('answers CSV with one line per department', async () => {
    const r = await get(`${s.url}/api/v1/summary?format=csv`);
    const lines = r.text.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('speedup');
    for (const column of ['nowLeadTimeP50', 'baselineLeftOut', 'failedDeploymentRecoveryTimeP50', 'aheadOfGovernment'])
      expect(lines[0]).toContain(column);
  });
});

describe('GET /api/v1/children', () => {
  it('gives the figures of each child scope, equal to reading each one', async () => {
    const org = await get(`${s.url}/api/v1/children?scope=org&from=2026-08-01&to=2026-11-01`);
    expect(org.body.items.map((i: any) => i.scope).sort()).toEqual([
      'department:health',
      'department:revenue-benefits',
      'department:transport',
    ]);
    const dept = await get(`${s.url}/api/v1/children?scope=department:health&from=2026-08-01&to=2026-11-01`);
    expect(dept.body.items.length).toBeGreaterThanOrEqual(2);
    for (const item of dept.body.items) {
      const m = await get(`${s.url}/api/v1/metrics?scope=${item.scope}&from=2026-08-01&to=2026-11-01`);
      expect(item.metrics).toEqual(m.body);
    }
    const team = await get(`${s.url}/api/v1/children?scope=${dept.body.items[0].scope}&from=2026-08-01&to=2026-11-01`);
    expect(team.body.items.every((i: any) => i.scope.startsWith('service:') && i.services === 1)).toBe(true);
    const service = await get(`${s.url}/api/v1/children?scope=${team.body.items[0].scope}`);
    expect(service.body.items).toEqual([]);
  });
});

describe('GET /api/v1/deployments', () => {
  it('marks which production deployments caused an incident, as the change failure rate counts them', async () => {
    const scope = 'department:revenue-benefits';
    const d = await get(`${s.url}/api/v1/deployments?scope=${scope}&from=2026-08-01&to=2026-11-01&limit=10000`);
    const m = await get(`${s.url}/api/v1/metrics?scope=${scope}&from=2026-08-01&to=2026-11-01`);
    const counted = d.body.items.filter((x: any) => x.production && x.status === 'success');
    expect(counted.length).toBe(m.body.changeFailureRate.count);
    expect(counted.filter((x: any) => x.causedIncident).length).toBe(m.body.changeFailureRate.failed);
    expect(d.body.items.some((x: any) => !x.production && x.causedIncident)).toBe(false);
  });
});

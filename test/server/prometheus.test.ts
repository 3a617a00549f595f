import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestServer } from '../helpers/server';
import { deployment } from '../helpers/factories';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import type { NativeEvent } from '../../common/events';
import { ORG, scenarioEvents, WINDOW } from '../helpers/scenario';

interface Sample {
  labels: Record<string, string>;
  value: number;
}
type Families = Map<string, { type: string; help: string; samples: Sample[] }>;

/**
 * A small reader of the Prometheus text format that enforces what `promtool check metrics`
 * does: HELP and TYPE before samples, names with their unit, counters ending in `_total`,
 * label values properly escaped, one family block per name, no duplicate series.
 */
function parsePrometheus(text: string): Families {
  const families: Families = new Map();
  const seen = new Set<string>();
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP (\S+) (.+)$/.exec(line);
    const type = /^# TYPE (\S+) (gauge|counter)$/.exec(line);
    if (help) {
      expect(families.has(help[1]), `one block for ${help[1]}`).toBe(false);
      expect(help[1]).toMatch(name);
      families.set(help[1], { type: '', help: help[2], samples: [] });
      continue;
    }
    if (type) {
      expect(families.get(type[1])?.type).toBe('');
      families.get(type[1])!.type = type[2];
      if (type[2] === 'counter') expect(type[1]).toMatch(/_total$/);
      else expect(type[1]).not.toMatch(/_total$/);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    const family = families.get(m![1]);
    expect(family?.type, `TYPE before ${m![1]}`).toMatch(/gauge|counter/);
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
    let rest = m![2] ?? '';
    while (rest.length > 0) {
      labelRe.lastIndex = 0;
      const l = labelRe.exec(rest);
      expect(l, `labels: ${rest}`).not.toBeNull();
      labels[l![1]] = l![2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(l![0].length);
    }
    const value = Number(m![3]);
    expect(Number.isFinite(value), `value of ${line}`).toBe(true);
    const key = `${m![1]}${JSON.stringify(labels)}`;
    expect(seen.has(key), `duplicate ${key}`).toBe(false);
    seen.add(key);
    family!.samples.push({ labels, value });
  }
  for (const [n, f] of families)
    if (f.type === 'gauge' && /seconds|ratio|per_week|_median$|deployments$/.test(n) === false && n !== 'deming_metrics_window_seconds')
      throw new Error(`${n} has no unit`);
  return families;
}

let s: Awaited<ReturnType<typeof startTestServer>>;
const weird = 'acme/we"ird\\name';
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deming-prom-'));
  const config = join(dir, 'deming.config.yaml');
  writeFileSync(config, stringify({ organisation: ORG }));
  // A service whose name needs escaping in a label: the API refuses such names now, so it is one
  // stored before that (ingestEvents stores what it is given), as an older database holds.
  const dbFile = join(dir, 'deming.db');
  const legacy = openDatabase(dbFile);
  ingestEvents(legacy, [deployment({ id: 'w-1', service: weird, finishedAt: '2026-03-10T00:00:00Z' }) as NativeEvent], {
    production: /^prod(uction)?$/i,
    now: WINDOW.to,
    resolveTeam: () => null,
  });
  legacy.close();
  s = await startTestServer({ DEMING_CONFIG: config, DEMING_DB: dbFile }, () => WINDOW.to);
  expect((await post(`${s.url}/api/v1/events`, scenarioEvents())).status).toBe(200);
});
afterAll(async () => {
  await s.stop();
});

const value = (f: Families, name: string, scope: string) => f.get(name)!.samples.find((x) => x.labels.scope === scope)?.value ?? null;

describe('GET /metrics', () => {
  it('answers the Prometheus text format, with every scope checked against GET /api/v1/metrics', async () => {
    const r = await get(`${s.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = parsePrometheus(r.text);
    const from = new Date(WINDOW.to - 30 * 86_400_000).toISOString();
    const scopes = [
      'org',
      'department:d1',
      'team:t1',
      'department:unassigned',
      'team:unassigned',
      'service:acme/app',
      'service:acme/api',
      'service:acme/old',
      `service:${weird}`,
    ];
    // Only acme/app reports incidents (and so rework): no ratio is made up for the others.
    expect(new Set(f.get('deming_rework_ratio')!.samples.map((x) => x.labels.scope))).toEqual(
      new Set(['org', 'department:d1', 'team:t1', 'service:acme/app']),
    );
    for (const scope of scopes) {
      const api = (
        await get(`${s.url}/api/v1/metrics?scope=${encodeURIComponent(scope)}&from=${from}&to=${new Date(WINDOW.to).toISOString()}`)
      ).body;
      const kind = scope === 'org' ? 'org' : scope.split(':')[0];
      expect(f.get('deming_lead_time_p50_seconds')!.samples.find((x) => x.labels.scope === scope)?.labels.scope_kind ?? kind).toBe(kind);
      expect(
        {
          perWeek: value(f, 'deming_deployments_per_week', scope),
          count: value(f, 'deming_production_deployments', scope),
          daysPerWeek: value(f, 'deming_deployment_days_per_week_median', scope),
          p50: value(f, 'deming_lead_time_p50_seconds', scope),
          p85: value(f, 'deming_lead_time_p85_seconds', scope),
          p95: value(f, 'deming_lead_time_p95_seconds', scope),
          cfr: value(f, 'deming_change_failure_ratio', scope),
          ttr: value(f, 'deming_time_to_restore_p50_seconds', scope),
          rework: value(f, 'deming_rework_ratio', scope),
          recovery: value(f, 'deming_failed_deployment_recovery_p50_seconds', scope),
        },
        scope,
      ).toEqual({
        perWeek: api.deploymentFrequency.perWeek,
        count: api.deploymentFrequency.count,
        daysPerWeek: api.deploymentFrequency.deployDaysPerWeekMedian,
        p50: api.leadTime.p50,
        p85: api.leadTime.p85,
        p95: api.leadTime.p95,
        cfr: api.changeFailureRate.rate,
        ttr: api.timeToRestore.p50,
        rework: api.reworkRate.rate,
        recovery: api.failedDeploymentRecoveryTime.p50,
      });
    }
    // The scenario's figures, so the comparison above is not of nulls.
    expect(value(f, 'deming_lead_time_p50_seconds', 'service:acme/app')).toBeGreaterThan(0);
    expect(value(f, 'deming_change_failure_ratio', 'team:t1')).toBeGreaterThan(0);
    expect(value(f, 'deming_failed_deployment_recovery_p50_seconds', 'team:t1')).toBeGreaterThan(0);
    expect(value(f, 'deming_lead_time_p50_seconds', 'service:acme/old')).toBeNull(); // null figures are left out, not 0
    expect(f.get('deming_metrics_window_seconds')!.samples).toEqual([{ labels: {}, value: 30 * 86_400 }]);
  });

  it('counts the events ingested per type from the raw log, and keeps counting', async () => {
    const before = parsePrometheus((await get(`${s.url}/metrics`)).text).get('deming_events_ingested_total')!.samples;
    const byType = s.db.prepare('SELECT type, count(*) AS n FROM raw_events GROUP BY type').all() as { type: string; n: number }[];
    expect(before).toEqual(
      ['deployment', 'change', 'ci_run', 'incident'].map((type) => ({
        labels: { type },
        value: byType.find((b) => b.type === type)?.n ?? 0,
      })),
    );
    await post(`${s.url}/api/v1/events`, [deployment({ id: 'more-1', service: 'acme/app', finishedAt: '2026-03-15T00:00:00Z' })]);
    const after = parsePrometheus((await get(`${s.url}/metrics`)).text).get('deming_events_ingested_total')!.samples;
    expect(after.find((x) => x.labels.type === 'deployment')!.value).toBe(before.find((x) => x.labels.type === 'deployment')!.value + 1);
  });

  it('needs the viewer token when one is configured', async () => {
    const guarded = await startTestServer({ DEMING_VIEWER_TOKEN: 'viewer-token-0123456789abcdef' });
    try {
      expect((await get(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await get(`${guarded.url}/metrics`, { authorization: 'Bearer viewer-token-0123456789abcdef' })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});

/**
 * Issue 15: the government benchmark from DORA's Quick Check, hand-computed at every bucket
 * edge; the shipped data equal to the shared file; the settings refused when wrong.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerScore, benchmarkOf, durationAnswer, frequencyAnswer, normalCdf, shareScore } from '../../server/benchmark/score';
import { BENCHMARK_DIR, benchmarkEditions } from '../../server/benchmark/editions';
import { loadConfig } from '../../server/config';
import { loopItem } from '../helpers/loop-item';
import { get, post, startTestServer } from '../helpers/server';
import { ORG, scenarioEvents } from '../helpers/scenario';
import { stringify } from 'yaml';

const H = 3600;
const repo = resolve(import.meta.dirname, '..', '..');
const shared =
  [join(repo, '..', 'shared', 'benchmarks'), '/work/shared/benchmarks'].find((d) => {
    try {
      readFileSync(join(d, 'dora-quick-check-2025.json'));
      return true;
    } catch {
      return false;
    }
  }) ?? join(repo, '..', 'shared', 'benchmarks');

describe('the shipped Quick Check data', () => {
  it('is the shared file, byte for byte, and the 2025 edition is the one shipped', () => {
    const name = 'dora-quick-check-2025.json';
    expect(readFileSync(join(BENCHMARK_DIR, name), 'utf8')).toBe(readFileSync(join(shared, name), 'utf8'));
    expect(benchmarkEditions()).toEqual(['2025']);
  });
});

describe('answer buckets and scores', () => {
  it.each([
    [3599, 6],
    [H, 5],
    [24 * H - 1, 5],
    [24 * H, 4],
    [168 * H - 1, 4],
    [168 * H, 3],
    [720 * H - 1, 3],
    [720 * H, 2],
    [4380 * H - 1, 2],
    [4380 * H, 1],
  ])('a duration of %i s is answer %i', (seconds, answer) => {
    expect(durationAnswer(seconds)).toBe(answer);
  });

  it.each([
    [14, 6],
    [13.99, 5],
    [7, 5],
    [6.99, 4],
    [1, 4],
    [0.99, 3],
    [12 / 52, 3],
    [12 / 52 - 1e-9, 2],
    [2 / 52, 2],
    [2 / 52 - 1e-9, 1],
    [0, 1],
  ])('%f deployments a week is answer %i', (perWeek, answer) => {
    expect(frequencyAnswer(perWeek)).toBe(answer);
  });

  it('recodes answers and percentages to 0..10 as the Quick Check does', () => {
    expect([1, 2, 3, 4, 5, 6].map(answerScore)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(shareScore(0.05)).toBe(9.5);
    expect(shareScore(0)).toBe(10);
    expect(shareScore(1)).toBe(0);
  });

  it('Φ is the standard normal distribution function', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
  });
});

describe('a scope against Government and All industries', () => {
  it('scores each figure and the average, with aheadOf = Φ((score − mean) / std)', () => {
    // Lead time 2 h (answer 5, score 8), 14 a week (6, 10), recovery 36 h (4, 6), 5 % failed (9.5), 30 % rework (7).
    const now = loopItem({ leadTime: 2 * H, perWeek: 14, cfr: 0.05, ttr: 36 * H, rework: 0.3 }).metrics;
    const b = benchmarkOf(now, true, '2025');
    expect(b.industries).toEqual({ government: 'Government', all: 'All industries' });
    expect(b.about).toMatch(/Survey answers from DORA’s Quick Check .*not measurements/);
    expect(b.source).toMatch(/^DORA Quick Check, 2025 edition .*Apache-2\.0\.$/);
    expect(b.leadTime).toMatchObject({ answer: 5, score: 8 });
    // Government: mean 4.828947368, std 2.53655739; All: 5.371501190, 2.411310294 (values from Python's math.erf).
    expect(b.leadTime.aheadOf.government).toBeCloseTo(0.8943758508685985, 12);
    expect(b.leadTime.aheadOf.all).toBeCloseTo(0.8621590091349405, 12);
    expect(b.deploymentFrequency).toMatchObject({ answer: 6, score: 10 });
    expect(b.failedDeploymentRecoveryTime).toMatchObject({ answer: 4, score: 6 });
    expect(b.changeFailureRate.score).toBe(9.5);
    expect(b.changeFailureRate.aheadOf.government).toBeCloseTo(0.7842042883599996, 12);
    expect(b.reworkRate.score).toBeCloseTo(7, 12);
    expect(b.average.score).toBeCloseTo(8.1, 12);
    expect(b.average.aheadOf.government).toBeCloseTo(0.8275287105856917, 12);
    expect(b.average.aheadOf.all).toBeCloseTo(0.7976716190363569, 12);
  });

  it('averages four without rework, and gives no average without the four', () => {
    const noRework = benchmarkOf(loopItem({ leadTime: 2 * H, perWeek: 14, cfr: 0.05, ttr: 36 * H, rework: null }).metrics, true, '2025');
    expect(noRework.reworkRate.score).toBeNull();
    expect(noRework.average.score).toBeCloseTo((8 + 10 + 6 + 9.5) / 4, 12);
    const noRecovery = benchmarkOf(loopItem({ leadTime: 2 * H, perWeek: 14, cfr: 0.05, ttr: null, rework: 0.3 }).metrics, true, '2025');
    expect(noRecovery.failedDeploymentRecoveryTime).toEqual({ answer: null, score: null, aheadOf: { government: null, all: null } });
    expect(noRecovery.average).toEqual({ answer: null, score: null, aheadOf: { government: null, all: null } });
    // Never deployed: no frequency answer (not "less than every six months").
    expect(benchmarkOf(loopItem({ perWeek: 0, deployments: 0 }).metrics, false, '2025').deploymentFrequency.score).toBeNull();
    // Deployed before, not in the last 90 days: the lowest answer, score 0.
    const idle = benchmarkOf(loopItem({ perWeek: 0, deployments: 0 }).metrics, true, '2025').deploymentFrequency;
    expect(idle).toMatchObject({ answer: 1, score: 0 });
    expect(idle.aheadOf.government).toBeCloseTo(0.07365606886913917, 12);
  });
});

describe('the settings of issue 15, refused when wrong', () => {
  const file = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), 'deming-config-')), 'deming.config.yaml');
    writeFileSync(f, text);
    return f;
  };
  const org =
    'organisation:\n  - id: gov\n    name: Gov\n    teams:\n      - id: apps\n        name: Apps\n        services: ["gov/app", "gov/api-*"]\n';

  it('reads the evidence, the benchmark edition and the baseline', () => {
    const c = loadConfig({
      DEMING_CONFIG: file(
        `${org}evidence:\n  incidents:\n    - services: gov/api-*\n      since: 2025-06-01\nbenchmark:\n  edition: "2025"\nbaseline:\n  from: 2024-01-01\n  to: 2024-04-01\n`,
      ),
    });
    expect(c.evidence).toEqual({ incidents: [{ services: 'gov/api-*', since: Date.parse('2025-06-01T00:00:00Z') }] });
    expect(c.benchmarkEdition).toBe('2025');
    expect(c.baseline).toEqual({ from: Date.parse('2024-01-01T00:00:00Z'), to: Date.parse('2024-04-01T00:00:00Z') });
    expect(loadConfig({}).benchmarkEdition).toBe('2025');
    expect(loadConfig({}).evidence).toEqual({ incidents: [] });
  });

  it('gives a scope its own configured baseline, which wins for that scope alone', async () => {
    const s = await startTestServer(
      {
        DEMING_CONFIG: file(
          stringify({ organisation: ORG, baselines: [{ scope: 'service:acme/app', from: '2026-03-01', to: '2026-03-12' }] }),
        ),
      },
      () => Date.parse('2026-03-16T00:00:00Z'),
    );
    try {
      expect((await post(`${s.url}/api/v1/events`, scenarioEvents())).status).toBe(200);
      const q = 'from=2026-03-02&to=2026-03-16';
      const own = (await get(`${s.url}/api/v1/metrics?scope=service:acme/app&${q}`)).body;
      // Mar 1 to Mar 12: deploy-1 to deploy-3 (the first deployment, deploy-0, is outside): c2 3d, c3 12h, c4 6h, c5 1d.
      expect(own.baseline).toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-12T00:00:00.000Z',
        leadTimeP50: 0.75 * 86_400,
        count: 4,
        leftOut: 0,
        configured: true,
      });
      const team = (await get(`${s.url}/api/v1/metrics?scope=team:t1&${q}`)).body;
      expect(team.baseline).toMatchObject({ from: '2026-01-10T00:00:00.000Z', configured: false }); // acme/old's deployment
      const children = (await get(`${s.url}/api/v1/children?scope=team:t1&${q}`)).body;
      expect(children.items.find((i: { scope: string }) => i.scope === 'service:acme/app').metrics.baseline).toEqual(own.baseline);
    } finally {
      await s.stop();
    }
  });

  it.each([
    [
      'baselines:\n  - scope: department\n    from: 2024-01-01\n    to: 2024-04-01\n',
      /baselines\[0\]\.scope: expected a scope such as department:health/,
    ],
    ['baselines:\n  - scope: team:apps\n    from: 2024-04-01\n    to: 2024-04-01\n', /baselines\[0\]\.to: to must be after from/],
    ['benchmark:\n  edition: "2019"\n', /benchmark\.edition: unknown edition: use one of 2025/],
    ['baseline:\n  from: 2024-04-01\n  to: 2024-01-01\n', /baseline\.to: to must be after from/],
    [
      `${org}evidence:\n  incidents:\n    - services: other/*\n      since: 2025-06-01\n`,
      /evidence\.incidents\[0\]\.services: "other\/\*" names no service of the organisation/,
    ],
    [
      'evidence:\n  incidents:\n    - services: gov/app\n      since: 2999-01-01\n',
      /evidence\.incidents\[0\]\.since: the date is in the future/,
    ],
  ])('%s', (text, message) => {
    expect(() => loadConfig({ DEMING_CONFIG: file(text) })).toThrow(message);
  });
});

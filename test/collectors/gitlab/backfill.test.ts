/**
 * A first backfill of the health scenario through a real server and the fake GitLab: the projects
 * of the group and its subgroups less the excluded and archived ones, deployments whose tier says
 * what is production, merge requests with their commits and plan, pipelines with their tests,
 * incidents with DESIGN's severities; the four key figures against values worked out by hand;
 * nothing personal stored; and a re-sync with nothing new at one cheap request per resource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health, NOW } from '../../fakes/gitlab/health';
import { startFakeGitlab, type FakeGitlabServer } from '../../fakes/gitlab/server';
import { sha } from '../../helpers/factories';
import { get, startTestServer } from '../../helpers/server';
import type { GitlabRunResult } from '../../../collectors/gitlab/collector';
import { dumpDb, healthConfig } from './helpers';

const names = ['bk-c0', 'bk-p1a', 'bk-p1b', 'bk-m1', 'bk-d1', 'bk-p2a', 'bk-s2', 'bk-p3a', 'pt-a0', 'pt-a1', 'pt-m1'];
const nameOf = new Map(names.map((n) => [sha(n), n]));
const named = (s: unknown) => (typeof s === 'string' ? (nameOf.get(s) ?? s) : s);
const at = (iso: string) => Date.parse(iso);

let fake: FakeGitlabServer;
let server: Awaited<ReturnType<typeof startTestServer>>;
let first: GitlabRunResult;

beforeAll(async () => {
  fake = await startFakeGitlab(health(), { tokens: { 'test-token': ['read_api'] } });
  server = await startTestServer({ DEMING_CONFIG: healthConfig(fake.apiUrl).file }, () => NOW);
  [first] = (await server.collectors.runNow()) as GitlabRunResult[];
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});

describe('a first backfill from GitLab', () => {
  it('collects the projects of the group and its subgroups, less the excluded and the archived ones', async () => {
    expect(first.errors).toEqual([]);
    expect(first.projects.map((p) => p.name)).toEqual(['health/clinics/booking', 'health/portal']);
    expect((await dumpDb(server.rows)).services).toEqual([
      { name: 'health/clinics/booking', team_id: 'clinics' },
      { name: 'health/portal', team_id: 'web' },
    ]);
  });

  it('stores deployments with the environment tier deciding production, the pattern where there is no tier', async () => {
    const rows = (await dumpDb(server.rows)).deployments.map((d) => {
      const r = d as Record<string, unknown>;
      return [r.service, r.environment, r.is_production, r.status, named(r.sha), r.finished_at];
    });
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[5] ?? Infinity) - Number(b[5] ?? Infinity))).toEqual([
      ['health/clinics/booking', 'live', 1, 'success', 'bk-c0', at('2026-03-02T10:00:00Z')],
      ['health/clinics/booking', 'live', 1, 'success', 'bk-d1', at('2026-03-02T14:00:00Z')],
      ['health/clinics/booking', 'preview', 0, 'success', 'bk-s2', at('2026-03-03T11:00:00Z')],
      ['health/clinics/booking', 'live', 1, 'failure', 'bk-s2', at('2026-03-03T11:30:00Z')],
      ['health/clinics/booking', 'live', 1, 'success', 'bk-s2', at('2026-03-03T12:00:00Z')],
      ['health/clinics/booking', 'live', 1, 'success', 'bk-p3a', at('2026-03-04T12:00:00Z')],
      ['health/clinics/booking', 'live', 1, 'in_progress', 'bk-p3a', null],
      ['health/portal', 'prod', 1, 'success', 'pt-a0', at('2026-03-01T12:10:00Z')],
      ['health/portal', 'prod', 1, 'success', 'pt-m1', at('2026-03-02T12:00:00Z')],
    ]);
    const d = (await dumpDb(server.rows)).deployments[0] as Record<string, string>;
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health\/clinics\/booking\/-\/jobs\/\d+$/);
  });

  it('stores merged merge requests with their commits, plan start and merge sha (merge commit, squash, fast-forward), and fills the graph between deployments', async () => {
    const dump = await dumpDb(server.rows);
    const booking = dump.pull_requests
      .filter((p) => (p as { service: string }).service === 'health/clinics/booking')
      .map((p) => {
        const r = p as Record<string, unknown>;
        return [r.number, r.opened_at, r.merged_at, named(r.merge_sha), r.first_commit_at, r.plan_started_at];
      });
    expect(booking).toEqual([
      [1, at('2026-03-02T09:30:00Z'), at('2026-03-02T12:00:00Z'), 'bk-m1', at('2026-03-02T09:00:00Z'), at('2026-03-01T12:00:00Z')],
      [2, at('2026-03-03T08:00:00Z'), at('2026-03-03T10:00:00Z'), 'bk-s2', at('2026-03-03T09:00:00Z'), null],
      [3, at('2026-03-04T08:30:00Z'), at('2026-03-04T10:00:00Z'), 'bk-p3a', at('2026-03-04T09:00:00Z'), at('2026-03-02T09:00:00Z')],
    ]);
    const changes = dump.changes
      .filter((c) => (c as { service: string }).service === 'health/clinics/booking')
      .map((c) => {
        const r = c as Record<string, unknown>;
        return [named(r.sha), r.committed_at, r.pr];
      })
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(changes).toEqual([
      ['bk-c0', at('2026-02-20T00:00:00Z'), null],
      ['bk-d1', at('2026-03-02T13:00:00Z'), null],
      ['bk-m1', at('2026-03-02T12:00:00Z'), null],
      ['bk-p1a', at('2026-03-02T09:00:00Z'), 1],
      ['bk-p1b', at('2026-03-02T11:00:00Z'), 1],
      ['bk-p2a', at('2026-03-03T09:00:00Z'), 2],
      ['bk-p3a', at('2026-03-04T09:00:00Z'), 3],
      ['bk-s2', at('2026-03-03T10:00:00Z'), 2],
    ]);
    const parents = dump.parents
      .filter((p) => (p as { service: string }).service === 'health/clinics/booking')
      .map((p) => {
        const r = p as Record<string, string>;
        return `${named(r.sha)}<${named(r.parent_sha)}`;
      });
    expect(parents.sort()).toEqual([
      'bk-d1<bk-m1',
      'bk-m1<bk-c0',
      'bk-m1<bk-p1b',
      'bk-p1a<bk-c0',
      'bk-p1b<bk-p1a',
      'bk-p3a<bk-s2',
      'bk-s2<bk-d1',
    ]);
    // The default branch read once from the horizon leaves no gap between deployments to ask about.
    expect(
      fake.requests.filter((r) => r.path.endsWith('/repository/commits')).map((r) => new URLSearchParams(r.query).get('ref_name')),
    ).toEqual(['main', 'main']);
  });

  it('stores finished pipelines as CI runs with their test summary, and incidents of type incident or with the configured label', async () => {
    const dump = await dumpDb(server.rows);
    const runs = dump.ci_runs.map((c) => {
      const r = c as Record<string, unknown>;
      return [r.name, r.status, named(r.sha), r.branch, r.started_at, r.finished_at];
    });
    expect(runs).toEqual([
      ['pipeline', 'success', 'bk-p1b', 'feature-1', at('2026-03-02T11:06:00Z'), at('2026-03-02T11:16:00Z')],
      ['pipeline', 'success', 'bk-m1', 'main', at('2026-03-02T12:02:00Z'), at('2026-03-02T12:12:00Z')],
      ['pipeline', 'failure', 'bk-d1', 'main', at('2026-03-02T13:02:00Z'), at('2026-03-02T13:06:00Z')],
      ['pipeline', 'success', 'bk-s2', 'main', at('2026-03-03T10:02:00Z'), at('2026-03-03T10:21:00Z')],
      ['pipeline', 'cancelled', 'bk-p3a', 'main', at('2026-03-04T10:03:00Z'), at('2026-03-04T10:04:00Z')],
    ]);
    const tests = await server.rows.all(
      'SELECT tests_passed AS passed, tests_failed AS failed, tests_skipped AS skipped FROM ci_runs ORDER BY started_at',
    );
    expect(tests).toEqual([
      { passed: 10, failed: 0, skipped: 0 },
      { passed: null, failed: null, skipped: null },
      { passed: null, failed: null, skipped: null },
      { passed: 40, failed: 2, skipped: 1 },
      { passed: null, failed: null, skipped: null },
    ]);
    expect(
      dump.incidents.map((i) => {
        const r = i as Record<string, unknown>;
        return [String(r.ext_id).replace(/^.*\/projects\//, ''), r.opened_at, r.resolved_at, r.severity, named(r.root_cause_sha), r.title];
      }),
    ).toEqual([
      ['101/issues/20', at('2026-03-03T13:00:00Z'), at('2026-03-03T15:00:00Z'), 'sev2', 'bk-s2', 'Booking is down'],
      ['101/issues/21', at('2026-03-05T00:00:00Z'), null, null, null, 'Issue 21'],
    ]);
  });

  it('gives the lead times, deployment frequency, failure rate and time to restore worked out by hand', async () => {
    const { body } = await get(`${server.url}/api/v1/metrics?scope=service:health/clinics/booking&from=2026-03-02&to=2026-03-09`);
    // D1 ships c0 (committed 02-20 00:00, deployed 03-02 10:00: 10 d 10 h = 900,000 s); D2 ships d1 1h, m1 2h, p1b 3h,
    // p1a 5h; D5 ships s2, the squash of !2, 3h from its first commit p2a; D6 ships p3a 3h (fast-forward).
    // Sorted: 1h 2h 3h 3h 3h 5h 900000s: p50 at rank 3 = 3h; p85 at rank 5.1 = 18000 + 0.1 × 882000; p95 at rank 5.7 = 18000 + 0.7 × 882000.
    expect(body.leadTime).toMatchObject({ count: 7, excluded: 0, p50: 10800 });
    expect(body.leadTime.p85).toBeCloseTo(106200, 6);
    expect(body.leadTime.p95).toBeCloseTo(635400, 6);
    // D1, D2, D5, D6 (D3 is preview, D4 failed, D7 still running).
    expect(body.deploymentFrequency.count).toBe(4);
    // #20 names s2, shipped by D5; #21 is linked to D6, the latest deployment before it opened. The
    // service reports incidents from D5 (DESIGN, "Evidence"), so 2 of 2 deployments failed.
    expect(body.changeFailureRate).toMatchObject({ count: 2, failed: 2, rate: 1 });
    // #20: 13:00 to 15:00; #21 is still open.
    expect(body.timeToRestore).toMatchObject({ count: 1, p50: 7200 });
    // The squash commit s2's lead time starts at its merge request's first commit p2a (09:00), not at the squash (10:00).
    const changes = await get(`${server.url}/api/v1/changes?scope=service:health/clinics/booking&from=2026-03-02&to=2026-03-09`);
    const s2 = (changes.body.items as { sha: string; leadTime: number }[]).find((c) => c.sha === sha('bk-s2'));
    expect(s2?.leadTime).toBe(3 * 3600);
  });

  it('stores no names, usernames or e-mail addresses of people', async () => {
    const raw = (await server.rows.all<{ payload: string }>('SELECT payload FROM raw_events')).map((r) => r.payload).join('\n');
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).not.toMatch(/Ada|Lovelace|Grace|Hopper|@example\.org|"ada"/);
  });

  it('shows the run in the health answer', async () => {
    const { body } = await get(`${server.url}/api/v1/health`);
    const gl = body.collectors.find((c: { name: string }) => c.name === 'gitlab');
    expect(gl).toMatchObject({ kind: 'pull', state: 'idle', rateLimitRemaining: first.rateLimitRemaining });
    expect(gl.lastRun).toMatchObject({ requests: first.requests, stored: first.stored, errors: [] });
  });

  it('asks one cheap list per resource per project when nothing is new, and stores nothing', async () => {
    const from = fake.requests.length;
    const [again] = (await server.collectors.runNow()) as GitlabRunResult[];
    const asked = fake.requests
      .slice(from)
      .map((r) => `${r.method} ${r.path.replace(/\/projects\/\d+/, '/projects/:id')}${r.operation ? ` ${r.operation}` : ''}`);
    expect(again.stored).toBe(0);
    const perProject = [
      'POST /api/graphql mergeRequests',
      'GET /api/v4/projects/:id/repository/commits',
      'GET /api/v4/projects/:id/deployments',
      'POST /api/graphql pipelines',
      'GET /api/v4/projects/:id/issues',
      'GET /api/v4/projects/:id/issues',
    ];
    expect(asked).toEqual([
      'GET /api/v4/personal_access_tokens/self',
      'GET /api/v4/version',
      'GET /api/v4/groups/health/projects',
      ...perProject,
      ...perProject,
    ]);
  });
});

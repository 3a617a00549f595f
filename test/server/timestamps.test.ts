/**
 * Timestamps outside [limits.earliest, now + 1 day] (DESIGN.md, "Security"): the HTTP API
 * refuses them with a 400 naming the field, for every timestamp field of every event type;
 * collectors skip such events, count them and say so, and go on with the rest.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { importFile } from '../../server/cli/import';
import { collectorContext } from '../../server/collectors/context';
import { loadConfig } from '../../server/config';
import { get, post, startTestServer } from '../helpers/server';
import { tempStore } from '../helpers/db';
import { change, ciRun, deployment, incident, sha } from '../helpers/factories';
import { createRepo } from '../collectors/git/repo';
import { acme, NOW as GITHUB_NOW } from '../fakes/github/acme';
import { deliveries, signature } from '../fakes/github/deliveries';
import { startFakeGithub } from '../fakes/github/server';
import { acmeConfig } from '../collectors/github/helpers';
import { conformance } from '../collectors/cdevents/spec';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const made: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-time-'));
  made.push(d);
  return d;
};

let s: Server;
beforeAll(async () => {
  s = await startTestServer({}, () => NOW);
});
afterAll(async () => {
  await s.stop();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const TABLES = ['raw_events', 'deployments', 'changes', 'pull_requests', 'ci_runs', 'incidents', 'services'];
const stored = (db = s.db) =>
  Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));

const YEAR_ONE = '0001-01-01T00:00:00Z';
const EPOCH = '1970-01-01T00:00:00Z';
const FAR_FUTURE = '9999-12-31T23:59:59Z';
const TWO_DAYS_AHEAD = new Date(NOW + 2 * 86_400_000).toISOString();

/** An event of each type with every optional timestamp set, and the paths of those timestamps. */
const full = {
  deployment: () =>
    deployment({
      id: 'dep-t',
      service: 'time/app',
      startedAt: '2026-05-01T00:00:00Z',
      finishedAt: '2026-05-01T01:00:00Z',
      updatedAt: '2026-05-01T01:00:00Z',
    }),
  change: () =>
    change({
      service: 'time/app',
      sha: sha('t1'),
      committedAt: '2026-05-01T00:00:00Z',
      authoredAt: '2026-04-30T00:00:00Z',
      updatedAt: '2026-05-01T00:00:00Z',
      pullRequest: {
        number: 7,
        openedAt: '2026-04-29T00:00:00Z',
        mergedAt: '2026-05-01T00:00:00Z',
        firstCommitAt: '2026-04-28T00:00:00Z',
        planStartedAt: '2026-04-27T00:00:00Z',
      },
    }),
  ci_run: () =>
    ciRun({
      id: 'run-t',
      service: 'time/app',
      startedAt: '2026-05-01T00:00:00Z',
      finishedAt: '2026-05-01T00:10:00Z',
      updatedAt: '2026-05-01T00:10:00Z',
    }),
  incident: () =>
    incident({
      id: 'inc-t',
      service: 'time/app',
      openedAt: '2026-05-01T00:00:00Z',
      resolvedAt: '2026-05-01T02:00:00Z',
      updatedAt: '2026-05-01T02:00:00Z',
    }),
};
const fields: [keyof typeof full, string][] = [
  ['deployment', 'startedAt'],
  ['deployment', 'finishedAt'],
  ['deployment', 'updatedAt'],
  ['change', 'committedAt'],
  ['change', 'authoredAt'],
  ['change', 'pullRequest.openedAt'],
  ['change', 'pullRequest.mergedAt'],
  ['change', 'pullRequest.firstCommitAt'],
  ['change', 'pullRequest.planStartedAt'],
  ['change', 'updatedAt'],
  ['ci_run', 'startedAt'],
  ['ci_run', 'finishedAt'],
  ['ci_run', 'updatedAt'],
  ['incident', 'openedAt'],
  ['incident', 'resolvedAt'],
  ['incident', 'updatedAt'],
];

/** The event with every timestamp set to `value` (so no "must not be before" rule speaks first). */
function allAt(type: keyof typeof full, value: string): Record<string, unknown> {
  const e = JSON.parse(JSON.stringify(full[type]())) as Record<string, Record<string, unknown>>;
  for (const [t, p] of fields)
    if (t === type) {
      const [a, b] = p.split('.');
      if (b) e[a][b] = value;
      else (e as Record<string, unknown>)[a] = value;
    }
  return e;
}

describe('the HTTP API refuses timestamps out of range', () => {
  it('refuses a production deployment dated year 1 with a 400 naming the field; the baseline stays', async () => {
    expect(
      (await post(`${s.url}/api/v1/events`, deployment({ id: 'real', service: 'time/base', finishedAt: '2026-05-20T00:00:00Z' }))).status,
    ).toBe(200);
    const before = stored();
    const r = await post(`${s.url}/api/v1/events`, [deployment({ id: 'year-one', service: 'time/base', finishedAt: YEAR_ONE })]);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      '[0].finishedAt: is before 1990-01-01 (limits.earliest): check the clock of the system that sent it, or set limits.earliest earlier',
    );
    expect(stored()).toEqual(before);
    // The baseline (the first 90 days of data) of the organisation, the department and the service stays where the data begins.
    for (const scope of ['org', 'department:unassigned', 'service:time/base']) {
      const m = await get(`${s.url}/api/v1/metrics?scope=${scope}`);
      expect(m.body.baseline.from, scope).toBe('2026-05-20T00:00:00.000Z');
    }
  });

  const types = Object.keys(full) as (keyof typeof full)[];
  it.each(types)('refuses every timestamp of a %s before limits.earliest or more than a day ahead, naming each field', async (type) => {
    const before = stored();
    const paths = fields.filter(([t]) => t === type).map(([, p]) => `[0].${p}`);
    const early = 'is before 1990-01-01 (limits.earliest): check the clock of the system that sent it, or set limits.earliest earlier';
    const late = `is more than a day in the future (after ${new Date(NOW + 86_400_000).toISOString()}): check the clock of the system that sent it`;
    for (const [value, message] of [
      [EPOCH, early],
      [YEAR_ONE, early],
      [TWO_DAYS_AHEAD, late],
      [FAR_FUTURE, late],
    ]) {
      const r = await post(`${s.url}/api/v1/events`, [allAt(type, value)]);
      expect(r.status, value).toBe(400);
      expect(r.body.error.details, value).toEqual(paths.map((path) => ({ path, message })));
    }
    expect(stored()).toEqual(before);
    // And the same event in range is taken, every field with it.
    expect((await post(`${s.url}/api/v1/events`, [allAt(type, '2026-05-01T00:00:00Z')])).body).toMatchObject({ accepted: 1 });
  });

  it('takes the edges: limits.earliest itself and a clock a few hours ahead', async () => {
    const r = await post(`${s.url}/api/v1/events`, [
      deployment({ id: 'edge-early', service: 'time/edge', finishedAt: '1990-01-01T00:00:00Z' }),
      deployment({ id: 'edge-late', service: 'time/edge', finishedAt: new Date(NOW + 23 * 3_600_000).toISOString() }),
    ]);
    expect(r.body).toEqual({ accepted: 2, updated: 0, unchanged: 0 });
  });

  it('names the NDJSON line, and refuses for CDEvents and test reports too', async () => {
    const ndjson = `${JSON.stringify(deployment({ id: 'nd-ok', service: 'time/nd' }))}\n${JSON.stringify(change({ service: 'time/nd', sha: sha('nd'), committedAt: EPOCH }))}\n`;
    const before = stored();
    const r = await post(`${s.url}/api/v1/events`, ndjson, { 'content-type': 'application/x-ndjson' });
    expect(r.body.error.message).toMatch(/^line 2\.committedAt: is before 1990-01-01/);
    const deployed = conformance('v0.5.1', 'service_deployed') as { context: Record<string, unknown> };
    const cd = await post(`${s.url}/api/v1/cdevents`, { ...deployed, context: { ...deployed.context, timestamp: '1985-03-01T16:00:00Z' } });
    expect(cd.status).toBe(400);
    expect(cd.body.error.message).toMatch(/finishedAt: is before 1990-01-01/);
    const report = '<testsuite name="unit" tests="1"><testcase name="t"/></testsuite>';
    const junit = await post(`${s.url}/api/v1/test-reports?service=time/junit&sha=abcd1234&name=unit&startedAt=${FAR_FUTURE}`, report, {
      'content-type': 'application/xml',
    });
    expect(junit.status).toBe(400);
    expect(junit.body.error.details[0]).toEqual({
      path: 'query.startedAt',
      message: expect.stringMatching(/^is more than a day in the future/),
    });
    expect(stored()).toEqual(before);
  });

  it('follows limits.earliest from the configuration', async () => {
    const file = join(tempDir(), 'deming.config.yaml');
    writeFileSync(file, 'limits:\n  earliest: 2020-01-01\n');
    const strict = await startTestServer({ DEMING_CONFIG: file }, () => NOW);
    try {
      const r = await post(`${strict.url}/api/v1/events`, incident({ id: 'old', service: 'time/app', openedAt: '2019-12-31T23:59:59Z' }));
      expect(r.body.error.message).toBe(
        '(body).openedAt: is before 2020-01-01 (limits.earliest): check the clock of the system that sent it, or set limits.earliest earlier',
      );
    } finally {
      await strict.stop();
    }
  });
});

describe('collectors skip and count events out of range', () => {
  let stderr: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    stderr = [];
  });

  it('the collector context (GitHub and the in-server schedule): skips, stores the rest, counts and logs', async () => {
    const t = tempStore();
    try {
      const logged: string[] = [];
      const ctx = collectorContext({
        store: t.store,
        config: loadConfig({ DEMING_DB: t.file }),
        now: () => NOW,
        log: (m) => logged.push(m),
      });
      const r = await ctx.ingest([
        change({ service: 'old/repo', sha: sha('c1970'), committedAt: EPOCH }),
        change({ service: 'old/repo', sha: sha('c2026'), committedAt: '2026-05-01T00:00:00Z' }),
        deployment({ id: 'ahead', service: 'old/repo', finishedAt: FAR_FUTURE }),
      ]);
      expect(r).toEqual({ accepted: 1, updated: 0, unchanged: 0, skipped: 2 });
      expect(ctx.skipped.count).toBe(2);
      expect(logged).toEqual([
        expect.stringMatching(
          /^collector: 2 events skipped for a timestamp before limits\.earliest or more than a day ahead \(the first: change old\/repo [0-9a-f]{40}\.committedAt: is before 1990-01-01/,
        ),
      ]);
      expect(t.raw.prepare('SELECT count(*) AS n FROM changes').get()).toEqual({ n: 1 });
    } finally {
      await t.cleanup();
    }
  });

  it('npx deming collect git: a commit dated 1970 in an old repository is skipped and said, the rest stored', async () => {
    const repo = createRepo();
    made.push(repo.dir);
    repo.commit('the first commit, with a broken clock', '1970-01-02T00:00:00Z');
    repo.commit('c1', '2026-03-01T00:00:00Z');
    repo.commit('c2', '2026-03-02T00:00:00Z');
    repo.tag('v1.0', '2026-03-03T00:00:00Z');
    const db = join(tempDir(), 'deming.db');
    const bin = new URL('../../bin/deming.js', import.meta.url).pathname;
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'collect', 'git', repo.dir, '--service', 'acme/old'],
        { env: { ...process.env, DEMING_DEMO: 'off', DEMING_DB: db }, cwd: tmpdir() },
        (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /git acme\/old: stored 2 commits, 1 release tag .* 1 event skipped for a timestamp before limits\.earliest or more than a day ahead \(the first: change acme\/old [0-9a-f]{40}\.committedAt: is before 1990-01-01/,
    );
    const server = await startTestServer({ DEMING_DB: db });
    try {
      const m = await get(`${server.url}/api/v1/metrics?scope=service:acme/old&from=2026-03-01&to=2026-03-10`);
      expect(m.body.leadTime.count).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('npx deming import: a year-1 event is skipped and said, the rest imported', async () => {
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      stderr.push(a.join(' '));
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const dir = tempDir();
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [deployment({ id: 'imp-ok', service: 'imp/app' }), incident({ id: 'imp-old', service: 'imp/app', openedAt: YEAR_ONE })]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const db = join(dir, 'deming.db');
    const saved = process.env.DEMING_DB;
    process.env.DEMING_DB = db;
    try {
      expect(await importFile([file])).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DEMING_DB;
      else process.env.DEMING_DB = saved;
    }
    expect(stderr.join('')).toMatch(
      /Imported 1 events .*1 new, 0 updated, 0 unchanged\. 1 event skipped for a timestamp before limits\.earliest or more than a day ahead \(the first: line 2 \(incident imp\/app imp-old\)\.openedAt: is before 1990-01-01/,
    );
  });

  it('a GitHub webhook delivery: the event is skipped and the delivery acknowledged, so GitHub does not count it failed', async () => {
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const secret = 'It is a secret to everybody';
    const server = await startTestServer(
      { DEMING_CONFIG: acmeConfig(fake.apiUrl).file, DEMING_GITHUB_WEBHOOK_SECRET: secret },
      () => GITHUB_NOW,
    );
    try {
      const run = deliveries(scenario, fake.apiUrl).find((d) => d.event === 'workflow_run' && d.payload.action === 'completed')!;
      const payload = {
        ...run.payload,
        workflow_run: { ...(run.payload.workflow_run as object), run_started_at: EPOCH, created_at: EPOCH },
      };
      const body = JSON.stringify(payload);
      const res = await fetch(`${server.url}/webhooks/github`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_run',
          'x-github-delivery': 'old-run',
          'x-hub-signature-256': signature(secret, body),
        },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 0, updated: 0, unchanged: 0 });
      expect(stored(server.db).ci_runs).toBe(0);
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});

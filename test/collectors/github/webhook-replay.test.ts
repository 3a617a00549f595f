/**
 * Replayed and late GitHub deliveries on a real server and a real SQLite file: a delivery sent
 * again is a duplicate (also after a restart on the same file), an older state under a new
 * delivery id never overwrites a newer one, a delivery is remembered only if what it meant was
 * stored, for at least 72 hours; and every action Deming does not use is acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acme, NOW } from '../../fakes/github/acme';
import { deliveries, signature, type Delivery } from '../../fakes/github/deliveries';
import { startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import { get, startTestServer } from '../../helpers/server';
import { acmeConfig } from './helpers';

const SECRET = 'It is a secret to everybody';
type Server = Awaited<ReturnType<typeof startTestServer>>;

async function deliver(url: string, event: string, payload: unknown, id: string) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'user-agent': 'GitHub-Hookshot/abc',
      'x-github-hook-id': '4242',
      'x-hub-signature-256': signature(SECRET, body),
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The incidents a user sees for the first week of March 2026. */
async function incidents(s: Server) {
  const r = await get(`${s.url}/api/v1/incidents?from=2026-03-01T00:00:00Z&to=2026-03-07T00:00:00Z`);
  expect(r.status).toBe(200);
  return (r.body.items as { id: string; openedAt: string; resolvedAt: string | null }[]).map(({ id, openedAt, resolvedAt }) => ({
    id,
    openedAt,
    resolvedAt,
  }));
}

const RESOLVED = [{ id: 'acme/web/issues/20', openedAt: '2026-03-03T13:00:00.000Z', resolvedAt: '2026-03-03T15:00:00.000Z' }];
const OPEN = [{ id: 'acme/web/issues/20', openedAt: '2026-03-03T13:00:00.000Z', resolvedAt: null }];

let all: Delivery[];
let fake: FakeGithubServer;
let dir: string;
const servers: Server[] = [];
const start = async (file: string, env: Record<string, string> = {}, now: () => number = () => NOW) => {
  const s = await startTestServer({ DEMING_DB: join(dir, file), DEMING_GITHUB_WEBHOOK_SECRET: SECRET, ...env }, now);
  servers.push(s);
  return s;
};
const stop = async (s: Server) => {
  servers.splice(servers.indexOf(s), 1);
  await s.stop();
};

beforeAll(async () => {
  const scenario = acme();
  fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
  all = deliveries(scenario, fake.apiUrl);
  dir = mkdtempSync(join(tmpdir(), 'deming-replay-'));
});
afterEach(async () => {
  for (const s of [...servers]) await stop(s);
  fake.clearFaults();
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The `issues` deliveries of the incident issue #20 of acme/web: opened, labeled twice, closed. */
const issue20 = () =>
  all.filter(
    (d) =>
      d.event === 'issues' &&
      (d.payload.issue as { number: number }).number === 20 &&
      d.payload.repository &&
      (d.payload.repository as { full_name: string }).full_name === 'acme/web',
  );

describe('a replayed "issue opened" after "issue closed"', () => {
  it('is a duplicate under its own delivery id, is older under a new one, and the incident stays resolved, also after a restart on the same file', async () => {
    const [opened, ...rest] = issue20();
    const closed = rest.find((d) => d.payload.action === 'closed')!;
    expect(opened.payload.action).toBe('opened');

    let s = await start('replay.db');
    expect(await deliver(s.url, 'issues', opened.payload, 'guid-opened')).toEqual({
      status: 200,
      body: { accepted: 1, updated: 0, unchanged: 0 },
    });
    expect(await incidents(s)).toEqual(OPEN);
    expect(await deliver(s.url, 'issues', closed.payload, 'guid-closed')).toEqual({
      status: 200,
      body: { accepted: 0, updated: 1, unchanged: 0 },
    });
    expect(await incidents(s)).toEqual(RESOLVED);

    const replays = async () => {
      // GitHub's "Redeliver" sends the same delivery id: acknowledged, not applied.
      const again = await deliver(s.url, 'issues', opened.payload, 'guid-opened');
      expect(again).toEqual({
        status: 202,
        body: {
          duplicate: true,
          ignored: `delivery guid-opened was received before at ${new Date(NOW).toISOString()} and is not applied again`,
        },
      });
      // The same old state under a new id (a replay, a late delivery): its updated_at is older than the stored one's.
      expect(await deliver(s.url, 'issues', opened.payload, `guid-${Math.random()}`)).toEqual({
        status: 200,
        body: { accepted: 0, updated: 0, unchanged: 1 },
      });
      expect(await incidents(s)).toEqual(RESOLVED);
    };
    await replays();

    await stop(s);
    s = await start('replay.db');
    await replays();
    expect((await deliver(s.url, 'issues', closed.payload, 'guid-closed')).body.duplicate).toBe(true);
    expect(await incidents(s)).toEqual(RESOLVED);
  });

  it('is reopened by a newer delivery: the issue reopened after it was closed', async () => {
    const [opened, ...rest] = issue20();
    const closed = rest.find((d) => d.payload.action === 'closed')!;
    const s = await start('reopened.db');
    await deliver(s.url, 'issues', opened.payload, 'o');
    await deliver(s.url, 'issues', closed.payload, 'c');
    const reopened = {
      ...closed.payload,
      action: 'reopened',
      issue: { ...(closed.payload.issue as object), state: 'open', closed_at: null, updated_at: '2026-03-04T09:00:00Z' },
    };
    expect(await deliver(s.url, 'issues', reopened, 'r')).toEqual({ status: 200, body: { accepted: 0, updated: 1, unchanged: 0 } });
    expect(await incidents(s)).toEqual(OPEN);
    // Then the late "closed" from before the reopening, under a new id, changes nothing.
    expect((await deliver(s.url, 'issues', closed.payload, 'c-late')).body).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
    expect(await incidents(s)).toEqual(OPEN);
  });
});

describe('a delivery is remembered', () => {
  const opened = () => issue20()[0];

  it('only if what it meant was stored, in the same transaction', async () => {
    const s = await start('atomic.db');
    // Storing the incident fails (as a full disk would): the delivery is not marked as received.
    s.db.exec("CREATE TRIGGER no_incidents BEFORE INSERT ON incidents BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    expect((await deliver(s.url, 'issues', opened().payload, 'guid-1')).status).toBeGreaterThanOrEqual(500);
    s.db.exec('DROP TRIGGER no_incidents');
    expect(await deliver(s.url, 'issues', opened().payload, 'guid-1')).toEqual({
      status: 200,
      body: { accepted: 1, updated: 0, unchanged: 0 },
    });
    // Remembering the delivery fails: what it meant is not stored either.
    s.db.exec("CREATE TRIGGER no_deliveries BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const closed = issue20().find((d) => d.payload.action === 'closed')!;
    expect((await deliver(s.url, 'issues', closed.payload, 'guid-2')).status).toBeGreaterThanOrEqual(500);
    expect(await incidents(s)).toEqual(OPEN);
    s.db.exec('DROP TRIGGER no_deliveries');
    expect(await deliver(s.url, 'issues', closed.payload, 'guid-2')).toEqual({
      status: 200,
      body: { accepted: 0, updated: 1, unchanged: 0 },
    });
    expect(await incidents(s)).toEqual(RESOLVED);
  });

  it('once when the same delivery arrives twice at the same moment: one applies it, the other is the duplicate', async () => {
    const s = await start('race.db');
    const answers = await Promise.all([1, 2, 3].map(() => deliver(s.url, 'issues', opened().payload, 'guid-race')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 202, 202]);
    expect(answers.find((a) => a.status === 200)!.body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    for (const a of answers.filter((x) => x.status === 202)) expect(a.body.duplicate).toBe(true);
    expect((await get(`${s.url}/api/v1/health`)).body.database.events).toBe(1);
  });

  it('for at least 72 hours, and forgotten after', async () => {
    let now = NOW;
    const s = await start('prune.db', {}, () => now);
    const ping = { zen: 'Keep it logically awesome.', hook_id: 4242 };
    expect((await deliver(s.url, 'ping', ping, 'old')).status).toBe(200);
    now += 71 * 3_600_000;
    expect((await deliver(s.url, 'ping', ping, 'other')).status).toBe(200);
    expect((await deliver(s.url, 'ping', ping, 'old')).body.duplicate).toBe(true);
    now += 2 * 3_600_000;
    expect((await deliver(s.url, 'ping', ping, 'newer')).status).toBe(200);
    expect(s.db.prepare('SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id').pluck().all()).toEqual(['newer', 'other']);
    expect(await deliver(s.url, 'ping', ping, 'old')).toEqual({ status: 200, body: { ignored: 'ping: the webhook works' } });
  });

  it('not when GitHub could not be asked what the delivery lacks: sent again, it is applied in full', async () => {
    const s = await start('partial.db', { DEMING_CONFIG: acmeConfig(fake.apiUrl).file });
    const inProgress = all.find(
      (d) => d.event === 'deployment_status' && (d.payload.deployment_status as { state: string }).state === 'in_progress',
    )!;
    fake.injectFaults({ every: 1, kinds: ['500'], match: /\/statuses/ });
    // Without GitHub's list of statuses, the delivery's own status is all there is.
    expect(await deliver(s.url, 'deployment_status', inProgress.payload, 'guid-d')).toEqual({
      status: 200,
      body: { accepted: 1, updated: 0, unchanged: 0 },
    });
    const deployments = async () =>
      (await get(`${s.url}/api/v1/deployments?from=2026-03-01T00:00:00Z&to=2026-03-07T00:00:00Z`)).body.items as {
        id: string;
        status: string;
      }[];
    const id = `acme/web/deployments/${(inProgress.payload.deployment as { id: number }).id}`;
    expect((await deployments()).find((d) => d.id === id)?.status).toBe('in_progress');
    fake.clearFaults();
    expect(await deliver(s.url, 'deployment_status', inProgress.payload, 'guid-d')).toEqual({
      status: 200,
      body: { accepted: 0, updated: 1, unchanged: 0 },
    });
    expect((await deployments()).find((d) => d.id === id)?.status).not.toBe('in_progress');
    expect((await deliver(s.url, 'deployment_status', inProgress.payload, 'guid-d')).body.duplicate).toBe(true);
  });
});

describe('deliveries Deming does not use', () => {
  const issue = () => issue20()[0].payload;

  it('are acknowledged (2xx) and ignored, for every issues action but those that change an incident, whatever their payload', async () => {
    const s = await start('unused.db');
    const base = issue();
    const realistic: [string, Record<string, unknown>][] = [
      ['pinned', {}],
      ['unpinned', {}],
      ['locked', { issue: { ...(base.issue as object), locked: true, active_lock_reason: 'resolved' } }],
      ['unlocked', {}],
      ['assigned', { assignee: { login: 'octocat', id: 1 } }],
      ['unassigned', { assignee: { login: 'octocat', id: 1 } }],
      ['milestoned', { milestone: { number: 3, title: 'v1.0', state: 'open' } }],
      ['demilestoned', { milestone: { number: 3, title: 'v1.0', state: 'open' } }],
      ['typed', { type: { id: 1, name: 'Bug' } }],
      ['untyped', { type: { id: 1, name: 'Bug' } }],
      [
        'transferred',
        {
          changes: {
            new_issue: { number: 1, html_url: 'https://github.com/acme/other/issues/1' },
            new_repository: { full_name: 'acme/other' },
          },
        },
      ],
      ['deleted', {}],
    ];
    for (const [action, extra] of realistic) {
      const r = await deliver(s.url, 'issues', { ...base, ...extra, action }, `issues-${action}`);
      expect(r, action).toEqual({
        status: 202,
        body: { ignored: `an issue ${action}: Deming reads issues opened, edited, closed, reopened, labeled and unlabeled` },
      });
    }
    // Shapes Deming does not read are not checked: GitHub adds to them.
    const sparse = await deliver(
      s.url,
      'issues',
      { action: 'transferred', changes: {}, issue: { number: 20 }, repository: { id: 1 } },
      'sparse',
    );
    expect(sparse.status).toBe(202);
    const pr = await deliver(
      s.url,
      'pull_request',
      { action: 'dequeued', number: 3, reason: 'MERGE_CONFLICT', pull_request: { number: 3 } },
      'pr',
    );
    expect(pr).toEqual({ status: 202, body: { ignored: 'only merged pull requests are used' } });
    const run = await deliver(s.url, 'workflow_run', { action: 'requested', workflow_run: { id: 1 }, workflow: { id: 1 } }, 'run');
    expect(run).toEqual({ status: 202, body: { ignored: 'the run has not finished' } });
    for (const [event, payload] of [
      ['issue_comment', { action: 'created', issue: { number: 20 }, comment: { id: 9, body: 'Looking into it.' } }],
      ['workflow_job', { action: 'queued', workflow_job: { id: 5, run_id: 1 } }],
      ['check_run', { action: 'completed', check_run: { id: 2 } }],
      ['repository', { action: 'renamed', changes: { repository: { name: { from: 'web' } } } }],
      ['sub_issues', { action: 'sub_issue_added' }],
    ] as const) {
      expect(await deliver(s.url, event, payload, `type-${event}`), event).toEqual({
        status: 202,
        body: { ignored: `GitHub "${event}" events are not used` },
      });
    }
    expect(await incidents(s)).toEqual([]);
    // A payload Deming does use, and whose shape is wrong, is still refused.
    const bad = await deliver(s.url, 'issues', { action: 'closed', issue: { number: 20 }, repository: base.repository }, 'bad');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^issues payload: issue\.title/);
  });
});

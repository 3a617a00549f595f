/**
 * `POST /webhooks/gitlab` on a real server: the secret token, every hook type of the fixtures
 * mapped or acknowledged, redeliveries stored once, bad input refused with nothing stored, and
 * the same history delivered by hooks (in order, reversed, shuffled) and pulled by the collector
 * giving the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health, NOW } from '../../fakes/gitlab/health';
import { hooks, projectHooks, type Hook } from '../../fakes/gitlab/hooks';
import { startFakeGitlab, type FakeGitlabServer } from '../../fakes/gitlab/server';
import type { FakeGitlab } from '../../fakes/gitlab/scenario';
import { get, startTestServer } from '../../helpers/server';
import { healthConfig } from './helpers';
import { sha } from '../../helpers/factories';

const SECRET = 'a secret token for the hook';
type Server = Awaited<ReturnType<typeof startTestServer>>;

async function deliver(url: string, hook: Pick<Hook, 'event' | 'payload'>, headers: Record<string, string | null> = {}) {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitlab-event': hook.event,
    'x-gitlab-token': SECRET,
    'user-agent': 'GitLab/17.6.0',
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) delete h[k];
    else h[k] = v;
  }
  const res = await fetch(`${url}/webhooks/gitlab`, {
    method: 'POST',
    headers: h,
    body: typeof hook.payload === 'string' ? hook.payload : JSON.stringify(hook.payload),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const count = (s: Server, table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const figures = async (s: Server, scope: string) => {
  const { body } = await get(`${s.url}/api/v1/metrics?scope=${scope}&from=2026-03-01&to=2026-03-09`);
  const { leadTime, deploymentFrequency, changeFailureRate, timeToRestore } = body;
  return { leadTime, deploymentFrequency, changeFailureRate, timeToRestore };
};

let scenario: FakeGitlab;
let fake: FakeGitlabServer;
let all: Hook[];
const servers: Server[] = [];
const start = async (extra: Record<string, string> = {}) => {
  const s = await startTestServer(
    { DEMING_CONFIG: healthConfig(fake.apiUrl).file, DEMING_GITLAB_WEBHOOK_SECRET: SECRET, ...extra },
    () => NOW,
  );
  servers.push(s);
  return s;
};

beforeAll(async () => {
  scenario = health();
  fake = await startFakeGitlab(scenario, { tokens: { 'test-token': ['read_api'] } });
  all = hooks(scenario, fake.webUrl).filter(
    (h) =>
      !(h.payload.project as { path_with_namespace: string }).path_with_namespace.startsWith('other/') &&
      !(h.payload.project as { path_with_namespace: string }).path_with_namespace.includes('sandbox'),
  );
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await fake.close();
});

describe('GitLab webhooks', () => {
  it('refuse a hook without the secret token, or with a wrong one, and store nothing', async () => {
    const s = await start();
    const hook = all.find((h) => h.payload.object_kind === 'deployment')!;
    expect(await deliver(s.url, hook, { 'x-gitlab-token': null })).toEqual({
      status: 401,
      body: { error: { code: 'bad_token', message: expect.stringMatching(/X-Gitlab-Token header is missing/), details: [] } },
    });
    for (const wrong of ['not the secret', `${SECRET}!`, SECRET.slice(0, -1), '']) {
      const r = await deliver(s.url, hook, { 'x-gitlab-token': wrong });
      expect(r.status, JSON.stringify(wrong)).toBe(401);
      expect(r.body.error.message).toMatch(/is not the secret token/);
    }
    expect(count(s, 'raw_events')).toBe(0);
  });

  it("are on the health answer as GitHub's are: deliveries stored, ignored and refused, with the last error", async () => {
    const s = await start();
    const board = async () =>
      ((await get(`${s.url}/api/v1/health`)).body.collectors as Record<string, unknown>[]).find((c) => c.name === 'gitlab-webhook');
    expect(await board()).toMatchObject({ kind: 'webhook', configured: true, deliveries: 0, rejected: 0, lastDeliveryAt: null });
    const hook = all.find((h) => h.payload.object_kind === 'deployment')!;
    expect((await deliver(s.url, hook, { 'x-gitlab-token': 'not the secret' })).status).toBe(401);
    expect((await deliver(s.url, hook)).status).toBe(200);
    expect((await deliver(s.url, hook)).status).toBe(202);
    expect(await board()).toMatchObject({
      deliveries: 2,
      stored: 1,
      ignored: 1,
      rejected: 1,
      lastEvent: 'deployment',
      lastError: null,
      lastDeliveryAt: new Date(NOW).toISOString(),
    });
  });

  it('take a release hook as a deployment with sources.gitlab.releases: created it counts, a pre-release does not, deleted it is retracted', async () => {
    const s = await startTestServer(
      {
        DEMING_CONFIG: healthConfig(fake.apiUrl, { extra: ['    releases: { include: "v*" }'] }).file,
        DEMING_GITLAB_WEBHOOK_SECRET: SECRET,
      },
      () => NOW,
    );
    servers.push(s);
    const project = all.find(
      (h) => (h.payload.project as { path_with_namespace: string }).path_with_namespace === 'health/clinics/booking',
    )!.payload.project;
    const release = (tag: string, action: string) => ({
      event: 'Release Hook',
      payload: {
        object_kind: 'release',
        id: tag.length,
        tag,
        action,
        created_at: '2026-03-02T15:00:00Z',
        released_at: '2026-03-02T15:00:00Z',
        url: `${fake.webUrl}/health/clinics/booking/-/releases/${tag}`,
        commit: { id: sha('bk-d1') },
        project,
      },
    });
    const stored = () =>
      s.db
        .prepare(
          "SELECT ext_id AS id, status, is_production AS production FROM deployments WHERE ext_id LIKE '%/releases/%' ORDER BY ext_id",
        )
        .all();
    expect((await deliver(s.url, release('v1.0.0', 'create'))).status).toBe(200);
    expect(stored()).toEqual([{ id: expect.stringMatching(/\/releases\/v1\.0\.0$/), status: 'success', production: 1 }]);
    expect((await figures(s, 'service:health/clinics/booking')).deploymentFrequency.count).toBe(1);
    const rc = await deliver(s.url, release('v1.1.0-rc.1', 'create'));
    expect(rc).toMatchObject({ status: 202, body: { ignored: expect.stringMatching(/not a release/) } });
    expect((await deliver(s.url, release('v1.0.0', 'delete'))).status).toBe(200);
    expect(stored()).toMatchObject([{ status: 'retracted' }]);
    expect((await figures(s, 'service:health/clinics/booking')).deploymentFrequency.count).toBe(0);
    const versions = s.db
      .prepare("SELECT json_extract(payload, '$.status') FROM raw_events WHERE event_id LIKE '%/releases/v1.0.0' ORDER BY id")
      .pluck()
      .all();
    expect(versions).toEqual(['success', 'retracted']);
  });

  it('are off, with the setting to make, when no secret is configured', async () => {
    const s = await startTestServer({});
    servers.push(s);
    const r = await deliver(s.url, all[0]);
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/set DEMING_GITLAB_WEBHOOK_SECRET/);
  });

  it('map every hook type of the fixtures, or acknowledge it (2xx) and ignore it, without error', async () => {
    const s = await start();
    const answers = new Map<string, Set<number>>();
    for (const hook of all) {
      const r = await deliver(s.url, hook);
      expect(r.status, `${hook.event} ${JSON.stringify(r.body)}`).toBeLessThan(300);
      const seen = answers.get(hook.event) ?? new Set<number>();
      seen.add(r.status);
      answers.set(hook.event, seen);
    }
    expect(Object.fromEntries([...answers].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'Push Hook': [200],
      'Merge Request Hook': [200, 202],
      'Pipeline Hook': [200, 202],
      'Job Hook': [202],
      'Deployment Hook': [200],
      'Issue Hook': [200, 202],
      'Note Hook': [202],
      'Tag Push Hook': [202],
      'Wiki Page Hook': [202],
      'Release Hook': [202],
      'Emoji Hook': [202],
    });
    expect(
      await deliver(s.url, { event: 'Feature Flag Hook', payload: { object_kind: 'feature_flag', object_attributes: { name: 'x' } } }),
    ).toEqual({ status: 202, body: { ignored: 'GitLab "feature_flag" hooks are not used' } });
    expect(
      await deliver(s.url, {
        event: 'Merge Request Hook',
        payload: { object_kind: 'merge_request', object_attributes: { action: 'update' } },
      }),
    ).toEqual({ status: 202, body: { ignored: 'only merged merge requests are used' } });
  });

  it('store a redelivery once: by its Idempotency-Key, or else by the object and its updated_at', async () => {
    const s = await start();
    const closed = all.find(
      (h) => h.payload.object_kind === 'issue' && (h.payload.object_attributes as { action: string }).action === 'close',
    )!;
    expect(await deliver(s.url, closed, { 'idempotency-key': 'k-1' })).toEqual({
      status: 200,
      body: { accepted: 1, updated: 0, unchanged: 0 },
    });
    const events = count(s, 'raw_events');
    expect(await deliver(s.url, closed, { 'idempotency-key': 'k-1' })).toEqual({
      status: 202,
      body: { duplicate: true, ignored: `this issue hook was received before at ${new Date(NOW).toISOString()} and is not applied again` },
    });
    // GitLab before 17.4 sends no key: the same issue in the same state is the same delivery.
    const pipeline = all.find(
      (h) => h.payload.object_kind === 'pipeline' && (h.payload.object_attributes as { status: string }).status === 'success',
    )!;
    expect((await deliver(s.url, pipeline)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    expect((await deliver(s.url, pipeline)).body.duplicate).toBe(true);
    expect(count(s, 'raw_events')).toBe(events + 1);
    expect(count(s, 'webhook_deliveries')).toBe(2);
  });

  it('refuse bad input with the field or the fix, and store nothing', async () => {
    const s = await start();
    const malformed = await deliver(s.url, {
      event: 'Issue Hook',
      payload: '{"object_kind": "issue", ' as unknown as Record<string, unknown>,
    });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
    const absurd = (payload: string) => deliver(s.url, { event: 'Issue Hook', payload: payload as unknown as Record<string, unknown> });
    // Over the 25 MB limit is a 413; nested past limits.jsonDepth a 400; neither is read further.
    expect(await absurd(`{"object_kind":"issue","pad":"${'x'.repeat(26 * 1024 * 1024)}"}`)).toMatchObject({
      status: 413,
      body: { error: { code: 'too_large' } },
    });
    expect(await absurd('['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({ status: 400, body: { error: { code: 'too_deep' } } });
    const issue = all.find((h) => h.payload.object_kind === 'issue')!;
    const shapeless = await deliver(s.url, { event: 'Issue Hook', payload: { ...issue.payload, object_attributes: { id: 1, iid: 2 } } });
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.error.message).toMatch(/^issue hook: object_attributes\.title/);
    const outside = projectHooks(
      scenario.projects.find((p) => p.path === 'other/elsewhere')!,
      fake.webUrl,
    ).find((h) => h.payload.object_kind === 'push')!;
    const push = { ...outside, payload: { ...outside.payload, before: '1'.repeat(40) } };
    expect(await deliver(s.url, push)).toEqual({
      status: 403,
      body: {
        error: {
          code: 'project_not_configured',
          message:
            "the project other/elsewhere (id 201) is outside sources.gitlab's groups and projects: add it there, or remove this hook from it.",
          details: [],
        },
      },
    });
    const excluded = hooks(scenario, fake.webUrl).find(
      (h) =>
        h.payload.object_kind === 'deployment' &&
        (h.payload.project as { path_with_namespace: string }).path_with_namespace.includes('sandbox'),
    )!;
    expect((await deliver(s.url, excluded)).status).toBe(403);
    expect(count(s, 'raw_events')).toBe(0);
    expect(count(s, 'webhook_deliveries')).toBe(0);
  });

  it('give the same figures as the pull, whatever the order of the hooks', async () => {
    const pulled = await start();
    await pulled.collectors.runNow();
    const expected = { booking: await figures(pulled, 'service:health/clinics/booking'), org: await figures(pulled, 'org') };
    expect(expected.booking.leadTime.count).toBe(7);
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const shuffled = all
      .map((h) => ({ h, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map(({ h }) => h);
    for (const [name, order] of [
      ['in order', all],
      ['reversed', [...all].reverse()],
      ['shuffled', shuffled],
    ] as const) {
      const s = await start();
      for (const hook of order) {
        const r = await deliver(s.url, hook);
        expect(r.status, `${name}: ${hook.event} ${JSON.stringify(r.body)}`).toBeLessThan(300);
      }
      expect({ booking: await figures(s, 'service:health/clinics/booking'), org: await figures(s, 'org') }, name).toEqual(expected);
    }
  });
});

describe('GitLab webhooks without a token', () => {
  it("store what the hook carries: the deployment's full sha from its commit URL, a pipeline without its tests, a merge request's merge commit; pushes wait for the collector", async () => {
    const s = await startTestServer({ DEMING_GITLAB_WEBHOOK_SECRET: SECRET }, () => NOW);
    servers.push(s);
    const booking = all.filter(
      (h) => (h.payload.project as { path_with_namespace: string }).path_with_namespace === 'health/clinics/booking',
    );
    const failed = booking.find((h) => h.payload.object_kind === 'deployment' && h.payload.status === 'failed')!;
    expect(failed.payload.short_sha).toHaveLength(8);
    expect((await deliver(s.url, failed)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    const tested = booking.find(
      (h) =>
        h.payload.object_kind === 'pipeline' &&
        (h.payload.object_attributes as { status: string; duration: number | null }).duration === 19 * 60,
    )!;
    expect((await deliver(s.url, tested)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    const merged = booking.find(
      (h) =>
        h.payload.object_kind === 'merge_request' &&
        (h.payload.object_attributes as { action: string; iid: number }).action === 'merge' &&
        (h.payload.object_attributes as { iid: number }).iid === 1,
    )!;
    expect((await deliver(s.url, merged)).body).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    const push = booking.find((h) => h.payload.object_kind === 'push' && !/^0+$/.test(String(h.payload.before)))!;
    expect((await deliver(s.url, push)).body.ignored).toMatch(/has a token/);
    const d = failed.payload as { deployment_id: number; commit_url: string };
    expect(s.db.prepare('SELECT ext_id, environment, is_production, status, sha, finished_at FROM deployments').all()).toEqual([
      {
        ext_id: expect.stringMatching(new RegExp(`/projects/101/deployments/${d.deployment_id}$`)),
        environment: 'live',
        is_production: 1,
        status: 'failure',
        sha: d.commit_url.split('/').pop(),
        finished_at: Date.parse('2026-03-03T11:30:00Z'),
      },
    ]);
    expect(s.db.prepare('SELECT status, started_at, finished_at, tests_passed FROM ci_runs').all()).toEqual([
      {
        status: 'success',
        started_at: Date.parse('2026-03-03T10:02:00Z'),
        finished_at: Date.parse('2026-03-03T10:21:00Z'),
        tests_passed: null,
      },
    ]);
    expect(s.db.prepare('SELECT number, merge_sha FROM pull_requests').all()).toEqual([
      { number: 1, merge_sha: (merged.payload.object_attributes as { merge_commit_sha: string }).merge_commit_sha },
    ]);
  });
});

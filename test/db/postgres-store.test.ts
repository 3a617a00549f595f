/**
 * The PostgreSQL store against the SQLite store: the same units of work and reads, run through
 * both on a real PostgreSQL server (test/helpers/postgres.ts) and a real SQLite file, give the
 * same answers: ingest results and versions, idempotency, retractions, what each deployment
 * shipped and the figures the read services compute from it, loops, sessions, webhook
 * deliveries, incidents kept aside, and the production flag worked out again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, DeliveryRecordedAlready, type Store, type IngestOptions, type GroupBatch } from '../../db/store';
import { openPostgresStore } from '../../db/postgres/store';
import { migrate } from '../../db/postgres/migrate';
import { validateEvents } from '../../common/validate-events';
import { teamResolver, type OrganisationConfig } from '../../common/org';
import type { NativeEventInput } from '../../common/events';
import { change, ciRun, deployment, incident, sha, shuffle } from '../helpers/factories';
import { ORG, WINDOW, scenarioEvents } from '../helpers/scenario';
import { testDatabase } from '../helpers/postgres';
import { createReadState } from '../../server/read/state';
import { parseScope } from '../../server/scope';
import { readMetrics } from '../../server/metrics/read';
import { generateDemo } from '../../collectors/demo/generate';
import type { IncidentRecord, RecordDecision } from '../../db/queries/source-incidents';
import type { ChangeRequestRecord } from '../../db/queries/change-requests';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/server';
import { get, post } from '../helpers/server';
import { writeFileSync } from 'node:fs';
import { createSignInGuard } from '../../server/rate-limit';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The two stores, each fresh: SQLite on a temporary file, PostgreSQL on a database of its own. */
async function stores(opts: { leadTimeFrom?: 'commit' | 'author' } = {}): Promise<{ sqlite: Store; postgres: Store; pool: pg.Pool }> {
  const dir = mkdtempSync(join(tmpdir(), 'deming-pgstore-'));
  const sqlite = openStore(join(dir, 'deming.db'), opts);
  const db = await testDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await migrate(pool);
  const postgres = await openPostgresStore(pool, opts);
  cleanups.push(async () => {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
    await postgres.close();
    await db.drop();
  });
  return { sqlite, postgres, pool };
}

const NOW = Date.parse('2026-06-01T00:00:00Z');
const PRODUCTION = /^prod(uction)?$/i;
const opts = (org: OrganisationConfig = [], more: Partial<IngestOptions> = {}): IngestOptions => ({
  production: PRODUCTION,
  now: NOW,
  resolveTeam: teamResolver(org),
  ...more,
});

/** Runs `f` on both stores, one after the other, and returns both answers. */
async function both<T>(s: { sqlite: Store; postgres: Store }, f: (store: Store) => Promise<T>): Promise<{ sqlite: T; postgres: T }> {
  return { sqlite: await f(s.sqlite), postgres: await f(s.postgres) };
}

/** Expects `f` to give the same answer on both stores; returns it. */
async function same<T>(s: { sqlite: Store; postgres: Store }, f: (store: Store) => Promise<T>): Promise<T> {
  const r = await both(s, f);
  expect(canon(r.postgres)).toEqual(canon(r.sqlite));
  return r.sqlite;
}

/**
 * A value with its row ids replaced by their rank among the ids at the same place: ids are
 * opaque, and PostgreSQL's identities skip the numbers a rolled-back insert or an upsert that
 * updated took (SQLite gives them again), but both number rows in the order they were stored.
 */
function canon<T>(value: T): T {
  const seen = new Map<string, Set<number>>();
  const isId = (k: string) => k === 'id' || k === 'rowId' || /[a-z]Ids?$/.test(k);
  const walk = (v: unknown, path: string, f: (path: string, n: number) => number | void, ids = false): unknown => {
    if (ids && typeof v === 'number') return f(path, v) ?? v;
    if (Array.isArray(v)) return v.map((x) => walk(x, path + '[]', f, ids));
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x, path + '.', f)]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`, f, isId(k))]));
    return v;
  };
  walk(value, '', (path, n) => {
    const set = seen.get(path) ?? new Set<number>();
    set.add(n);
    seen.set(path, set);
  });
  const ranks = new Map([...seen].map(([path, set]) => [path, new Map([...set].sort((a, b) => a - b).map((n, i) => [n, i + 1]))]));
  return walk(value, '', (path, n) => ranks.get(path)!.get(n)) as T;
}

const ingest =
  (events: NativeEventInput[], org: OrganisationConfig = [], more: Partial<IngestOptions> = {}) =>
  (store: Store) =>
    store.ingestBatch(validateEvents(events), opts(org, more));

/** Every read the read services make of a scope's services over a window, on a store. */
async function everything(store: Store, from: number, to: number) {
  const org = await store.readOrganisation();
  const ids = org.services.map((s) => s.id);
  const facts = await store.readFacts(ids, from, to, true);
  // Rows the SQLite statements return in no stated order, in one.
  facts.leadTimes.sort((a, b) => a.deployedAt - b.deployedAt || a.changeId - b.changeId);
  facts.restored.sort((a, b) => a.resolvedAt - b.resolvedAt || a.openedAt - b.openedAt);
  facts.pullRequests.sort((a, b) => a.deployedAt - b.deployedAt || a.mergedAt - b.mergedAt);
  const pairs = facts.leadTimes.map((l) => [l.changeId, l.deploymentId] as [number, number]);
  return {
    org,
    facts,
    span: await store.readDataSpan(ids),
    changes: await store.readChanges(pairs),
    changePullRequests: await store.readChangePullRequests(pairs),
    deployments: await store.readDeployments(ids, from, to, 1000),
    incidents: await store.readIncidents(ids, from, to, 1000),
    ciRuns: await store.readCiRuns(ids, from, to, 1000),
    production: await Promise.all(ids.map((id) => store.productionDeploymentsFrom(id, Number.MIN_SAFE_INTEGER))),
    events: await store.healthCounts(),
    byType: await store.countEventsByType(0),
    latest: await latestOf(store),
  };
}

async function latestOf(store: Store, names?: string[]) {
  const out: { type: string; eventId: string; payload: string }[] = [];
  for await (const r of store.readLatestEvents(names)) out.push({ type: r.type, eventId: r.eventId, payload: r.payload });
  return out;
}

/** The metrics the server answers for every scope of the organisation, as it computes them (fact index, answer cache). */
async function figures(store: Store, from: number, to: number) {
  const state = createReadState(store);
  try {
    const org = await store.readOrganisation();
    const scopes = ['org', ...org.departments.map((d) => `department:${d.id}`), ...org.teams.map((t) => `team:${t.id}`)];
    scopes.push(...org.services.map((s) => `service:${s.name}`));
    const out: Record<string, unknown> = {};
    for (const key of scopes) {
      const resolved = await state.org.resolve(parseScope(key));
      out[key] = await readMetrics(state, resolved, from, to, { tz: 'UTC' });
    }
    return out;
  } finally {
    state.close();
  }
}

describe('the PostgreSQL store beside the SQLite store', () => {
  it('gives the same versions, idempotency and counts for re-sent, changed, older and moved events', async () => {
    const s = await stores();
    const open = incident({ id: 'inc-1', updatedAt: '2026-03-04T00:00:00Z' });
    const steps: NativeEventInput[][] = [
      [open, deployment({ id: 'd1' }), change({ sha: sha('a') })],
      [open], // unchanged
      [{ ...open, resolvedAt: '2026-03-04T01:00:00Z', updatedAt: '2026-03-05T00:00:00Z' }], // updated
      [{ ...open, severity: 'sev1', updatedAt: '2026-03-04T12:00:00Z' }], // older than the stored version: unchanged
      [{ ...open, resolvedAt: '2026-03-04T01:00:00Z', updatedAt: '2026-03-06T00:00:00Z' }], // same but newer time: unchanged
      [deployment({ id: 'd1', service: 'acme/other' })], // the key moves to another service
      // The same event several times in one batch, moving back and forth.
      [incident({ id: 'inc-9' }), incident({ id: 'inc-9', service: 'acme/other' }), incident({ id: 'inc-9' })],
      // Two spellings of one service.
      [deployment({ id: 'd2', service: 'Acme/Web' }), deployment({ id: 'd3', service: 'acme/web' })],
    ];
    for (const events of steps) await same(s, ingest(events));
    expect(await same(s, (st) => st.listServices())).toHaveLength(3);
    const stored = await same(s, (st) => st.incidentsByKey('api', ['inc-1', 'inc-9', 'nope']));
    expect(stored.get('inc-1')).toMatchObject({ resolvedAt: '2026-03-04T01:00:00.000Z', updatedAt: '2026-03-06T00:00:00.000Z' });
    expect(stored.has('nope')).toBe(false);
    await same(s, (st) => everything(st, 0, NOW));
  });

  it('links commits to deployments and gives the same figures for the hand-worked scenario, in any order and any batching', async () => {
    const s = await stores();
    await same(s, (st) => st.syncOrganisation(ORG));
    // Backwards and in three batches: late parents re-link what follows them.
    const events = shuffle(scenarioEvents(), 7);
    for (const part of [events.slice(0, 9), events.slice(9, 20), events.slice(20)]) await same(s, ingest(part, ORG));
    const all = await same(s, (st) => everything(st, WINDOW.from, WINDOW.to));
    // What the hand-worked scenario says (test/helpers/scenario.ts): deploy-1 shipped c2 and c3.
    const shipped = all.changes.filter((c) => c.deploymentId === 'deploy-1').map((c) => c.sha);
    expect(shipped.sort()).toEqual([sha('c2'), sha('c3')].sort());
    const f = await same(s, (st) => figures(st, WINDOW.from, WINDOW.to));
    expect(Object.keys(f)).toContain('team:t1');
    // The gap search: c1 has no known parents, and nothing shipped before deploy-0 stops the walk.
    const app = (await s.postgres.findService('acme/app'))!;
    expect(await same(s, (st) => st.hasCommitGap(app.id, sha('c7'), sha('c3'), Date.parse('2026-03-04T00:00:00Z')))).toBe(false);
    expect(await same(s, (st) => st.hasCommitGap(app.id, sha('c7'), 'none', Date.parse('2026-01-01T00:00:00Z')))).toBe(true);
  });

  it('links the same commits to the same deployments as SQLite on random commit graphs, in any order and batching (set-based linking)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = await stores();
      let x = seed * 7919;
      const rand = () => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x / 2147483648;
      };
      const pick = (n: number) => Math.floor(rand() * n);
      const events: NativeEventInput[] = [];
      const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();
      for (const service of ['acme/app', 'acme/api']) {
        const name = (i: number) => `${service}-${seed}-c${i}`;
        // Commits: mostly a line, with side branches from older commits and merges of them.
        let tip = -1;
        const side: number[] = [];
        for (let i = 0; i < 40; i++) {
          const parents: string[] = [];
          const r = rand();
          if (tip >= 0 && r < 0.15 && i > 3) {
            side.push(i); // a branch from an older commit, merged later
            parents.push(sha(name(pick(tip + 1))));
          } else {
            if (tip >= 0) parents.push(sha(name(tip)));
            if (side.length > 0 && r > 0.8) parents.push(sha(name(side.shift()!)));
            tip = i;
          }
          events.push(change({ service, sha: sha(name(i)), parents, committedAt: day(i) }));
        }
        // Deployments: a head (sometimes an older one, a rollback or a redeploy), or a list of commits; a few to staging or failed.
        for (let d = 0; d < 14; d++) {
          const at = Math.min(39, 3 * d + pick(3));
          const listed = rand() < 0.25;
          events.push(
            deployment({
              service,
              id: `${service}-${seed}-d${d}`,
              environment: rand() < 0.1 ? 'staging' : 'production',
              status: rand() < 0.1 ? 'failure' : 'success',
              finishedAt: day(at + 1),
              ...(listed
                ? { commits: Array.from({ length: 1 + pick(4) }, () => sha(name(pick(at + 1)))) }
                : { sha: sha(name(rand() < 0.2 ? pick(at + 1) : at)) }),
            }),
          );
        }
      }
      const shuffled = shuffle(events, seed);
      const cuts = [0, ...Array.from({ length: 3 }, () => pick(shuffled.length)).sort((a, b) => a - b), shuffled.length];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const part = shuffled.slice(cuts[i], cuts[i + 1]);
        if (part.length > 0) await same(s, ingest(part));
      }
      const all = await same(s, (st) => everything(st, Date.UTC(2025, 11, 1), Date.UTC(2026, 2, 1)));
      expect(all.facts.leadTimes.length).toBeGreaterThan(20); // commits were linked
      await same(s, (st) => figures(st, Date.UTC(2025, 11, 1), Date.UTC(2026, 2, 1)));
    }
  });

  it('gives the same figures for every scope of the demo, stored with its loops in one unit', async () => {
    const s = await stores();
    const now = Date.parse('2026-05-01T00:00:00Z');
    const demo = generateDemo({ now, seed: 42 });
    const events = validateEvents(demo.events.slice(0, 4000));
    const r = await same(s, (st) => st.seedDemo(demo.organisation, events, opts(demo.organisation, { defaultSource: 'demo' }), demo.loops));
    expect(r.accepted).toBeGreaterThan(1000);
    expect(await same(s, (st) => st.getSetting('demo'))).toBe('1');
    const from = now - 90 * 86_400_000;
    await same(s, (st) => figures(st, from, now));
    const scopes = [...new Set(demo.loops.map((l) => l.scope))];
    for (const scope of scopes) {
      await same(s, (st) => st.listLoops(scope, 0, now * 2));
      await same(s, (st) => st.listLoopAudit(scope, 100));
    }
  });

  it('keeps the other batches of a group when one is refused, and none of the refused one', async () => {
    const s = await stores();
    const delivery = { source: 'github', deliveryId: 'g-1', event: 'push', at: NOW };
    expect(await same(s, (st) => st.recordDelivery(delivery))).toBe(true);
    expect(await same(s, (st) => st.recordDelivery(delivery))).toBe(false);
    await same(s, (st) => st.findDelivery('github', 'g-1'));
    const group: GroupBatch[] = [
      { events: validateEvents([deployment({ id: 'a', service: 'acme/a' })]), opts: opts() },
      { events: validateEvents([deployment({ id: 'b', service: 'acme/b' })]), opts: opts([], { alsoStore: { delivery } }) },
      { events: validateEvents([change({ sha: sha('c1'), service: 'acme/c' })]), opts: opts() },
    ];
    const out = await both(s, (st) => st.ingestGroup(group));
    for (const o of [out.sqlite, out.postgres]) {
      expect(o.map((x) => ('result' in x ? x.result.accepted : (x.error as Error).name))).toEqual([1, 'DeliveryRecordedAlready', 1]);
      expect((o[1] as { error: unknown }).error).toBeInstanceOf(DeliveryRecordedAlready);
    }
    expect((await same(s, (st) => st.listServices())).map((x) => x.name)).toEqual(['acme/a', 'acme/c']);
    expect((await same(s, ingest([deployment({ id: 'b', service: 'acme/b' })]))).accepted).toBe(1);
    await same(s, (st) => st.healthCounts());
  });

  it('tells the change feed which services each committed batch touched', async () => {
    const s = await stores();
    const seen = await both(s, async (st) => {
      const ids: number[][] = [];
      const stop = st.onServicesChanged((x) => ids.push([...x]));
      await ingest([deployment({ id: 'd1', service: 'acme/web' })])(st);
      stop();
      await ingest([deployment({ id: 'd2', service: 'acme/api' })])(st);
      return ids;
    });
    expect(seen.postgres).toEqual(seen.sqlite);
    expect(seen.postgres).toHaveLength(1);
  });

  it('plans, edits, acts on and deletes loops with the same audit trail', async () => {
    const s = await stores();
    const loop = {
      scope: 'team:t1',
      name: 'Q1',
      fromAt: Date.parse('2026-01-01T00:00:00Z'),
      toAt: Date.parse('2026-04-01T00:00:00Z'),
      createdAt: NOW,
      planMetric: 'lead_time',
      planTarget: 2.5,
      planHypothesis: 'smaller pull requests',
    };
    const planned = await same(s, (st) => st.planLoop(loop, 'ada'));
    expect(planned.ok).toBe(true);
    expect(await same(s, (st) => st.planLoop({ ...loop, name: 'clash' }, 'ada'))).toMatchObject({ ok: false, reason: 'overlap' });
    const id = planned.ok ? planned.loop.id : 0;
    await same(s, (st) => st.patchLoop(id, (b) => ({ ...b, name: 'Q1 (edited)', toAt: b.toAt + 1000 }), 'edit', 'ada', NOW + 1));
    await same(s, (st) =>
      st.patchLoop(id, (b) => ({ ...b, actDecision: 'adopt', actNotes: 'it worked', actDecidedAt: NOW + 2 }), 'act', 'bob', NOW + 2),
    );
    await expect(
      s.postgres.patchLoop(
        id,
        () => {
          throw new Error('refused');
        },
        'edit',
        'ada',
        NOW + 3,
      ),
    ).rejects.toThrow('refused');
    expect(await same(s, (st) => st.countLoops('team:t1'))).toBe(1);
    await same(s, (st) => st.deleteLoop(id, 'ada', NOW + 4));
    expect(await same(s, (st) => st.deleteLoop(id, 'ada', NOW + 5))).toEqual({ ok: false, reason: 'missing' });
    expect(await same(s, (st) => st.listLoopAudit('team:t1', 10))).toHaveLength(4);
    await same(s, (st) => st.listAuditOfLoops([id]));
    await same(s, (st) => st.getLoop(id));
  });

  it('keeps sessions, cursors and settings alike', async () => {
    const s = await stores();
    const row = (actor: string, createdAt: number) => ({
      actor,
      role: 'admin',
      kind: 'password',
      origin: actor,
      createdAt,
      expiresAt: createdAt + 1000,
    });
    await same(s, (st) => st.insertSession('h1', row('user:ada', 100)));
    await same(s, (st) => st.insertSession('h2', row('user:bob', 200)));
    await same(s, (st) => st.insertSession('h3', row('user:ada', 300)));
    expect(await same(s, (st) => st.getSession('h1', 500))).toMatchObject({ actor: 'user:ada' });
    expect(await same(s, (st) => st.getSession('h1', 1100))).toBeUndefined();
    expect(await same(s, (st) => st.listSessions(1150))).toHaveLength(2);
    await same(s, (st) => st.deleteExpiredSessions(1150));
    expect(await same(s, (st) => st.deleteSessionsOf('user:ada', 1150))).toBe(1);
    await same(s, (st) => st.deleteSession('h2'));
    expect(await same(s, (st) => st.deleteAllSessions(0))).toBe(0);
    await same(
      s,
      ingest([deployment({ id: 'd1' })], [], { cursors: [{ collector: 'git', resource: 'acme/web', cursor: '{"tips":[]}', etag: 'e1' }] }),
    );
    expect(await same(s, (st) => st.getCursor('git', 'acme/web'))).toMatchObject({ cursor: '{"tips":[]}', etag: 'e1' });
    await same(s, (st) => st.listCursors('git'));
    await same(s, (st) => st.putSetting('k', 'v1'));
    await same(s, (st) => st.putSetting('k', 'v2'));
    expect(await same(s, (st) => st.getSetting('k'))).toBe('v2');
  });

  it('keeps sign-in limits and single sign-ons under way alike: locks, the table bound, a state taken once', async () => {
    const s = await stores();
    const guards = {
      sqlite: createSignInGuard({ attempts: 2, lockMs: 60_000, capacity: 20, now: () => 1_000, store: s.sqlite }),
      postgres: createSignInGuard({ attempts: 2, lockMs: 60_000, capacity: 20, now: () => 1_000, store: s.postgres }),
    };
    const guard = (st: Store) => (st === s.sqlite ? guards.sqlite : guards.postgres);
    // Ten wrong tokens lock an address (the address limit is five times the account's); 30 addresses through a table of 20.
    for (let i = 0; i < 30; i++) for (let j = 0; j < 10; j++) await same(s, (st) => guard(st).token(`10.0.0.${i}`, false));
    expect(await same(s, (st) => guard(st).token('10.0.0.0', true))).toMatchObject({ status: 429, retryAfter: 60 });
    expect(await same(s, (st) => guard(st).token('10.0.0.29', false))).toMatchObject({
      status: 429,
      message: expect.stringContaining('on this server'),
    });
    expect(await same(s, (st) => st.countSignInLimits('token'))).toBeLessThanOrEqual(20);
    // A password attempt in flight, then its failure.
    const attempts = await both(s, (st) => guard(st).password('Ada', '10.1.1.1'));
    for (const a of Object.values(attempts)) if ('failed' in a) await a.failed();
    expect(await same(s, (st) => st.countSignInLimits('user'))).toBe(1);
    expect(await same(s, (st) => st.sweepSignInLimits('user', 1_000 + 61_000, 20))).toEqual({ count: 0, nextFree: null });

    expect(await same(s, (st) => st.addOidcPending('hash-1', 'verifier-1', 100, null))).toBe(true);
    expect(await same(s, (st) => st.addOidcPending('hash-2', 'verifier-2', 200, 2))).toBe(true);
    expect(await same(s, (st) => st.addOidcPending('hash-3', 'verifier-3', 300, 2))).toBe(false);
    expect(await same(s, (st) => st.sweepOidcPending(150))).toEqual({ count: 1, oldest: 200 });
    expect(await same(s, (st) => st.takeOidcPending('hash-1'))).toBeUndefined();
    expect(await same(s, (st) => st.takeOidcPending('hash-2'))).toEqual({ verifier: 'verifier-2', startedAt: 200 });
    expect(await same(s, (st) => st.takeOidcPending('hash-2'))).toBeUndefined();
  });

  it('lists deployments with the change request each carried out and its approval wait, newest state kept', async () => {
    const s = await stores();
    const H = 3_600_000;
    const raised = Date.parse('2026-03-01T09:00:00Z');
    const cr = (number: string, approval: string, approvalSetAt: number | null, updatedAt: number): ChangeRequestRecord => ({
      number,
      source: 'servicenow',
      requestedAt: raised,
      approval,
      approvalSetAt,
      plannedStartAt: raised + 24 * H,
      plannedEndAt: raised + 26 * H,
      workStartedAt: approvalSetAt === null ? null : raised + 25 * H,
      workEndedAt: approvalSetAt === null ? null : raised + 26 * H,
      updatedAt,
    });
    const deploys = [
      deployment({ id: 'cr-d1', changeRequest: 'CHG0001', finishedAt: '2026-03-02T11:00:00Z' }),
      deployment({ id: 'cr-d2', changeRequest: 'CHG0002', finishedAt: '2026-03-03T11:00:00Z' }),
      deployment({ id: 'cr-d3', finishedAt: '2026-03-04T11:00:00Z' }),
    ];
    // The first page: CHG0001 twice (its approval, then a later state), CHG0002 still waiting.
    await same(
      s,
      ingest(deploys, [], {
        alsoStore: {
          changeRequests: {
            items: [
              cr('CHG0001', 'requested', null, 1),
              cr('CHG0001', 'approved', raised + 20 * H, 2),
              cr('CHG0002', 'requested', null, 1),
            ],
            receivedAt: NOW,
          },
        },
      }),
    );
    // A later page: CHG0002 approved; an older state of CHG0001 that must change nothing.
    await same(
      s,
      ingest([], [], {
        alsoStore: {
          changeRequests: {
            items: [cr('CHG0002', 'approved', raised + 6 * H, 3), cr('CHG0001', 'rejected', null, 1)],
            receivedAt: NOW + 1,
          },
        },
      }),
    );
    const listed = await same(s, async (st) => {
      const ids = (await st.readOrganisation()).services.map((x) => x.id);
      return st.readDeployments(ids, WINDOW.from, WINDOW.to, 100);
    });
    expect(listed.map((d) => [d.id, d.changeRequest, d.approval, d.approvalSetAt === null ? null : d.approvalSetAt - raised])).toEqual([
      ['cr-d3', null, null, null],
      ['cr-d2', 'CHG0002', 'approved', 6 * H],
      ['cr-d1', 'CHG0001', 'approved', 20 * H],
    ]);
    expect(listed[2]).toMatchObject({ changeRequestedAt: raised, workStartedAt: raised + 25 * H, workEndedAt: raised + 26 * H });
  });

  it('takes incidents their source withdrew out of the figures, and counts them again when they count', async () => {
    const s = await stores();
    const record = (id: string, updatedAt: number): IncidentRecord => ({
      source: 'pagerduty',
      id,
      fields: { 'service.id': 'P1', 'service.name': 'Web' },
      severityValue: 'P1',
      openedAt: Date.parse('2026-03-04T00:00:00Z'),
      resolvedAt: null,
      outcome: null,
      title: null,
      url: null,
      links: {},
      updatedAt,
      grouping: 'g1',
    });
    const counted: RecordDecision = { status: 'counted', service: 'acme/web', severity: 'sev1', reason: null };
    const skipped: RecordDecision = { status: 'skipped', service: null, severity: null, reason: 'cancelled' };
    const unmapped: RecordDecision = { status: 'unmapped', service: null, severity: null, reason: 'no mapping names P9' };
    const ev = (updatedAt: string) =>
      incident({ id: 'PD1', source: 'pagerduty', service: 'acme/web', openedAt: '2026-03-04T00:00:00Z', updatedAt });
    const at = (t: string) => Date.parse(t);
    await same(
      s,
      ingest([ev('2026-03-04T00:00:00Z')], [], {
        alsoStore: {
          incidents: {
            items: [
              { record: record('PD1', at('2026-03-04T00:00:00Z')), decision: counted },
              { record: { ...record('PD9', 1), grouping: 'g9' }, decision: unmapped },
            ],
            receivedAt: NOW,
          },
        },
      }),
    );
    // Cancelled: out of the figures, its key withdrawn.
    const out = await same(
      s,
      ingest([], [], {
        alsoStore: { incidents: { items: [{ record: record('PD1', at('2026-03-05T00:00:00Z')), decision: skipped }], receivedAt: NOW } },
      }),
    );
    expect(out.services).toEqual(['acme/web']);
    expect((await same(s, (st) => st.incidentsByKey('pagerduty', ['PD1']))).size).toBe(0);
    // An older version is still older; the incident counting again is stored again.
    expect(await same(s, ingest([ev('2026-03-04T12:00:00Z')]))).toMatchObject({ unchanged: 1 });
    expect(await same(s, ingest([ev('2026-03-06T00:00:00Z')]))).toMatchObject({ updated: 1 });
    await same(s, (st) => st.sourceIncidents('pagerduty'));
    expect(await same(s, (st) => st.sourceIncidentList('unmapped', null, 10))).toHaveLength(1);
    await same(s, (st) => st.sourceIncidentList('skipped', 'pagerduty', 10));
    await same(s, (st) => st.sourceIncidentCounts());
    expect(await same(s, (st) => st.openSourceIncident('pagerduty', 'g1'))).toBeDefined();
    await same(s, (st) => everything(st, 0, NOW));
  });

  it('works out the production flag again when the pattern changes, and links again what moved', async () => {
    const s = await stores();
    await same(s, (st) => st.reevaluateProduction(PRODUCTION));
    const events = [
      change({ sha: sha('a'), committedAt: '2026-03-01T00:00:00Z' }),
      change({ sha: sha('b'), committedAt: '2026-03-02T00:00:00Z', parents: [sha('a')] }),
      deployment({ id: 'live-1', sha: sha('a'), environment: 'live', finishedAt: '2026-03-03T00:00:00Z' }),
      deployment({ id: 'prod-1', sha: sha('b'), environment: 'production', finishedAt: '2026-03-04T00:00:00Z' }),
      deployment({ id: 'declared', sha: sha('b'), environment: 'qa', production: false, finishedAt: '2026-03-05T00:00:00Z' }),
      ciRun({ id: 'r1', sha: sha('b') }),
    ];
    await same(s, ingest(events));
    const before = await same(s, (st) => everything(st, 0, NOW));
    const r = await same(s, (st) => st.reevaluateProduction(/^(prod|live)/));
    expect(r).toMatchObject({ changed: 1, services: 1 });
    const after = await same(s, (st) => everything(st, 0, NOW));
    expect(after.changes.map((c) => c.deploymentId)).not.toEqual(before.changes.map((c) => c.deploymentId));
    expect(await same(s, (st) => st.reevaluateProduction(/^(prod|live)/))).toMatchObject({ changed: 0 });
  });

  it('reads lead time from the author time where configured, and squash commits from their pull request', async () => {
    const s = await stores({ leadTimeFrom: 'author' });
    const pr = { number: 7, mergedAt: '2026-03-03T00:00:00Z', firstCommitAt: '2026-02-20T00:00:00Z', squashed: true };
    await same(
      s,
      ingest([
        change({ sha: sha('x'), committedAt: '2026-03-02T00:00:00Z', authoredAt: '2026-02-25T00:00:00Z' }),
        change({ sha: sha('y'), committedAt: '2026-03-03T00:00:00Z', parents: [sha('x')], pullRequest: pr }),
        deployment({ id: 'd1', sha: sha('y'), finishedAt: '2026-03-04T00:00:00Z' }),
      ]),
    );
    const facts = await same(s, (st) => everything(st, 0, NOW));
    expect(facts.facts.leadTimes.map((l) => l.committedAt).sort()).toEqual(
      [Date.parse('2026-02-20T00:00:00Z'), Date.parse('2026-02-25T00:00:00Z')].sort(),
    );
  });

  it("says that backups of PostgreSQL are the platform's", async () => {
    const s = await stores();
    await expect(s.postgres.backup('/tmp/nowhere.db')).rejects.toThrow(/pg_dump/);
  });

  it('answers the same over HTTP: one server on SQLite, one on PostgreSQL, the same events posted to both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deming-pgstore-http-'));
    const config = join(dir, 'deming.config.yaml');
    writeFileSync(
      config,
      'organisation:\n  - id: d1\n    name: Department One\n    teams:\n      - id: t1\n        name: Team One\n        services: ["acme/*"]\n',
    );
    const db = await testDatabase();
    const env = { PORT: '0', DEMING_DEMO: 'off', DEMING_CONFIG: config };
    const now = () => Date.parse('2026-03-16T00:00:00Z');
    const servers = {
      sqlite: await startServer(loadConfig({ ...env, DEMING_DB: join(dir, 'deming.db') }), { log: () => {}, now }),
      postgres: await startServer(loadConfig({ ...env, DEMING_DB: join(dir, 'unused.db'), DEMING_DATABASE_URL: db.url }), {
        log: () => {},
        now,
      }),
    };
    cleanups.push(async () => {
      await servers.sqlite.close();
      await servers.postgres.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    const events = scenarioEvents();
    for (const s of Object.values(servers)) {
      expect((await post(`${s.url}/api/v1/events`, events.slice(0, 15))).status).toBe(200);
      expect((await post(`${s.url}/api/v1/events`, events.slice(10))).body).toMatchObject({ unchanged: 5 });
    }
    const q = 'from=2026-03-02&to=2026-03-16';
    const paths = [
      '/api/v1/org',
      ...['org', 'department:d1', 'team:t1', 'service:acme/app'].map((scope) => `/api/v1/metrics?scope=${scope}&${q}`),
      `/api/v1/metrics/series?scope=team:t1&${q}&interval=week`,
      `/api/v1/changes?scope=team:t1&${q}`,
      `/api/v1/deployments?scope=team:t1&${q}`,
      `/api/v1/incidents?scope=team:t1&${q}`,
      `/api/v1/ci-runs?scope=team:t1&${q}`,
      `/api/v1/summary?${q}`,
    ];
    for (const path of paths) {
      const [a, b] = [await get(servers.sqlite.url + path), await get(servers.postgres.url + path)];
      expect(a.status, path).toBe(200);
      expect(b.status, path).toBe(200);
      expect(b.body, path).toEqual(a.body);
    }
    // The PostgreSQL server's events are in its database.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const stored = (await client.query<{ n: string }>('SELECT count(*) AS n FROM raw_events')).rows[0].n;
    await client.end();
    expect(Number(stored)).toBe(events.length);
    const health = await get(`${servers.postgres.url}/api/v1/health`);
    expect(health.body.database).toMatchObject({
      events: (await get(`${servers.sqlite.url}/api/v1/health`)).body.database.events,
      services: 3,
    });
  });
});

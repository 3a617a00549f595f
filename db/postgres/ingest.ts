/**
 * The one ingestion path on PostgreSQL: the same decisions as db/ingest.ts (db/event-rules.ts,
 * db/rows.ts), written set-based. A batch of any size takes a fixed number of statements: its
 * services found or created, a lock per service, its stored keys read at once, then the versions
 * decided in order in memory, and every table written with one multi-row statement (unnest) and
 * the linking of every service it touched by one call (deming_relink_services: one recursive walk
 * of the commit graph for all their deployments at once). Where one batch carries several versions of a row, they are merged in
 * order first as the SQLite upserts would have merged them, so each row is written once.
 */
import type pg from 'pg';
import type { NativeEvent } from '../../common/events';
import { UNASSIGNED_TEAM } from '../../common/org';
import { normaliseServiceName, serviceKey } from '../../common/identifiers';
import type { IngestOptions, IngestResult } from '../ingest';
import { BatchTally, decideKey, eventHash, samePullRequest, type KeyState, type PullRequestFields } from '../event-rules';
import { changeRow, ciRunRow, deploymentRow, incidentRow, keyOf, ms, pullRequestRow } from '../rows';
import type { ChangeInsert, PullRequestInsert } from '../queries/changes';
import type { DeploymentInsert } from '../queries/deployments';
import type { CiRunInsert } from '../queries/ci-runs';
import type { IncidentInsert } from '../queries/incidents';
import type { EventKey } from '../queries/event-keys';
import type { ServiceRef } from '../queries/org';
import { DeliveryRecordedAlready } from '../queries/webhook-deliveries';
import { q, run, type Queryable } from './sql';
import { ensureUnassigned, recordDelivery } from './units';
import { storeSourceIncidents } from './source-incidents';
import { storeChangeRequests } from './change-requests';

/** The class of the per-service advisory locks ingest takes (any two 32-bit numbers name a lock; this one is "DEMI"). */
export const SERVICE_LOCK = 0x44454d49 | 0;

const keyText = (k: EventKey) => `${k.type}\u0000${k.source}\u0000${k.eventId}`;
const bool = (n: number | null) => (n === null ? null : n === 1);

/** What a transaction learnt of service ids, kept by the store only once it commits. */
export type ServiceCache = Map<string, ServiceRef>;

/**
 * The services the names mean, created where new (in their configured team, or `unassigned`),
 * each under the first name it was seen with, in the order the names come (so ids are given as
 * SQLite gives them). `known` is read first; what is found or created is added to `found`.
 */
async function resolveServices(
  db: Queryable,
  names: string[],
  resolveTeam: (service: string) => string | null,
  known: ServiceCache,
  found: ServiceCache,
): Promise<void> {
  const missing = names.filter((n) => !known.has(n) && !found.has(n));
  if (missing.length === 0) return;
  const keys = missing.map(serviceKey);
  const rows = await q<{ id: number; name: string; key: string }>(db, 'SELECT id, name, key FROM services WHERE key = ANY($1::text[])', [
    [...new Set(keys)],
  ]);
  const byKey = new Map(rows.map((r) => [r.key, { id: r.id, name: r.name }]));
  // New services, by key, under the first spelling seen.
  const create = new Map<string, { name: string; team: string }>();
  for (const n of missing) {
    const display = normaliseServiceName(n);
    const k = serviceKey(display);
    if (!byKey.has(k) && !create.has(k)) create.set(k, { name: display, team: resolveTeam(n) ?? UNASSIGNED_TEAM });
  }
  if (create.size > 0) {
    if ([...create.values()].some((c) => c.team === UNASSIGNED_TEAM)) await ensureUnassigned(db);
    const made = await q<{ id: number; name: string; key: string }>(
      db,
      `INSERT INTO services (name, key, team_id)
      SELECT n, k, t FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(n, k, t, o) ORDER BY o
      ON CONFLICT (key) DO NOTHING RETURNING id, name, key`,
      [[...create.values()].map((c) => c.name), [...create.keys()], [...create.values()].map((c) => c.team)],
    );
    for (const r of made) byKey.set(r.key, { id: r.id, name: r.name });
    // Created by another instance meanwhile.
    const raced = [...create.keys()].filter((k) => !byKey.has(k));
    if (raced.length > 0) {
      for (const r of await q<{ id: number; name: string; key: string }>(
        db,
        'SELECT id, name, key FROM services WHERE key = ANY($1::text[])',
        [raced],
      ))
        byKey.set(r.key, { id: r.id, name: r.name });
    }
  }
  for (const n of missing) found.set(n, byKey.get(serviceKey(normaliseServiceName(n)))!);
}

/**
 * Another writer stored some of a batch's idempotency keys between this batch's read of them and
 * its write: the batch (its transaction) is undone and tried again, when it reads what was stored.
 */
export class WriterRace extends Error {
  constructor(readonly keys: number) {
    super(`${keys} idempotency keys were written by another instance meanwhile; the batch is tried again`);
    this.name = 'WriterRace';
  }
}

/** A failure that trying the whole transaction again resolves: a deadlock, a serialization failure, a {@link WriterRace}. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof WriterRace) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Takes the locks of the stored services these names mean, in id order: a group of batches takes
 * them all before its first batch, so that two instances' groups never wait on each other in a circle.
 */
export async function lockNamedServices(db: Queryable, names: Iterable<string>): Promise<void> {
  const keys = [...new Set([...names].map((n) => serviceKey(normaliseServiceName(n))))];
  if (keys.length === 0) return;
  await q(
    db,
    `SELECT pg_advisory_xact_lock($1::int, s) FROM (SELECT id::int AS s FROM services WHERE key = ANY($2::text[]) ORDER BY id) AS x`,
    [SERVICE_LOCK, keys],
  );
}

/** Takes, until the transaction ends, the lock of each service (in id order, so two writers never wait on each other in a circle). */
export async function lockServices(db: Queryable, ids: Iterable<number>): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  await q(db, 'SELECT pg_advisory_xact_lock($1::int, s) FROM unnest($2::int[]) AS s', [SERVICE_LOCK, sorted]);
}

/**
 * Links again what the deployments of each service from its time on shipped: every service at
 * once, by one call (db/postgres/migrations/006: deming_relink_services, set-based).
 */
export async function relinkServices(db: Queryable, from: Map<number, number>): Promise<void> {
  if (from.size === 0) return;
  await q(db, 'SELECT deming_relink_services($1::bigint[], $2::bigint[])', [[...from.keys()], [...from.values()]]);
}

interface Stored {
  e: NativeEvent;
  key: EventKey;
  serviceId: number;
  /** Whether this version is the first of its key (otherwise, it changed one). */
  isNew: boolean;
}

/** Merges a later report of a row into an earlier one as an upsert that keeps what the later leaves out (coalesce). */
function keepEarlier<T extends object>(earlier: T, later: T, always: (keyof T)[] = []): T {
  const out = { ...earlier };
  for (const k of Object.keys(later) as (keyof T)[]) {
    if (always.includes(k) || later[k] !== null) out[k] = later[k];
  }
  return out;
}

/**
 * Stores a validated batch in the transaction of `db` (a checked-out client): what db/ingest.ts
 * storeEvents does on SQLite, with the same result. Services it creates are added to `created`.
 */
export async function storeEvents(
  db: pg.PoolClient,
  events: NativeEvent[],
  opts: IngestOptions,
  services: ServiceCache,
  created: ServiceCache,
): Promise<IngestResult> {
  const defaultSource = opts.defaultSource ?? 'api';
  const tally = new BatchTally();

  // Services, in the order they are first named.
  await resolveServices(db, [...new Set(events.map((e) => e.service))], opts.resolveTeam, services, created);
  const serviceOf = (name: string) => services.get(name) ?? created.get(name)!;
  await lockServices(
    db,
    events.map((e) => serviceOf(e.service).id),
  );

  // The stored keys of the batch, read at once; then each version decided in order against them.
  const keyed = events.map((e) => ({ e, key: keyOf(e, defaultSource) }));
  const distinct = new Map(keyed.map(({ key }) => [keyText(key), key]));
  const keys = new Map<string, KeyState>();
  if (distinct.size > 0) {
    const ks = [...distinct.values()];
    for (const r of await q<{
      type: string;
      source: string;
      eventId: string;
      serviceId: number;
      hash: string;
      version: number;
      updatedAt: number | null;
    }>(
      db,
      `SELECT k.type, k.source, k.event_id AS "eventId", k.service_id AS "serviceId", k.hash, k.version, k.updated_at AS "updatedAt"
      FROM event_keys k JOIN unnest($1::text[], $2::text[], $3::text[]) AS x(t, s, i) ON k.type = x.t AND k.source = x.s AND k.event_id = x.i`,
      [ks.map((k) => k.type), ks.map((k) => k.source), ks.map((k) => k.eventId)],
    ))
      keys.set(keyText({ type: r.type, source: r.source, eventId: r.eventId }), {
        serviceId: r.serviceId,
        hash: r.hash,
        version: r.version,
        updatedAt: r.updatedAt,
      });
  }
  // As read: a write below applies only where the key is still so (another instance may have written it since).
  const read = new Map(keys);
  const written = new Map<string, { key: EventKey; state: KeyState }>();
  const stored: Stored[] = [];
  const payloads: string[] = [];
  for (const { e, key } of keyed) {
    const payload = JSON.stringify(e);
    const { id: serviceId, name: service } = serviceOf(e.service);
    const t = keyText(key);
    const { outcome, next } = decideKey(keys.get(t), serviceId, eventHash(e, payload), ms(e.updatedAt));
    if (next) {
      keys.set(t, next);
      written.set(t, { key, state: next });
    }
    if (!tally.outcome(outcome)) continue;
    stored.push({ e, key, serviceId, isNew: outcome === 'new' });
    payloads.push(payload);
    tally.stored(e.type, service, serviceId);
  }

  if (written.size > 0) {
    const w = [...written.entries()];
    const was = w.map(([t]) => read.get(t));
    // A key another writer stored or moved since it was read (one holding another service's lock) is not
    // overwritten: the batch is undone and tried again (WriterRace), so two instances decide as one would.
    const applied = await q<{ n: number }>(
      db,
      `WITH x AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::bigint[],
          $8::bigint[], $9::text[], $10::int[], $11::bigint[]) AS x(t, s, i, sv, h, v, u, psv, ph, pv, pu)),
      changed AS (
        UPDATE event_keys k SET service_id = x.sv, hash = x.h, version = x.v, updated_at = x.u FROM x
        WHERE x.pv IS NOT NULL AND k.type = x.t AND k.source = x.s AND k.event_id = x.i
          AND k.service_id = x.psv AND k.hash = x.ph AND k.version = x.pv AND k.updated_at IS NOT DISTINCT FROM x.pu
        RETURNING 1),
      added AS (
        INSERT INTO event_keys (type, source, event_id, service_id, hash, version, updated_at)
        SELECT t, s, i, sv, h, v, u FROM x WHERE x.pv IS NULL ON CONFLICT DO NOTHING RETURNING 1)
      SELECT (SELECT count(*) FROM changed)::int + (SELECT count(*) FROM added)::int AS n`,
      [
        w.map(([, x]) => x.key.type),
        w.map(([, x]) => x.key.source),
        w.map(([, x]) => x.key.eventId),
        w.map(([, x]) => x.state.serviceId),
        w.map(([, x]) => x.state.hash),
        w.map(([, x]) => x.state.version),
        w.map(([, x]) => x.state.updatedAt),
        was.map((p) => p?.serviceId ?? null),
        was.map((p) => p?.hash ?? null),
        was.map((p) => p?.version ?? null),
        was.map((p) => p?.updatedAt ?? null),
      ],
    );
    if (applied[0].n !== w.length) throw new WriterRace(w.length - applied[0].n);
  }
  if (stored.length > 0) {
    await run(
      db,
      `INSERT INTO raw_events (type, source, event_id, received_at, payload)
      SELECT t, s, i, $4, p FROM unnest($1::text[], $2::text[], $3::text[], $5::text[]) WITH ORDINALITY AS x(t, s, i, p, o) ORDER BY o`,
      [stored.map((s) => s.key.type), stored.map((s) => s.key.source), stored.map((s) => s.key.eventId), opts.now, payloads],
    );
  }

  const relink = (serviceId: number, at: number | null | undefined) => tally.relink(serviceId, at);

  await storeDeployments(db, stored, opts, relink);
  const withParents = await storeChanges(db, stored);
  await storeCiRuns(db, stored);
  await storeIncidents(db, stored);

  // Commits that brought parents may widen what their deployment shipped: linking starts again there.
  if (withParents.length > 0) {
    for (const r of await q<{ serviceId: number; at: number | null }>(
      db,
      `SELECT x.s AS "serviceId", min(d.finished_at) AS at
      FROM unnest($1::bigint[], $2::text[]) AS x(s, sha)
      JOIN deployment_changes dc ON dc.service_id = x.s AND dc.sha = x.sha JOIN deployments d ON d.id = dc.deployment_id
      GROUP BY x.s`,
      [withParents.map((p) => p.serviceId), withParents.map((p) => p.sha)],
    ))
      relink(r.serviceId, r.at);
  }
  // A deployment moved from another service re-links that one too: under its lock as well (held ones are held already).
  await lockServices(db, tally.relinkFrom.keys());
  await relinkServices(db, tally.relinkFrom);

  const cursors = new Map((opts.cursors ?? []).map((c) => [`${c.collector}\u0000${c.resource}`, c]));
  if (cursors.size > 0) {
    const cs = [...cursors.values()];
    await run(
      db,
      `INSERT INTO collector_cursors (collector, resource, cursor, etag, updated_at)
      SELECT c, r, k, e, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(c, r, k, e)
      ON CONFLICT (collector, resource) DO UPDATE SET cursor = excluded.cursor, etag = excluded.etag, updated_at = excluded.updated_at`,
      [cs.map((c) => c.collector), cs.map((c) => c.resource), cs.map((c) => c.cursor), cs.map((c) => c.etag), opts.now],
    );
  }
  const delivery = opts.alsoStore?.delivery;
  if (delivery && !(await recordDelivery(db, delivery))) throw new DeliveryRecordedAlready(delivery);
  if (opts.alsoStore?.changeRequests) await storeChangeRequests(db, opts.alsoStore.changeRequests);
  for (const s of opts.alsoStore?.incidents ? await storeSourceIncidents(db, opts.alsoStore.incidents) : []) tally.touch(s.name, s.id);
  return tally.finish();
}

interface DeploymentBefore {
  id: number | null;
  serviceId: number;
  finishedAt: number | null;
}

async function storeDeployments(
  db: Queryable,
  stored: Stored[],
  opts: IngestOptions,
  relink: (serviceId: number, at: number | null | undefined) => void,
): Promise<void> {
  const deployments = stored.filter((s) => s.e.type === 'deployment');
  if (deployments.length === 0) return;
  // What the changed ones were before this batch.
  const changed = [...new Map(deployments.filter((s) => !s.isNew).map((s) => [keyText(s.key), s.key])).values()];
  const before = new Map<string, DeploymentBefore>();
  if (changed.length > 0) {
    for (const r of await q<{ id: number; source: string; extId: string; serviceId: number; finishedAt: number | null }>(
      db,
      `SELECT d.id, d.source, d.ext_id AS "extId", d.service_id AS "serviceId", d.finished_at AS "finishedAt"
      FROM deployments d JOIN unnest($1::text[], $2::text[]) AS x(s, i) ON d.source = x.s AND d.ext_id = x.i`,
      [changed.map((k) => k.source), changed.map((k) => k.eventId)],
    ))
      before.set(keyText({ type: 'deployment', source: r.source, eventId: r.extId }), r);
  }
  const rows = new Map<string, DeploymentInsert>();
  const unlink = new Set<number>();
  for (const s of deployments) {
    const t = keyText(s.key);
    const row = deploymentRow(s.e as Extract<NativeEvent, { type: 'deployment' }>, s.key, s.serviceId, opts.production);
    // Only a changed event can have a row already: this batch's earlier version, or the stored one.
    const prev = rows.get(t);
    const was: DeploymentBefore | undefined = s.isNew
      ? undefined
      : prev
        ? { id: null, serviceId: prev.serviceId, finishedAt: prev.finishedAt }
        : before.get(t);
    rows.set(t, row);
    if (was) {
      if (was.id !== null && !prev) unlink.add(was.id);
      if (was.serviceId !== s.serviceId) relink(was.serviceId, was.finishedAt ?? 0);
      relink(s.serviceId, was.finishedAt);
    }
    if (row.isProduction && row.status === 'success') relink(s.serviceId, row.finishedAt);
  }
  const r = [...rows.values()];
  await run(
    db,
    `INSERT INTO deployments (source, ext_id, service_id, environment, is_production, declared_production, status, sha, commits,
      started_at, finished_at, rework, change_request, url)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::boolean[], $6::boolean[], $7::text[], $8::text[], $9::text[],
      $10::bigint[], $11::bigint[], $12::boolean[], $13::text[], $14::text[])
    ON CONFLICT (source, ext_id) DO UPDATE SET service_id = excluded.service_id, environment = excluded.environment,
      is_production = excluded.is_production, declared_production = excluded.declared_production, status = excluded.status,
      sha = excluded.sha, commits = excluded.commits, started_at = excluded.started_at, finished_at = excluded.finished_at,
      rework = excluded.rework, change_request = excluded.change_request, url = excluded.url`,
    [
      r.map((d) => d.source),
      r.map((d) => d.extId),
      r.map((d) => d.serviceId),
      r.map((d) => d.environment),
      r.map((d) => d.isProduction === 1),
      r.map((d) => bool(d.declaredProduction)),
      r.map((d) => d.status),
      r.map((d) => d.sha),
      r.map((d) => d.commits),
      r.map((d) => d.startedAt),
      r.map((d) => d.finishedAt),
      r.map((d) => d.rework === 1),
      r.map((d) => d.changeRequest),
      r.map((d) => d.url),
    ],
  );
  // A deployment that changed no longer ships what it did; linking gives it (or the next) its commits again.
  if (unlink.size > 0) await run(db, 'DELETE FROM deployment_changes WHERE deployment_id = ANY($1::bigint[])', [[...unlink]]);
}

/** Stores the batch's pull requests and changes and their parents; returns the commits that brought parents. */
async function storeChanges(db: Queryable, stored: Stored[]): Promise<{ serviceId: number; sha: string }[]> {
  const changes = stored.filter((s) => s.e.type === 'change') as (Stored & { e: Extract<NativeEvent, { type: 'change' }> })[];
  if (changes.length === 0) return [];
  // Pull requests: each report merged in order into the one before, as the upsert keeps what a report leaves out.
  const prs = new Map<string, PullRequestInsert>();
  const lastSent = new Map<string, PullRequestFields>();
  for (const s of changes) {
    const p = s.e.pullRequest;
    if (!p) continue;
    const k = `${s.serviceId} ${p.number}`;
    const sent = lastSent.get(k);
    if (sent && samePullRequest(sent, p)) continue;
    lastSent.set(k, p);
    const row = pullRequestRow(p, s.serviceId);
    const prev = prs.get(k);
    prs.set(k, prev ? keepEarlier(prev, row) : row);
  }
  const prIds = new Map<string, number>();
  if (prs.size > 0) {
    const p = [...prs.values()];
    for (const r of await q<{ id: number; serviceId: number; number: number }>(
      db,
      `INSERT INTO pull_requests (service_id, number, opened_at, merged_at, merge_sha, first_commit_at, plan_started_at, url)
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::text[])
      ON CONFLICT (service_id, number) DO UPDATE SET opened_at = coalesce(excluded.opened_at, pull_requests.opened_at),
        merged_at = coalesce(excluded.merged_at, pull_requests.merged_at), merge_sha = coalesce(excluded.merge_sha, pull_requests.merge_sha),
        first_commit_at = coalesce(excluded.first_commit_at, pull_requests.first_commit_at),
        plan_started_at = coalesce(excluded.plan_started_at, pull_requests.plan_started_at), url = coalesce(excluded.url, pull_requests.url)
      RETURNING id, service_id AS "serviceId", number`,
      [
        p.map((x) => x.serviceId),
        p.map((x) => x.number),
        p.map((x) => x.openedAt),
        p.map((x) => x.mergedAt),
        p.map((x) => x.mergeSha),
        p.map((x) => x.firstCommitAt),
        p.map((x) => x.planStartedAt),
        p.map((x) => x.url),
      ],
    ))
      prIds.set(`${r.serviceId} ${r.number}`, r.id);
  }
  // Changes: one per (service, sha), merged in order; the commit time is always the latest report's.
  const rows = new Map<string, ChangeInsert>();
  const parents: { serviceId: number; sha: string; parent: string }[] = [];
  const withParents: { serviceId: number; sha: string }[] = [];
  for (const s of changes) {
    const pr = s.e.pullRequest ? (prIds.get(`${s.serviceId} ${s.e.pullRequest.number}`) ?? null) : null;
    const row = changeRow(s.e, s.serviceId, pr);
    const k = `${s.serviceId} ${s.e.sha}`;
    const prev = rows.get(k);
    rows.set(k, prev ? keepEarlier(prev, row, ['committedAt']) : row);
    for (const parent of s.e.parents ?? []) parents.push({ serviceId: s.serviceId, sha: s.e.sha, parent });
    if (s.e.parents?.length) withParents.push({ serviceId: s.serviceId, sha: s.e.sha });
  }
  const c = [...rows.values()];
  await run(
    db,
    `INSERT INTO changes (service_id, sha, committed_at, authored_at, pull_request_id, url, squashed)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::boolean[])
    ON CONFLICT (service_id, sha) DO UPDATE SET committed_at = excluded.committed_at,
      authored_at = coalesce(excluded.authored_at, changes.authored_at),
      pull_request_id = coalesce(excluded.pull_request_id, changes.pull_request_id),
      url = coalesce(excluded.url, changes.url), squashed = coalesce(excluded.squashed, changes.squashed)`,
    [
      c.map((x) => x.serviceId),
      c.map((x) => x.sha),
      c.map((x) => x.committedAt),
      c.map((x) => x.authoredAt),
      c.map((x) => x.pullRequestId),
      c.map((x) => x.url),
      c.map((x) => bool(x.squashed)),
    ],
  );
  if (parents.length > 0) {
    await run(
      db,
      `INSERT INTO change_parents (service_id, sha, parent_sha) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
      ON CONFLICT DO NOTHING`,
      [parents.map((p) => p.serviceId), parents.map((p) => p.sha), parents.map((p) => p.parent)],
    );
  }
  return withParents;
}

/** The latest version in the batch of each row keyed by (source, id). */
function latest<T>(stored: Stored[], type: NativeEvent['type'], row: (s: Stored) => T): T[] {
  const rows = new Map<string, T>();
  for (const s of stored) if (s.e.type === type) rows.set(keyText(s.key), row(s));
  return [...rows.values()];
}

async function storeCiRuns(db: Queryable, stored: Stored[]): Promise<void> {
  const r: CiRunInsert[] = latest(stored, 'ci_run', (s) => ciRunRow(s.e as Extract<NativeEvent, { type: 'ci_run' }>, s.key, s.serviceId));
  if (r.length === 0) return;
  await run(
    db,
    `INSERT INTO ci_runs (source, ext_id, service_id, name, status, sha, branch, started_at, finished_at, tests_passed, tests_failed, tests_skipped, url)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
      $10::bigint[], $11::bigint[], $12::bigint[], $13::text[])
    ON CONFLICT (source, ext_id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, status = excluded.status,
      sha = excluded.sha, branch = excluded.branch, started_at = excluded.started_at, finished_at = excluded.finished_at,
      tests_passed = excluded.tests_passed, tests_failed = excluded.tests_failed, tests_skipped = excluded.tests_skipped, url = excluded.url`,
    [
      r.map((x) => x.source),
      r.map((x) => x.extId),
      r.map((x) => x.serviceId),
      r.map((x) => x.name),
      r.map((x) => x.status),
      r.map((x) => x.sha),
      r.map((x) => x.branch),
      r.map((x) => x.startedAt),
      r.map((x) => x.finishedAt),
      r.map((x) => x.testsPassed),
      r.map((x) => x.testsFailed),
      r.map((x) => x.testsSkipped),
      r.map((x) => x.url),
    ],
  );
}

async function storeIncidents(db: Queryable, stored: Stored[]): Promise<void> {
  const r: IncidentInsert[] = latest(stored, 'incident', (s) =>
    incidentRow(s.e as Extract<NativeEvent, { type: 'incident' }>, s.key, s.serviceId),
  );
  if (r.length === 0) return;
  await run(
    db,
    `INSERT INTO incidents (source, ext_id, service_id, opened_at, resolved_at, severity, deployment_ref, root_cause_sha, change_request, title, url)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[],
      $10::text[], $11::text[])
    ON CONFLICT (source, ext_id) DO UPDATE SET service_id = excluded.service_id, opened_at = excluded.opened_at,
      resolved_at = excluded.resolved_at, severity = excluded.severity, deployment_ref = excluded.deployment_ref,
      root_cause_sha = excluded.root_cause_sha, change_request = excluded.change_request, title = excluded.title, url = excluded.url`,
    [
      r.map((x) => x.source),
      r.map((x) => x.extId),
      r.map((x) => x.serviceId),
      r.map((x) => x.openedAt),
      r.map((x) => x.resolvedAt),
      r.map((x) => x.severity),
      r.map((x) => x.deploymentRef),
      r.map((x) => x.rootCauseSha),
      r.map((x) => x.changeRequest),
      r.map((x) => x.title),
      r.map((x) => x.url),
    ],
  );
}

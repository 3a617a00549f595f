/**
 * Deming's storage on PostgreSQL: the {@link Store} interface (db/store.ts, db/reads.ts) over a
 * node-postgres pool, with the SQLite store's semantics (versions and idempotency of events,
 * retractions, the production flag, linking, change requests, squash commits). Each unit of work
 * is one transaction on one checked-out connection; a group commit's batches are savepoints of
 * it. The schema is db/postgres/migrations/*.sql, applied by db/postgres/migrate.ts beforehand.
 *
 * What this process keeps: the ids of services by the name an event gave (only once the
 * transaction that found or created them committed: services are never deleted), the change
 * feed's listeners (called after each commit with the services it touched), and a version that
 * moves when a write the change feed does not describe (the organisation, the demo) commits.
 * Writes that link commits take turns within the process, as SQLite's one writer does; across
 * processes, a batch holds an advisory lock on each service it touches until it commits.
 */
import type pg from 'pg';
import type { NativeEvent } from '../../common/events';
import type { OrganisationConfig } from '../../common/org';
import { serviceKey as serviceKeyOf } from '../../common/identifiers';
import type { ServicesListener } from '../change-feed';
import type { DatabaseFault, DatabaseFaultKind } from '../faults';
import type { IngestOptions, IngestResult } from '../ingest';
import { patternText, PRODUCTION_SETTING, type ProductionReevaluation } from '../production';
import type { ServiceRef } from '../queries/org';
import type { LoopWrite } from '../queries/loops';
import type { CollectorLock, DemoLoopSeed, GroupOutcome, ProductionDeployment, Store, StoredIncident } from '../store';
import { isRetryable, lockNamedServices, lockServices, relinkServices, storeEvents, type ServiceCache } from './ingest';
import { postgresReads } from './reads';
import { postgresCollectorLock } from './collector-lock';
import { postgresSourceIncidentReads } from './source-incidents';
import { one, q, run, type Queryable } from './sql';
import { fromDatabase } from '../unavailable';
import { randomBytes } from 'node:crypto';
import type { CommitFeed, CommitNotice } from '../commit-feed';
import { listenForCommits, notifyCommit } from './commits';
import * as u from './units';
import * as signInState from './sign-in-state';
import { demoLoopAct, demoLoopInsert, incidentEventOf, type StoredIncidentRow } from '../rows';

export interface PostgresStoreOptions {
  /** The clock the fault state is dated with (default `Date.now`). */
  now?: () => number;
  /** `leadTimeFrom` (DESIGN.md): where change lead time starts, read-time; `commit` by default. */
  leadTimeFrom?: 'commit' | 'author';
  /**
   * Hear the commits of other instances on this database (a server's store; db/commit-feed.ts):
   * `LISTEN` on a connection of its own. Without it `commits` is null; every store still tells
   * its own commits (commands such as `npx deming collect` too).
   */
  listen?: boolean;
  /** This instance, as its commit notices name it (default: the process id and a random part). */
  instance?: string;
  /** Said when hearing other instances fails, and again when it is back. */
  log?: (msg: string) => void;
  /** Waits before each new attempt to listen again (default 0.25 s doubling to 15 s). */
  listenRetryMs?: number[];
}

/** Backups on PostgreSQL are the platform's: what `npx deming backup` says there. */
export class BackupNotHere extends Error {
  constructor() {
    super(
      "Deming's database is PostgreSQL (DEMING_DATABASE_URL): back it up with the platform's tools, " +
        'pg_dump (for instance `pg_dump --format=custom --file=deming.dump "$DEMING_DATABASE_URL"`) or your managed database\'s ' +
        'snapshots and point-in-time recovery. `npx deming backup` copies only a SQLite file.',
    );
    this.name = 'BackupNotHere';
  }
}

/** The PostgreSQL errors only an operator can fix: a full disk, damaged data. */
function pgFaultKind(e: unknown): DatabaseFaultKind | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === '53100') return 'disk_full';
  if (code === 'XX001' || code === 'XX002') return 'damaged';
  return null;
}

/** How many times an ingest transaction that met another instance's writes is run (db/postgres/ingest.ts isRetryable). */
const WRITE_TRIES = 8;

/** The PostgreSQL store on `pool` (migrated). `close()` ends the pool. */
export async function openPostgresStore(pool: pg.Pool, opts: PostgresStoreOptions = {}): Promise<Store> {
  const now = opts.now ?? Date.now;
  const services: ServiceCache = new Map<string, ServiceRef>();
  const listeners = new Set<ServicesListener>();
  let version = 0;
  const instance = opts.instance ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  let fault: DatabaseFault | undefined;
  let closed = false;
  const locks = new Set<CollectorLock>();

  const note = (e: unknown): DatabaseFaultKind | null => {
    const kind = pgFaultKind(e);
    if (!kind) return null;
    if (fault?.kind === 'damaged' && kind !== 'damaged') return kind;
    if (fault?.kind !== kind) fault = { kind, since: now(), sqlite: (e as Error).message };
    return kind;
  };
  const committed = () => {
    if (fault?.kind === 'disk_full') fault = undefined;
  };
  const changed = (ids: Iterable<number>) => {
    const list = [...ids];
    if (list.length === 0) return;
    for (const l of listeners) l(list);
  };
  /** Tells the other instances, when this transaction commits, what a batch changed. */
  const tell = (c: Queryable, r: Pick<IngestResult, 'serviceIds' | 'services' | 'counts'>, at: number | undefined, organisation = false) =>
    notifyCommit(c, instance, {
      at: at ?? now(),
      serviceIds: r.serviceIds,
      services: r.services,
      counts: r.counts,
      scopes: [],
      organisation,
    });
  /** A loop written: its scope's live clients on the other instances are told when it commits. */
  const loopTx = (f: (c: pg.PoolClient) => Promise<LoopWrite>) =>
    tx(async (c) => {
      const w = await f(c);
      if (w.ok)
        await notifyCommit(c, instance, {
          at: now(),
          serviceIds: [],
          services: [],
          counts: [],
          scopes: [w.loop.scope],
          organisation: false,
        });
      return w;
    });
  const feed = opts.listen
    ? hearOthers(pool, instance, { changed, moved: () => version++, log: opts.log, retryMs: opts.listenRetryMs })
    : null;
  /** A read, remembering a fault it meets. */
  const read = async <T>(f: (db: Queryable) => Promise<T>): Promise<T> => {
    try {
      return await f(pool);
    } catch (e) {
      note(e);
      throw e;
    }
  };

  /** Writes that link take turns in this process (as SQLite's one writer). */
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(f: () => Promise<T>): Promise<T> => {
    const mine = turn.then(f, f);
    turn = mine.catch(() => undefined);
    return mine;
  };

  /** Runs `f` in a transaction on one connection: committed when it returns, rolled back when it throws. */
  const tx = async <T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      note(e);
      throw fromDatabase(e);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const r = await f(client);
      await client.query('COMMIT');
      committed();
      return r;
    } catch (e) {
      note(e);
      await client.query('ROLLBACK').catch((rollback: Error) => {
        broken = rollback;
      });
      throw fromDatabase(e);
    } finally {
      client.release(broken);
    }
  };

  /**
   * An ingest transaction: the services it found or created are remembered once it commits. One
   * that met another instance's writes (a deadlock, or keys written meanwhile: isRetryable) is
   * undone and run again, up to {@link WRITE_TRIES} times, a little later each time.
   */
  const ingestTx = async <T>(f: (c: pg.PoolClient, created: ServiceCache) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const created: ServiceCache = new Map();
      try {
        const r = await tx((c) => f(c, created));
        for (const [name, ref] of created) services.set(name, ref);
        return r;
      } catch (e) {
        if (!isRetryable(e) || attempt >= WRITE_TRIES) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  };

  // While the others are not heard, every look at the version sees a new one: nothing read is kept.
  const reads = postgresReads(pool, {
    listeners,
    version: () => (feed && !feed.state().listening ? ++version : version),
    leadTimeFrom: opts.leadTimeFrom ?? 'commit',
  });
  const sourceReads = postgresSourceIncidentReads(pool);

  const seedLoops = async (c: pg.PoolClient, loops: readonly DemoLoopSeed[]) => {
    for (const l of loops) {
      const planned = await u.planLoop(c, demoLoopInsert(l), l.actor);
      if (!planned.ok) throw new Error(`demo loop "${l.name}" was not stored: ${planned.reason}`);
      if (l.act) await u.patchLoop(c, planned.loop.id, demoLoopAct(l.act), 'act', l.actor, l.act.at);
    }
  };

  const store: Store = {
    ...reads,
    sourceIncidents: (source) => read(() => sourceReads.sourceIncidents(source)),
    sourceIncidentList: (status, source, limit) => read(() => sourceReads.sourceIncidentList(status, source, limit)),
    openSourceIncident: (source, grouping) => read(() => sourceReads.openSourceIncident(source, grouping)),
    sourceIncidentCounts: () => read(() => sourceReads.sourceIncidentCounts()),

    ingestBatch: (events: NativeEvent[], o: IngestOptions) =>
      inTurn(async () => {
        const r = await ingestTx(async (c, created) => {
          const stored = await storeEvents(c, events, o, services, created);
          await tell(c, stored, o.now);
          return stored;
        });
        changed(r.serviceIds);
        return r;
      }),
    ingestGroup: (batches) =>
      inTurn(async () => {
        const outcomes = await ingestTx(async (c, created) => {
          const out: GroupOutcome[] = [];
          // Every stored service the group names is locked first, in id order (a batch locks only what it creates after).
          await lockNamedServices(
            c,
            batches.flatMap((b) => b.events.map((e) => e.service)),
          );
          for (const [i, b] of batches.entries()) {
            const mine: ServiceCache = new Map();
            await c.query(`SAVEPOINT batch_${i}`);
            try {
              const result = await storeEvents(c, b.events, b.opts, new Map([...services, ...created]), mine);
              await c.query(`RELEASE SAVEPOINT batch_${i}`);
              await tell(c, result, b.opts.now);
              out.push({ result });
              for (const [name, ref] of mine) created.set(name, ref);
            } catch (error) {
              // A fault, or a connection that is gone, fails the group: nothing is stored; another writer met, it is tried again.
              if (
                pgFaultKind(error) ||
                isRetryable(error) ||
                !(await c.query(`ROLLBACK TO SAVEPOINT batch_${i}`).then(
                  () => true,
                  () => false,
                ))
              )
                throw error;
              out.push({ error });
            }
          }
          return out;
        });
        for (const o of outcomes) if ('result' in o) changed(o.result.serviceIds);
        return outcomes;
      }),
    seedDemo: (organisation: OrganisationConfig, events: NativeEvent[], o: IngestOptions, loops = []) =>
      inTurn(async () => {
        const r = await ingestTx(async (c, created) => {
          await u.syncOrganisation(c, organisation);
          const result: IngestResult = await storeEvents(c, events, o, services, created);
          await seedLoops(c, loops);
          await u.putSetting(c, 'demo', '1');
          await tell(c, result, o.now, true);
          return result;
        });
        version++;
        changed(r.serviceIds);
        return r;
      }),
    syncOrganisation: async (organisation) => {
      await tx(async (c) => {
        await u.syncOrganisation(c, organisation);
        await tell(c, { serviceIds: [], services: [], counts: [] }, undefined, true);
      });
      version++;
    },
    putSetting: (key, value) => tx((c) => u.putSetting(c, key, value)),
    recordDelivery: (d) => tx((c) => u.recordDelivery(c, d)),
    insertSession: (idHash, row) => tx((c) => u.insertSession(c, idHash, row)),
    deleteSession: async (idHash) => {
      await tx((c) => run(c, 'DELETE FROM sessions WHERE id_hash = $1', [idHash]));
    },
    deleteExpiredSessions: async (t) => {
      await tx((c) => run(c, 'DELETE FROM sessions WHERE expires_at <= $1', [t]));
    },
    changeSignInLimit: (kind, keyHash, change) => read((db) => signInState.changeSignInLimit(db, kind, keyHash, change)),
    sweepSignInLimits: (kind, t, capacity) => read((db) => signInState.sweepSignInLimits(db, kind, t, capacity)),
    addOidcPending: (stateHash, verifier, at, capacity) => read((db) => signInState.addOidcPending(db, stateHash, verifier, at, capacity)),
    sweepOidcPending: (expiredBefore) => read((db) => signInState.sweepOidcPending(db, expiredBefore)),
    takeOidcPending: (stateHash) => read((db) => signInState.takeOidcPending(db, stateHash)),
    deleteSessionsOf: (actor, t) => tx((c) => run(c, 'DELETE FROM sessions WHERE actor = $1 AND expires_at > $2', [actor, t])),
    deleteAllSessions: (t) =>
      tx(async (c) => {
        const live = (await one<{ n: number }>(c, 'SELECT count(*) AS n FROM sessions WHERE expires_at > $1', [t]))!.n;
        await run(c, 'DELETE FROM sessions');
        return live;
      }),
    // PostgreSQL keeps the idempotency keys by a unique index: there is no index in memory to build.
    warmKeyIndex: async () => null,
    // What a SQLite start keeps beside its file (the key and fact snapshots) is not kept here: a
    // PostgreSQL start builds from the database, and there is no file to keep them beside.
    keepKeyIndex: async () => false,
    collectorLock: (owner) => {
      const lock = postgresCollectorLock(pool, owner);
      locks.add(lock);
      return lock;
    },
    fileStamp: async () => {
      throw new Error('the start-up snapshots are kept beside a SQLite file only, not on PostgreSQL');
    },
    changedSince: async () => ({ problem: 'the start-up snapshots are kept beside a SQLite file only', serviceIds: [], dataVersion: 0 }),
    integrityCheck: async () => undefined,
    commits: feed,
    backup: async () => {
      throw new BackupNotHere();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      listeners.clear();
      await feed?.close();
      await turn;
      await Promise.all([...locks].map((l) => l.release()));
      await pool.end();
    },

    getCursor: (collector, resource) => read((db) => u.getCursor(db, collector, resource)),
    listCursors: (collector) => read((db) => u.listCursors(db, collector)),
    findService: (name) => read((db) => one<ServiceRef>(db, 'SELECT id, name FROM services WHERE key = $1', [serviceKeyOf(name)])),
    listServices: () => read(u.listServices),
    listTeams: () => read(u.listTeams),
    listDepartments: () => read(u.listDepartments),
    countServices: () => read(u.countServices),
    listServicePlaces: (names) =>
      read((db) =>
        q<{ name: string; teamId: string; departmentId: string }>(
          db,
          `SELECT s.name, s.team_id AS "teamId", t.department_id AS "departmentId" FROM services s JOIN teams t ON t.id = s.team_id
          WHERE s.name = ANY($1::text[])`,
          [names],
        ),
      ),
    getSetting: (key) => read((db) => u.getSetting(db, key)),
    getSession: (idHash, t) => read((db) => u.getSession(db, idHash, t)),
    listSessions: (t) => read((db) => u.listSessions(db, t)),
    findDelivery: (source, deliveryId) => read((db) => u.findDelivery(db, source, deliveryId)),
    countSignInLimits: (kind) => read((db) => signInState.countSignInLimits(db, kind)),
    incidentsByKey: (source, ids) => read((db) => incidentsByKey(db, source, ids)),
    productionDeploymentsFrom: (serviceId, from) => read((db) => productionDeploymentsFrom(db, serviceId, from)),
    hasCommitGap: (serviceId, head, base, finishedAt) => read((db) => hasCommitGap(db, serviceId, head, base, finishedAt)),
    healthCounts: () =>
      read(async (db) => {
        const r = (await one<{ events: number; services: number }>(
          db,
          'SELECT (SELECT coalesce(sum(n), 0) FROM raw_event_counts) AS events, (SELECT count(*) FROM services) AS services',
        ))!;
        return { events: r.events, services: r.services };
      }),

    fault: async () => fault,
    noteError: async (e) => note(e),

    planLoop: (l, actor) => loopTx((c) => u.planLoop(c, l, actor)),
    patchLoop: (id, change, action, actor, at) => loopTx((c) => u.patchLoop(c, id, change, action, actor, at)),
    deleteLoop: (id, actor, at) => loopTx((c) => u.deleteLoop(c, id, actor, at)),
    listLoops: (scope, from, to) => read((db) => u.listLoops(db, scope, from, to)),
    countLoops: (scope) => read((db) => u.countLoops(db, scope)),
    getLoop: (id) => read((db) => u.getLoop(db, id)),
    listLoopAudit: (scope, limit) => read((db) => u.listLoopAudit(db, scope, limit)),
    listAuditOfLoops: (ids) => read((db) => u.listAuditOfLoops(db, ids)),

    reevaluateProduction: (production) =>
      inTurn(async () => {
        const { result, touched } = await tx(async (c) => {
          const r = await reevaluateProduction(c, production);
          await tell(c, { serviceIds: [...r.touched], services: [], counts: [] }, undefined);
          return r;
        });
        changed(touched);
        return result;
      }),
  };
  // The first LISTEN, before serving: a commit of another instance from then on is heard. When it
  // fails, it is tried again in the background (health says so) rather than holding the start.
  if (feed) await Promise.race([feed.ready, new Promise((r) => setTimeout(r, 5000).unref())]);
  return store;
}

/** Stored incidents by source and id, as native events (db/queries/incidents-by-key.ts), in one statement. */
async function incidentsByKey(db: Queryable, source: string, ids: string[]): Promise<Map<string, StoredIncident>> {
  const found = new Map<string, StoredIncident>();
  if (ids.length === 0) return found;
  const rows = await q<StoredIncidentRow & { extId: string }>(
    db,
    `SELECT i.ext_id AS "extId", s.name AS service, i.opened_at AS "openedAt", i.resolved_at AS "resolvedAt", i.severity,
      i.deployment_ref AS "deploymentRef", i.root_cause_sha AS "rootCauseSha", i.change_request AS "changeRequest", i.title, i.url,
      k.updated_at AS "updatedAt"
    FROM incidents i JOIN services s ON s.id = i.service_id
    LEFT JOIN event_keys k ON k.service_id = i.service_id AND k.type = 'incident' AND k.source = i.source AND k.event_id = i.ext_id
    WHERE i.source = $1 AND i.ext_id = ANY($2::text[])`,
    [source, [...new Set(ids)]],
  );
  const byId = new Map(rows.map((r) => [r.extId, r]));
  for (const id of new Set(ids)) {
    const row = byId.get(id);
    if (row) found.set(id, incidentEventOf(row, source, id));
  }
  return found;
}

function productionDeploymentsFrom(db: Queryable, serviceId: number, from: number): Promise<ProductionDeployment[]> {
  return q<ProductionDeployment>(
    db,
    `SELECT id, sha, commits, finished_at AS "finishedAt" FROM deployments
    WHERE service_id = $1 AND is_production AND status = 'success' AND finished_at >= $2
    ORDER BY finished_at, source COLLATE "C", ext_id COLLATE "C"`,
    [serviceId, from],
  );
}

/** Beyond this many commits the gap search stops and says there is one (db/linking.ts). */
const GAP_WALK_LIMIT = 5000;

/**
 * Whether the known graph from `head` back to what deployments before `finishedAt` shipped (or
 * to `base`) has a commit with unknown parents (db/linking.ts hasCommitGap), in one recursive statement.
 */
async function hasCommitGap(db: Queryable, serviceId: number, head: string, base: string, finishedAt: number): Promise<boolean> {
  const r = await one<{ gap: boolean }>(
    db,
    `WITH RECURSIVE walk(sha) AS (
      SELECT $2::text WHERE $2::text <> $3::text
      UNION
      SELECT p.parent_sha FROM walk w JOIN change_parents p ON p.service_id = $1 AND p.sha = w.sha
      WHERE p.parent_sha <> $3::text AND NOT EXISTS (
        SELECT 1 FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id
        WHERE dc.service_id = $1 AND dc.sha = w.sha AND d.finished_at < $4)
    ),
    seen AS (SELECT sha FROM walk LIMIT ${GAP_WALK_LIMIT + 1})
    SELECT (SELECT count(*) FROM seen) > ${GAP_WALK_LIMIT} OR EXISTS (
      SELECT 1 FROM seen s
      WHERE NOT EXISTS (SELECT 1 FROM change_parents p WHERE p.service_id = $1 AND p.sha = s.sha)
        AND NOT EXISTS (SELECT 1 FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id
          WHERE dc.service_id = $1 AND dc.sha = s.sha AND d.finished_at < $4)) AS gap`,
    [serviceId, head, base, finishedAt],
  );
  return r!.gap;
}

/** db/production.ts on PostgreSQL: the flags worked out again under `production` when it is not the pattern they follow. */
async function reevaluateProduction(db: pg.PoolClient, production: RegExp): Promise<{ result: ProductionReevaluation; touched: number[] }> {
  const pattern = patternText(production);
  // One start at a time re-evaluates.
  await q(db, "SELECT pg_advisory_xact_lock(hashtext('deming production'))");
  const previous = (await u.getSetting(db, PRODUCTION_SETTING)) ?? null;
  if (previous === pattern) return { result: { pattern, previous, changed: 0, services: 0 }, touched: [] };
  const environments = (
    await q<{ environment: string }>(db, 'SELECT DISTINCT environment FROM deployments WHERE declared_production IS NULL')
  ).map((r) => r.environment);
  const matching = environments.filter((e) => production.test(e));
  const moved = await q<{ id: number; serviceId: number; finishedAt: number | null; wasProduction: boolean }>(
    db,
    `SELECT id, service_id AS "serviceId", finished_at AS "finishedAt", is_production AS "wasProduction" FROM deployments
    WHERE declared_production IS NULL AND status = 'success' AND is_production <> (environment = ANY($1::text[]))`,
    [matching],
  );
  const touched = new Map<number, number>();
  for (const d of moved) {
    const from = d.finishedAt ?? Number.MIN_SAFE_INTEGER;
    touched.set(d.serviceId, Math.min(touched.get(d.serviceId) ?? Infinity, from));
  }
  await lockServices(db, touched.keys());
  // One that leaves production no longer ships anything; the re-link does the rest.
  const leaving = moved.filter((d) => d.wasProduction).map((d) => d.id);
  if (leaving.length > 0) await run(db, 'DELETE FROM deployment_changes WHERE deployment_id = ANY($1::bigint[])', [leaving]);
  const changed = await run(
    db,
    `UPDATE deployments SET is_production = (environment = ANY($1::text[]))
    WHERE declared_production IS NULL AND is_production <> (environment = ANY($1::text[]))`,
    [matching],
  );
  await relinkServices(db, touched);
  await u.putSetting(db, PRODUCTION_SETTING, pattern);
  return { result: { pattern, previous, changed, services: touched.size }, touched: [...touched.keys()] };
}

/**
 * Hears the commits of the other instances (db/postgres/commits.ts): the services each touched go
 * to this store's change feed (`changed`), a changed organisation or a lost connection moves its
 * version (`moved`), then the feed's listeners are told.
 */
function hearOthers(
  pool: pg.Pool,
  instance: string,
  o: { changed: (ids: number[]) => void; moved: () => void; log?: (msg: string) => void; retryMs?: number[] },
): CommitFeed & { close(): Promise<void>; ready: Promise<void> } {
  const commits = new Set<(n: CommitNotice) => void>();
  const lost = new Set<(error: string, retryInMs: number) => void>();
  const each = <A extends unknown[]>(set: Set<(...a: A) => void>, ...a: A) => {
    for (const l of set) {
      try {
        l(...a);
      } catch (e) {
        o.log?.(`a listener to other instances' commits failed: ${(e as Error).message}`);
      }
    }
  };
  const listener = listenForCommits({
    connection: pool.options,
    instance,
    log: o.log,
    retryMs: o.retryMs,
    onNotice(n) {
      if (n.organisation) o.moved();
      if (n.serviceIds.length > 0) o.changed(n.serviceIds);
      each(commits, n);
    },
    onLost(error, retryInMs) {
      o.moved();
      o.log?.(
        `lost the connection that hears other instances' commits (${error}): every figure, answer and organisation tree kept in memory is dropped, and nothing is kept until it is back; listening again in ${retryInMs / 1000} s`,
      );
      each(lost, error, retryInMs);
    },
    onListening(afterLoss) {
      // Commits made while it was lost were not heard: what was read meanwhile is dropped once more.
      if (afterLoss) {
        o.moved();
        o.log?.("hearing other instances' commits again");
      }
    },
  });
  return {
    instance,
    onCommit(l) {
      commits.add(l);
      return () => commits.delete(l);
    },
    onLost(l) {
      lost.add(l);
      return () => lost.delete(l);
    },
    state: () => listener.state(),
    ready: listener.ready,
    close: () => listener.close(),
  };
}

/**
 * Deming's storage behind one interface. Everything above `db/` reads and writes through a
 * {@link Store}: units of work (each one transaction: a batch of events, a group of batches, the
 * demo, a session, a webhook delivery) and reads. The interface is asynchronous although SQLite
 * answers synchronously, so that another implementation (PostgreSQL, docs/scaling.md) can be
 * added without touching its callers; a call costs one Promise, never one per row.
 *
 * {@link openStore} is the SQLite implementation. Its connection (db/connection.ts) is private
 * to it, and holds what this process keeps about the database: the prepared statements, the key
 * index, the service ids, the change feed's listeners and the last fault. They are created with
 * the store and dropped with it; nothing about a database lives in module state.
 *
 * Every call that fails with a full disk or a damaged file remembers it, for `fault()` (the
 * health answer); a committed write clears a full disk.
 */
import Database from 'better-sqlite3';
import type { NativeEvent } from '../common/events';
import type { OrganisationConfig } from '../common/org';
import { Connection, openDatabase, type Db, type OpenOptions } from './connection';
import { faultKind, noteDatabaseError, noteWriteCommitted, databaseFault, type DatabaseFault, type DatabaseFaultKind } from './faults';
import { ingestEvents, ingestTransaction, type IngestOptions, type IngestResult } from './ingest';
import { keepKeyIndex, warmKeyIndex } from './key-index';
import { fileStamp, stampProblem, type FileStamp } from './file-stamp';
import { dataVersion, servicesChangedAfter } from './change-feed';
import type { CommitFeed } from './commit-feed';
import { startBackgroundCheck, type IntegrityCheckState } from './integrity';
import { sqliteReads, type StoreReads } from './reads';
import { hasCommitGap } from './linking';
import { getCursor, listCursors, type Cursor } from './queries/cursors';
import {
  countServices,
  findService,
  listDepartments,
  listServicePlaces,
  listServices,
  listTeams,
  syncOrganisation,
  type DepartmentRow,
  type ServiceRef,
  type ServiceRow,
  type TeamRow,
} from './queries/org';
import { getSetting, putSetting } from './queries/settings';
import {
  deleteAllSessions,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  getSession,
  insertSession,
  listSessions,
  type SessionRow,
} from './queries/sessions';
import { findDelivery, recordDelivery, type DeliveryRecord, type DeliveryRow } from './queries/webhook-deliveries';
import { getIncidentByKey } from './queries/incidents-by-key';
import { prepared } from './prepared';
import * as signInState from './queries/sign-in-state';
import type { OidcPending, OidcPendingCount, SignInLimitChange, SignInLimitRow, SignInLimitSweep } from './queries/sign-in-state';
import { listProductionDeploymentsFrom, type DeploymentRow } from './queries/deployments';
import { countRawEvents } from './queries/events';
import { reevaluateProduction, type ProductionReevaluation } from './production';
import { sourceIncidentReads, type SourceIncidentReads } from './queries/source-incidents';
import { patchLoop, planLoop } from './queries/loops';
import { demoLoopAct, demoLoopInsert } from './rows';
import * as loops from './queries/loops';
import type { LoopAuditRow, LoopInsert, LoopRow, LoopWrite } from './queries/loops';

export type { IngestOptions, IngestResult } from './ingest';
export type { Cursor } from './queries/cursors';
export type { DepartmentRow, ServiceRef, ServiceRow, TeamRow } from './queries/org';
export type { SessionRow } from './queries/sessions';
export type { OidcPending, OidcPendingCount, SignInLimitChange, SignInLimitRow, SignInLimitSweep } from './queries/sign-in-state';
export type { DeliveryRecord, DeliveryRow } from './queries/webhook-deliveries';
export type { DatabaseFault, DatabaseFaultKind } from './faults';
export type { IntegrityCheckState } from './integrity';
export type { FileStamp } from './file-stamp';
export type { ProductionReevaluation } from './production';
export type { LoopAuditRow, LoopInsert, LoopRow, LoopWrite } from './queries/loops';
export type * from './reads';
export { DeliveryRecordedAlready, DELIVERY_MEMORY_MS } from './queries/webhook-deliveries';
export { DatabaseCheckError } from './connection';
export { faultKind, faultMessage } from './faults';
export { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './unavailable';

/** One batch of a group commit: validated events and how to store them. */
export interface GroupBatch {
  events: NativeEvent[];
  opts: IngestOptions;
}

/** What became of one batch of a group: stored, or refused alone (the others are stored). */
export type GroupOutcome = { result: IngestResult } | { error: unknown };

/** A loop of the demo, as its people planned it and (when `act`) decided on it. */
export interface DemoLoopSeed {
  scope: string;
  name: string;
  from: number;
  to: number;
  plannedAt: number;
  actor: string;
  plan: { metric: string; target: number; hypothesis: string };
  act: { decision: string; notes: string; at: number } | null;
}

/** A production deployment as the compare step reads them, in shipping order. */
export type ProductionDeployment = Pick<DeploymentRow, 'id' | 'sha' | 'commits' | 'finishedAt'>;

/** A stored incident as a native event (so a later report can update it). */
export type StoredIncident = NonNullable<ReturnType<typeof getIncidentByKey>>;

/**
 * The store: units of work and reads here, the read services' reads (facts, organisation, lists,
 * raw events, the change feed) in {@link StoreReads} (db/reads.ts).
 */
export interface Store extends StoreReads {
  // ---- Units of work: each is one transaction, all or nothing.

  /** Stores a validated batch, with its cursors and what `alsoStore` names, in a transaction of its own. */
  ingestBatch(events: NativeEvent[], opts: IngestOptions): Promise<IngestResult>;
  /**
   * The group commit: several batches in one transaction, each in a savepoint of it, so one that
   * is refused rolls back alone and the others are stored. A full disk or a damaged file fails
   * the whole group (the promise rejects, nothing is stored), and the key index reads again what
   * it read of the undone batches.
   */
  ingestGroup(batches: GroupBatch[]): Promise<GroupOutcome[]>;
  /** The demo: its organisation, its events, its loops (planned and acted on, with their audit trail) and the demo mark, in one transaction. */
  seedDemo(
    organisation: OrganisationConfig,
    events: NativeEvent[],
    opts: IngestOptions,
    loops?: readonly DemoLoopSeed[],
  ): Promise<IngestResult>;
  /** Writes the configured organisation and maps every stored service to its configured team again. */
  syncOrganisation(organisation: OrganisationConfig): Promise<void>;
  putSetting(key: string, value: string): Promise<void>;
  /** Remembers a webhook delivery (and forgets old ones); false when it was remembered already. */
  recordDelivery(delivery: DeliveryRecord): Promise<boolean>;
  insertSession(idHash: string, row: SessionRow): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<void>;
  /** Ends the sessions of one actor; returns how many were still valid. */
  deleteSessionsOf(actor: string, now: number): Promise<number>;
  /** Ends every session; returns how many were still valid. */
  deleteAllSessions(now: number): Promise<number>;
  /**
   * Sign-in limits (server/rate-limit.ts), shared by every instance on the database: reads one
   * key's row and writes what `change` (pure) makes of it, atomically (on PostgreSQL `change` may
   * run again, on the row another instance wrote meanwhile).
   */
  changeSignInLimit<T>(kind: string, keyHash: string, change: (row: SignInLimitRow | undefined) => SignInLimitChange<T>): Promise<T>;
  /** Forgets the rows of `kind` that may go at `now`, then, from `capacity` rows on, the oldest not held down to 90% of it. */
  sweepSignInLimits(kind: string, now: number, capacity: number): Promise<SignInLimitSweep>;
  /** Remembers a single sign-on under way (server/oidc.ts), shared by every instance; with a `capacity`, only while fewer are (false when full). */
  addOidcPending(stateHash: string, verifier: string, at: number, capacity: number | null): Promise<boolean>;
  /** Forgets the single sign-ons started before `expiredBefore`: how many remain, and when the oldest started. */
  sweepOidcPending(expiredBefore: number): Promise<OidcPendingCount>;
  /** Takes a single sign-on under way, once: undefined when unknown or taken already. */
  takeOidcPending(stateHash: string): Promise<OidcPending | undefined>;
  /**
   * Builds the idempotency keys' index in slices (after a start), so the first batch does not wait
   * for it: from the copy kept in `snapshot` when it fits this file. Why that copy was not used, or null.
   */
  warmKeyIndex(opts?: { sliceMs?: number; stopped?: () => boolean; snapshot?: string }): Promise<string | null>;
  /** Keeps the keys' index in `file` for the next start; false when there is none to keep. */
  keepKeyIndex(file: string): Promise<boolean>;
  /** The file's state now, to stamp what is built from it (db/file-stamp.ts). */
  fileStamp(): Promise<FileStamp>;
  /**
   * Whether the file is still the one `stamp` was taken of (null) or why not; with, when it is,
   * the services changed since (db/change-feed.ts) and `PRAGMA data_version` as they were read.
   */
  changedSince(stamp: FileStamp): Promise<{ problem: string | null; serviceIds: number[]; dataVersion: number }>;
  /** A consistent copy of the database at `toFile`, while it is in use. */
  backup(toFile: string, opts?: { progress?: (done: number, total: number) => void }): Promise<void>;
  /** Closes the database; the store is not used after. */
  close(): Promise<void>;
  /**
   * The lock that makes one instance of several on one database run the collectors (PostgreSQL:
   * a session advisory lock on a connection of its own, named `owner`); null on SQLite, where
   * one server runs them as before.
   */
  collectorLock(owner: string): CollectorLock | null;

  // ---- Reads.

  getCursor(collector: string, resource: string): Promise<Cursor | undefined>;
  listCursors(collector: string): Promise<(Cursor & { updatedAt: number })[]>;
  /** The service a name means, whatever its case or Unicode form. */
  findService(name: string): Promise<ServiceRef | undefined>;
  listServices(): Promise<ServiceRow[]>;
  listTeams(): Promise<TeamRow[]>;
  listDepartments(): Promise<DepartmentRow[]>;
  countServices(): Promise<number>;
  /** The team and department of each named service. */
  listServicePlaces(names: string[]): Promise<{ name: string; teamId: string; departmentId: string }[]>;
  getSetting(key: string): Promise<string | undefined>;
  /** A session not expired at `now`, by the hash of its id. */
  getSession(idHash: string, now: number): Promise<SessionRow | undefined>;
  listSessions(now: number): Promise<SessionRow[]>;
  findDelivery(source: string, deliveryId: string): Promise<DeliveryRow | undefined>;
  /** How many sign-in limit rows of `kind` are kept. */
  countSignInLimits(kind: string): Promise<number>;
  /** Stored incidents by source and id, as native events; ids not stored are absent from the map. */
  incidentsByKey(source: string, ids: string[]): Promise<Map<string, StoredIncident>>;
  /** Successful production deployments of a service from `from` on, in shipping order. */
  productionDeploymentsFrom(serviceId: number, from: number): Promise<ProductionDeployment[]>;
  /** Whether the known commit graph from `head` back to `base` (or what shipped before `finishedAt`) has a commit with unknown parents. */
  hasCommitGap(serviceId: number, head: string, base: string, finishedAt: number): Promise<boolean>;
  /** What the health answer counts: stored events and services. */
  healthCounts(): Promise<{ events: number; services: number }>;
  /** Other instances' commits on the same database (PostgreSQL, a server's store): null on SQLite (one instance) and in commands. */
  commits: CommitFeed | null;

  // ---- Incidents from their sources (collectors/incidents): what each source told, counted, unmapped or skipped.

  sourceIncidents: SourceIncidentReads['sourceIncidents'];
  sourceIncidentList: SourceIncidentReads['sourceIncidentList'];
  openSourceIncident: SourceIncidentReads['openSourceIncident'];
  sourceIncidentCounts: SourceIncidentReads['sourceIncidentCounts'];

  // ---- The fault state.

  /** The full disk or damage last seen, while it stands. */
  fault(): Promise<DatabaseFault | undefined>;
  /** The integrity check running beside the server (`checkInBackground`), or undefined when the file was checked before opening. */
  integrityCheck(): Promise<IntegrityCheckState | undefined>;
  /** Remembers `e` when it is a full disk or a damaged file (thrown by a read elsewhere); its kind, or null. */
  noteError(e: unknown): Promise<DatabaseFaultKind | null>;

  // ---- Loops (server/loops): units of work, each one transaction that writes the loop and its
  // audit entry or nothing, and the reads of a scope's planned loops.

  /** Records a planned loop, unless it overlaps a live loop of its scope. */
  planLoop(loop: LoopInsert, actor: string): Promise<LoopWrite>;
  /** Edits a live loop with `change` (pure, may throw to refuse: nothing is written). */
  patchLoop(id: number, change: (before: LoopRow) => LoopRow, action: 'edit' | 'act', actor: string, at: number): Promise<LoopWrite>;
  /** Marks a live loop deleted. */
  deleteLoop(id: number, actor: string, at: number): Promise<LoopWrite>;
  /** The scope's live planned loops that overlap [from, to), oldest first. */
  listLoops(scope: string, from: number, to: number): Promise<LoopRow[]>;
  countLoops(scope: string): Promise<number>;
  getLoop(id: number): Promise<LoopRow | undefined>;
  /** The audit trail of a scope's loops, newest first. */
  listLoopAudit(scope: string, limit: number): Promise<(LoopAuditRow & { scope: string; name: string })[]>;
  /** The audit entries of these loops, oldest first. */
  listAuditOfLoops(ids: readonly number[]): Promise<LoopAuditRow[]>;

  // ---- What counts as production (db/production.ts): a unit of work run at start.

  /** Re-evaluates the stored deployments when `production` is not the pattern they follow, and links again what moved. */
  reevaluateProduction(production: RegExp): Promise<ProductionReevaluation>;
}

/** Who holds the collectors' lock: the name its holder gave, and since when its connection is open. */
export interface CollectorLockHolder {
  owner: string;
  since: number | null;
}

/** The collectors' lock across instances (Store.collectorLock). */
export interface CollectorLock {
  /** Takes the lock when it is free; true while this process holds it. */
  take(): Promise<boolean>;
  /** Whether this process held it at the last take or check. */
  held(): boolean;
  /** Whether it still holds it (asks its connection); false once the connection dropped. */
  check(): Promise<boolean>;
  /** Who holds it now, when any process does. */
  holder(): Promise<CollectorLockHolder | null>;
  /** Calls `f` when a held lock is lost (its connection dropped); returns the unsubscribe. */
  onLost(f: () => void): () => void;
  /** Gives it up (and closes its connection). */
  release(): Promise<void>;
}

export interface StoreOptions extends OpenOptions {
  /** The clock the fault state is dated with (default `Date.now`). */
  now?: () => number;
  /** Hears what the background integrity check found (default: the console). */
  log?: (msg: string) => void;
}

/** Opens (creating when needed) the SQLite database at `file`, checked and migrated, as a {@link Store}. */
/**
 * The SQLite store as `openStore` returns it: the interface, and its connection for tests and
 * benchmarks that inject a fault or count rows (nothing above db/ is given this type).
 */
export type SqliteStore = Store & {
  readonly connection: Db;
  /** Settles when the background integrity check has answered (at once when there is none). */
  readonly checked: Promise<void>;
};

/** How long closing waits for a background integrity check to answer before stopping it. */
const CHECK_WAIT_AT_CLOSE_MS = 2_000;

export function openStore(file: string, opts: StoreOptions = {}): SqliteStore {
  const db = openDatabase(file, opts);
  const now = opts.now ?? Date.now;
  const check = opts.checkInBackground
    ? startBackgroundCheck(db, opts.check ?? 'quick', now, opts.log ?? ((msg) => console.error(`[deming] database: ${msg}`)))
    : null;
  const store = sqliteStore(db, now);
  return {
    ...store,
    checked: check?.done ?? Promise.resolve(),
    // The check's own connection is closed before this one (a large file's check is stopped).
    close: async () => {
      await check?.finish(CHECK_WAIT_AT_CLOSE_MS);
      await store.close();
    },
  };
}

function sqliteStore(db: Connection, now: () => number): Omit<SqliteStore, 'checked'> {
  /** Runs `f` on the connection; a full disk or damage it meets is remembered. */
  const run = <T>(f: (db: Db) => T): Promise<T> => {
    try {
      return Promise.resolve(f(db));
    } catch (e) {
      noteDatabaseError(db, e, now());
      return Promise.reject(e);
    }
  };
  /**
   * Runs a write and notes that it committed (a full disk has room again). Once the file is known
   * to be damaged, nothing more is written to it: the write fails as the damage would.
   */
  const write = <T>(f: (db: Db) => T): Promise<T> =>
    run(() => {
      if (db.fault?.kind === 'damaged') throw new Database.SqliteError(db.fault.sqlite, 'SQLITE_CORRUPT');
      const r = f(db);
      noteWriteCommitted(db);
      return r;
    });
  /** Awaits `p`, remembering a full disk or damage it meets. */
  const noting = async <T>(p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (e) {
      noteDatabaseError(db, e, now());
      throw e;
    }
  };

  return {
    ...sqliteReads(db),

    ingestBatch: (events, opts) => write(() => ingestEvents(db, events, opts)),
    ingestGroup: (batches) =>
      write(() => {
        const outcomes: GroupOutcome[] = [];
        ingestTransaction(db, () => {
          for (const b of batches) {
            // Each batch is a savepoint: one that throws rolls back alone.
            try {
              outcomes.push({ result: ingestEvents(db, b.events, b.opts) });
            } catch (error) {
              // Without a transaction, the next batch would commit alone and the ones before be lost.
              if (faultKind(error, db.name) || !db.inTransaction) throw error;
              outcomes.push({ error });
            }
          }
        });
        return outcomes;
      }),
    seedDemo: (organisation, events, opts, loops = []) =>
      write(() =>
        ingestTransaction(db, () => {
          syncOrganisation(db, organisation);
          const r = ingestEvents(db, events, opts);
          seedDemoLoops(db, loops);
          putSetting(db, 'demo', '1');
          return r;
        }),
      ),
    syncOrganisation: (organisation) => write(() => syncOrganisation(db, organisation)),
    putSetting: (key, value) => write(() => putSetting(db, key, value)),
    recordDelivery: (d) => write(() => db.transaction(() => recordDelivery(db, d.source, d.deliveryId, d.event, d.at))()),
    insertSession: (idHash, row) => write(() => insertSession(db, idHash, row)),
    deleteSession: (idHash) => write(() => deleteSession(db, idHash)),
    deleteExpiredSessions: (t) => write(() => deleteExpiredSessions(db, t)),
    deleteSessionsOf: (actor, t) => write(() => deleteSessionsOf(db, actor, t)),
    deleteAllSessions: (t) => write(() => deleteAllSessions(db, t)),
    // Sign-in state: not refused up front on a damaged file, as other writes are (a right token
    // only reads, and must keep working while reads do), and committed without a disk flush.
    changeSignInLimit: (kind, keyHash, change) => run(() => unflushed(db, () => signInState.changeSignInLimit(db, kind, keyHash, change))),
    sweepSignInLimits: (kind, t, capacity) => run(() => unflushed(db, () => signInState.sweepSignInLimits(db, kind, t, capacity))),
    addOidcPending: (stateHash, verifier, at, capacity) =>
      run(() => unflushed(db, () => signInState.addOidcPending(db, stateHash, verifier, at, capacity))),
    sweepOidcPending: (expiredBefore) => run(() => unflushed(db, () => signInState.sweepOidcPending(db, expiredBefore))),
    takeOidcPending: (stateHash) => run(() => unflushed(db, () => signInState.takeOidcPending(db, stateHash))),
    warmKeyIndex: (opts = {}) => noting(() => warmKeyIndex(db, opts)),
    keepKeyIndex: (file) => run(() => keepKeyIndex(db, file)),
    fileStamp: () => run(() => fileStamp(db)),
    changedSince: (stamp) =>
      run(() => {
        // data_version first: another process committing after it is seen as a change later, never missed.
        const version = dataVersion(db);
        const problem = stampProblem(db, stamp);
        return { problem, serviceIds: problem ? [] : servicesChangedAfter(db, stamp.servicesVersion).serviceIds, dataVersion: version };
      }),
    backup: (toFile, opts = {}) =>
      noting(async () => {
        await db.backup(toFile, {
          progress: ({ totalPages, remainingPages }) => {
            opts.progress?.(totalPages - remainingPages, totalPages);
            return 200;
          },
        });
      }),
    close: async () => {
      if (db.open) db.close();
    },
    // One server runs the collectors on a SQLite file: there is no lock to hold.
    collectorLock: () => null,

    getCursor: (collector, resource) => run(() => getCursor(db, collector, resource)),
    listCursors: (collector) => run(() => listCursors(db, collector)),
    findService: (name) => run(() => findService(db, name)),
    listServices: () => run(listServices),
    listTeams: () => run(listTeams),
    listDepartments: () => run(listDepartments),
    countServices: () => run(countServices),
    listServicePlaces: (names) => run(() => listServicePlaces(db, names)),
    getSetting: (key) => run(() => getSetting(db, key)),
    getSession: (idHash, t) => run(() => getSession(db, idHash, t)),
    listSessions: (t) => run(() => listSessions(db, t)),
    findDelivery: (source, deliveryId) => run(() => findDelivery(db, source, deliveryId)),
    countSignInLimits: (kind) => run(() => signInState.countSignInLimits(db, kind)),
    incidentsByKey: (source, ids) =>
      run(() => {
        const found = new Map<string, StoredIncident>();
        for (const id of new Set(ids)) {
          const incident = getIncidentByKey(db, source, id);
          if (incident) found.set(id, incident);
        }
        return found;
      }),
    productionDeploymentsFrom: (serviceId, from) => run(() => listProductionDeploymentsFrom(db, serviceId, from)),
    hasCommitGap: (serviceId, head, base, finishedAt) => run(() => hasCommitGap(db, serviceId, head, base, finishedAt)),
    healthCounts: () => run(() => ({ events: countRawEvents(db), services: countServices(db) })),
    commits: null,

    ...sourceIncidentReads(db, run),

    fault: async () => databaseFault(db),
    integrityCheck: async () => db.check,
    noteError: async (e) => noteDatabaseError(db, e, now()),

    // ---- Loops.
    planLoop: (l, actor) => write(() => loops.planLoop(db, l, actor)),
    patchLoop: (id, change, action, actor, at) => write(() => loops.patchLoop(db, id, change, action, actor, at)),
    deleteLoop: (id, actor, at) => write(() => loops.deleteLoop(db, id, actor, at)),
    listLoops: (scope, from, to) => run(() => loops.listLoops(db, scope, from, to)),
    countLoops: (scope) => run(() => loops.countLoops(db, scope)),
    getLoop: (id) => run(() => loops.getLoop(db, id)),
    listLoopAudit: (scope, limit) => run(() => loops.listLoopAudit(db, scope, limit)),
    listAuditOfLoops: (ids) => run(() => loops.listAuditOfLoops(db, ids)),

    connection: db,

    // ---- What counts as production.
    reevaluateProduction: (production) => write(() => reevaluateProduction(db, production)),
  };
}

/**
 * Runs `f` with its commits not flushed to disk (`synchronous = NORMAL`; the connection's FULL
 * again after). For sign-in state: a flush per wrong token would hold the one connection (and
 * the event loop) for milliseconds each, so a flood of them would slow ingest; what a power cut
 * can lose is the last few failure counts and sign-ins under way, and the write-ahead log stays
 * whole (the next flushed commit flushes these too).
 */
function unflushed<T>(db: Db, f: () => T): T {
  prepared(db, 'PRAGMA synchronous = NORMAL').run();
  try {
    return f();
  } finally {
    prepared(db, 'PRAGMA synchronous = FULL').run();
  }
}

/** The demo's loops, each planned and acted on through the same units of work as the API, so the audit trail has them. */
function seedDemoLoops(db: Db, loops: readonly DemoLoopSeed[]): void {
  for (const l of loops) {
    const planned = planLoop(db, demoLoopInsert(l), l.actor);
    if (!planned.ok) throw new Error(`demo loop "${l.name}" was not stored: ${planned.reason}`);
    if (l.act) patchLoop(db, planned.loop.id, demoLoopAct(l.act), 'act', l.actor, l.act.at);
  }
}

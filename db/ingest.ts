/**
 * The one ingestion path every source uses: validate, normalise, upsert idempotently by
 * `(type, source, id)`, link commits to deployments, all in one transaction per batch.
 */
import type { NativeEvent } from '../common/events';
import type { Db } from './connection';
import { ensureService, type ServiceRef } from './queries/org';
import { insertRawEvent } from './queries/events';
import { recordEventKey } from './queries/event-keys';
import { deleteShippedBy, getDeploymentByKey, getEarliestShippedAt, upsertDeployment } from './queries/deployments';
import { insertParent, upsertChange, upsertPullRequest } from './queries/changes';
import { upsertCiRun } from './queries/ci-runs';
import { upsertIncident } from './queries/incidents';
import { relinkService } from './linking';
import { keysCommitted, keysRolledBack, syncKeyIndex } from './key-index';
import { putCursor, type Cursor } from './queries/cursors';
import { recordServicesChanged, servicesChanged } from './change-feed';
import { recordDeliveryOnce, type DeliveryRecord } from './queries/webhook-deliveries';
import { storeSourceIncidents, type SourceIncidentsWrite } from './queries/source-incidents';
import { BatchTally, eventHash, samePullRequest, type PullRequestFields } from './event-rules';
import { storeChangeRequests, type ChangeRequestsWrite } from './queries/change-requests';
import { changeRow, ciRunRow, deploymentRow, incidentRow, keyOf, ms, pullRequestRow } from './rows';

export interface IngestOptions {
  /** Environments whose name matches count as production. */
  production: RegExp;
  /** The receive time, injected. */
  now: number;
  /** The configured team of a service name, or null for `unassigned`. */
  resolveTeam: (service: string) => string | null;
  /** The source of events that name none. */
  defaultSource?: string;
  /** Collector cursors to move forward in the same transaction as the rows they cover. */
  cursors?: Cursor[];
  /**
   * Stored after the batch's events, in the same transaction: what must be stored with them or
   * not at all. `delivery`: the webhook delivery they came from; when it was recorded already,
   * the batch is undone with `DeliveryRecordedAlready`. `incidents`: what an incident source said
   * of its incidents and what was decided of them (collectors/incidents); the services of the
   * incidents it withdraws from the figures are the batch's too. `changeRequests`: a tool's change
   * requests (db/queries/change-requests.ts), with the cursor of the page they came in.
   */
  alsoStore?: { delivery?: DeliveryRecord; incidents?: SourceIncidentsWrite; changeRequests?: ChangeRequestsWrite };
}

export interface IngestResult {
  accepted: number;
  updated: number;
  unchanged: number;
  /** Stored (accepted or updated) events per type and service, for the live feed. */
  counts: { type: NativeEvent['type']; service: string; n: number }[];
  /** Services whose figures may have moved. */
  services: string[];
  /** Their ids, and those of services a moved deployment left. */
  serviceIds: number[];
}

/**
 * The service an event names, from the connection's cache of services by name (db/connection.ts).
 * `Acme/Web` and `acme/web` are two entries for one service (matched by its key, in
 * ensureService); `name` is the one it was first seen with, which the live feed reports.
 */
function serviceOf(db: Db, name: string, resolveTeam: (service: string) => string | null): ServiceRef {
  const ids = db.serviceIds;
  let ref = ids.get(name);
  if (ref === undefined) {
    ref = ensureService(db, name, resolveTeam);
    ids.set(name, ref);
  }
  return ref;
}

/**
 * The transaction that stores batches: `store` calls {@link ingestEvents}, once or several times
 * (each batch is then a savepoint of it, and one that throws rolls back alone). IMMEDIATE takes
 * the write lock from the start, so the key index, brought up to date at each batch, stays up to
 * date until the commit. When the transaction rolls back, this connection forgets the service
 * ids it may have created and has the key index read again what it read of the undone batches.
 */
export function ingestTransaction<T>(db: Db, store: () => T): T {
  let result: T;
  try {
    result = db.transaction(store).immediate();
  } catch (e) {
    db.serviceIds.clear();
    keysRolledBack(db);
    throw e;
  }
  keysCommitted(db);
  return result;
}

/**
 * Stores a validated batch: in its own transaction, or inside {@link ingestTransaction} as a
 * savepoint (only there: a savepoint copies each page it changes to a sub-journal first; with
 * one around every batch, the gov shape over 6 months took 84.8 s to store instead of 73.6 s).
 */
export function ingestEvents(db: Db, events: NativeEvent[], opts: IngestOptions): IngestResult {
  let result: IngestResult;
  if (!db.inTransaction) result = ingestTransaction(db, () => storeEvents(db, events, opts));
  else {
    try {
      result = db.transaction(() => storeEvents(db, events, opts))();
    } catch (e) {
      // A rolled-back batch may have created services whose ids were cached: forget them all. (The
      // key index may keep its keys: an entry of a rolled-back key costs a lookup, never an answer.)
      db.serviceIds.clear();
      throw e;
    }
  }
  servicesChanged(db, result.serviceIds);
  return result;
}

function storeEvents(db: Db, events: NativeEvent[], opts: IngestOptions): IngestResult {
  const defaultSource = opts.defaultSource ?? 'api';
  const keys = syncKeyIndex(db);
  const tally = new BatchTally();
  const relink = (serviceId: number, at: number | null | undefined) => tally.relink(serviceId, at);
  // Commits that brought parents, by service: one that was already shipped may widen what its
  // deployment shipped, so linking starts again at that deployment. Looked up once per service
  // after the loop; only this batch's deployment updates unlink anything before then, and they
  // re-link from where the unlinked deployment was, so the answer is the same as looking up each
  // commit as it comes.
  const withParents = new Map<number, string[]>();
  // The pull requests this batch wrote, as last sent: a pull request sent again with the same
  // fields (every commit of it carries it) would change nothing, so it is not written again.
  const pullRequests = new Map<string, { id: number; p: PullRequestFields }>();

  for (const e of events) {
    const key = keyOf(e, defaultSource);
    const payload = JSON.stringify(e);
    const hash = eventHash(e, payload);
    // An unchanged event names the service it named before, so this creates no service for it.
    const { id: serviceId, name: service } = serviceOf(db, e.service, opts.resolveTeam);
    const seen = recordEventKey(db, keys, key, serviceId, hash, ms(e.updatedAt));
    // An older version than the stored one (by the source's updatedAt) is acknowledged as unchanged.
    if (!tally.outcome(seen)) continue;
    insertRawEvent(db, key, opts.now, payload);
    tally.stored(e.type, service, serviceId);

    switch (e.type) {
      case 'deployment': {
        // Only a changed event can have a row already (the row's key is the event's key).
        const before = seen === 'changed' ? getDeploymentByKey(db, key.source, key.eventId) : undefined;
        const row = deploymentRow(e, key, serviceId, opts.production);
        upsertDeployment(db, row);
        if (before) {
          deleteShippedBy(db, before.id);
          if (before.serviceId !== serviceId) relink(before.serviceId, before.finishedAt ?? 0);
          relink(serviceId, before.finishedAt);
        }
        if (row.isProduction && e.status === 'success') relink(serviceId, row.finishedAt);
        break;
      }
      case 'change': {
        let pullRequestId: number | null = null;
        if (e.pullRequest) {
          const p = e.pullRequest;
          const prKey = `${serviceId} ${p.number}`;
          const written = pullRequests.get(prKey);
          if (written && samePullRequest(written.p, p)) pullRequestId = written.id;
          else {
            pullRequestId = upsertPullRequest(db, pullRequestRow(p, serviceId));
            pullRequests.set(prKey, { id: pullRequestId, p });
          }
        }
        upsertChange(db, changeRow(e, serviceId, pullRequestId));
        for (const parent of e.parents ?? []) insertParent(db, serviceId, e.sha, parent);
        // A commit already shipped may bring parents that widen what its deployment shipped.
        if (e.parents?.length) {
          const shas = withParents.get(serviceId);
          if (shas) shas.push(e.sha);
          else withParents.set(serviceId, [e.sha]);
        }
        break;
      }
      case 'ci_run':
        upsertCiRun(db, ciRunRow(e, key, serviceId));
        break;
      case 'incident':
        upsertIncident(db, incidentRow(e, key, serviceId));
        break;
    }
  }
  for (const [serviceId, shas] of withParents) relink(serviceId, getEarliestShippedAt(db, serviceId, JSON.stringify(shas)));
  for (const [serviceId, from] of tally.relinkFrom) relinkService(db, serviceId, from);
  for (const c of opts.cursors ?? []) putCursor(db, c, opts.now);
  if (opts.alsoStore?.delivery) recordDeliveryOnce(db, opts.alsoStore.delivery);
  if (opts.alsoStore?.changeRequests) storeChangeRequests(db, opts.alsoStore.changeRequests);
  for (const s of opts.alsoStore?.incidents ? storeSourceIncidents(db, opts.alsoStore.incidents) : []) tally.touch(s.name, s.id);
  const result = tally.finish();
  recordServicesChanged(db, result.serviceIds);
  return result;
}

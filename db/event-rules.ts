/**
 * What both stores decide about an event before they write it, as pure functions: its hash (what
 * makes a version changed), whether two reports of a pull request are the same, and what storing
 * its idempotency key does (new, changed, unchanged or older, and the key's state after). SQLite
 * (db/ingest.ts, db/queries/event-keys.ts) and PostgreSQL (db/postgres/ingest.ts) apply them the
 * same way, so their versions and counts agree.
 */
import { hash as digest } from 'node:crypto';
import type { NativeEvent } from '../common/events';
import type { IngestResult } from './ingest';

/**
 * The part of an event's payload its hash covers: all but `updatedAt`, which is no fact Deming
 * reads. So a version that differs only in it is unchanged (a GitHub issue read again after a
 * comment), though the stored time still moves forward, and an event stored before its source
 * sent times is not changed by the first version with one. `updatedAt` is the last key of every
 * event type (common/events.ts), so it is the payload's tail; a string value cannot contain
 * `,"updatedAt":"` (its quotes would be escaped), and a timestamp needs no escaping.
 */
function hashedPart(payload: string, updatedAt: string): string {
  const tail = `,"updatedAt":"${updatedAt}"}`;
  return payload.endsWith(tail) ? `${payload.slice(0, payload.length - tail.length)}}` : payload;
}

/** The hash of an event's version: hex SHA-1 of its payload (`JSON.stringify(e)`) less `updatedAt`. */
export function eventHash(e: NativeEvent, payload: string): string {
  // The same hex SHA-1 as createHash('sha1'), one call and no Hash object per event.
  return digest('sha1', e.updatedAt === undefined ? payload : hashedPart(payload, e.updatedAt), 'hex');
}

export type PullRequestFields = NonNullable<Extract<NativeEvent, { type: 'change' }>['pullRequest']>;

/**
 * Whether two reports of one pull request carry the same fields, as sent: then their upserts
 * store the same values, and the second changes nothing.
 */
export function samePullRequest(a: PullRequestFields, b: PullRequestFields): boolean {
  return (
    a.openedAt === b.openedAt &&
    a.mergedAt === b.mergedAt &&
    a.mergeSha === b.mergeSha &&
    a.firstCommitAt === b.firstCommitAt &&
    a.planStartedAt === b.planStartedAt &&
    a.url === b.url
  );
}

/** What storing an event's key found: see {@link decideKey}. */
export type KeyOutcome = 'new' | 'changed' | 'unchanged' | 'older';

/** A stored idempotency key: the service holding it, its hash, how many times it changed, the source's newest time (ms) or null. */
export interface KeyState {
  serviceId: number;
  hash: string;
  version: number;
  updatedAt: number | null;
}

/**
 * What storing the key of an event version for `serviceId` does, given the stored key (if any):
 * `new` the first time its `(type, source, id)` is seen in any service; `changed` when the hash
 * differs (the version goes up), including when the event now names another service (the key
 * moves to it); `unchanged` when it is the same. `updatedAt` is the source's modification time of
 * this version, or null: the key keeps the newest any version carried, and a version older than
 * that is `older` (nothing is written: a replayed or late delivery never overwrites a newer
 * state). An unchanged version with a newer time still moves the stored time forward, so that a
 * version from in between, arriving later, is older. `next` is the key after, or null when
 * nothing is written.
 */
export function decideKey(
  stored: KeyState | undefined,
  serviceId: number,
  hash: string,
  updatedAt: number | null,
): { outcome: KeyOutcome; next: KeyState | null } {
  if (!stored) return { outcome: 'new', next: { serviceId, hash, version: 0, updatedAt } };
  if (updatedAt !== null && stored.updatedAt !== null && updatedAt < stored.updatedAt) return { outcome: 'older', next: null };
  // Not older: this version's time is the newest, or it has none and the stored one stays.
  const newest = updatedAt ?? stored.updatedAt;
  if (stored.serviceId === serviceId && stored.hash === hash) {
    return { outcome: 'unchanged', next: newest === stored.updatedAt ? null : { ...stored, updatedAt: newest } };
  }
  return { outcome: 'changed', next: { serviceId, hash, version: stored.version + 1, updatedAt: newest } };
}

/**
 * What a batch did, as both stores count it: how many versions were new, changed or unchanged,
 * which services they touched (by name for the live feed, by id for the change feed), and from
 * when each service's deployments are linked again.
 */
export class BatchTally {
  readonly result: IngestResult = { accepted: 0, updated: 0, unchanged: 0, counts: [], services: [], serviceIds: [] };
  /** The earliest time from which each service is linked again. */
  readonly relinkFrom = new Map<number, number>();
  private readonly touched = new Set<string>();
  private readonly touchedIds = new Set<number>();
  private readonly counts = new Map<string, IngestResult['counts'][number]>();

  /** Counts a version by its key's outcome; true when it is stored (new or changed). */
  outcome(outcome: KeyOutcome): boolean {
    if (outcome === 'unchanged' || outcome === 'older') {
      this.result.unchanged++;
      return false;
    }
    if (outcome === 'new') this.result.accepted++;
    else this.result.updated++;
    return true;
  }

  /** A stored version of `type` for a service. */
  stored(type: NativeEvent['type'], service: string, serviceId: number): void {
    this.touch(service, serviceId);
    const countKey = `${type} ${service}`;
    const c = this.counts.get(countKey);
    if (c) c.n++;
    else this.counts.set(countKey, { type, service, n: 1 });
  }

  /** A service whose figures moved (an incident its source withdrew). */
  touch(service: string, serviceId: number): void {
    this.touched.add(service);
    this.touchedIds.add(serviceId);
  }

  /** Links the service's deployments again from `at` on (nothing when there is no time). */
  relink(serviceId: number, at: number | null | undefined): void {
    if (at === null || at === undefined) return;
    const prev = this.relinkFrom.get(serviceId);
    if (prev === undefined || at < prev) this.relinkFrom.set(serviceId, at);
  }

  /** The result: the services sorted by name, the ids of those linked again after those stored. */
  finish(): IngestResult {
    const r = this.result;
    r.counts = [...this.counts.values()];
    r.services = [...this.touched].sort();
    for (const id of this.relinkFrom.keys()) this.touchedIds.add(id);
    r.serviceIds = [...this.touchedIds];
    return r;
  }
}

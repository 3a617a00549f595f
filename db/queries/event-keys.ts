/**
 * Every statement on `event_keys`, the idempotency keys: the latest hash, version and source
 * modification time of each `(type, source, id)`, keyed by service first (see db/key-index.ts
 * for why, and for the in-memory index that finds which service holds a key).
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import { keyFingerprint, type KeyBatch } from '../key-index';
import { decideKey, type KeyOutcome } from '../event-rules';

export interface EventKey {
  type: string;
  source: string;
  eventId: string;
}

export type { KeyOutcome } from '../event-rules';

/**
 * Records the latest hash of an event stored for `serviceId`, as {@link decideKey} says (new,
 * changed, unchanged or older). A new event, the common case, takes one insert into its
 * service's part of the table (see db/key-index.ts); a key that moves to another service is
 * deleted from the one that held it.
 */
export function recordEventKey(
  db: Db,
  batch: KeyBatch,
  k: EventKey,
  serviceId: number,
  hash: string,
  updatedAt: number | null,
): KeyOutcome {
  const fp = keyFingerprint(k.type, k.source, k.eventId);
  for (const holder of batch.index.holders(fp, batch.holders)) {
    const stored = prepared<unknown[], { hash: string; version: number; updatedAt: number | null }>(
      db,
      `SELECT hash, version, updated_at AS updatedAt
      FROM event_keys WHERE service_id = ? AND type = ? AND source = ? AND event_id = ?`,
    ).get(holder, k.type, k.source, k.eventId);
    if (!stored) continue;
    const { outcome, next } = decideKey({ serviceId: holder, ...stored }, serviceId, hash, updatedAt);
    if (!next) return outcome;
    if (holder === serviceId) {
      prepared(
        db,
        `UPDATE event_keys SET hash = ?, version = ?, updated_at = ?
        WHERE service_id = ? AND type = ? AND source = ? AND event_id = ?`,
      ).run(next.hash, next.version, next.updatedAt, holder, k.type, k.source, k.eventId);
      return outcome;
    }
    // The same event now names another service: its key moves there.
    prepared(db, 'DELETE FROM event_keys WHERE service_id = ? AND type = ? AND source = ? AND event_id = ?').run(
      holder,
      k.type,
      k.source,
      k.eventId,
    );
    insertKey(db, batch, k, serviceId, next.hash, next.version, fp, next.updatedAt);
    return outcome;
  }
  insertKey(db, batch, k, serviceId, hash, 0, fp, updatedAt);
  return 'new';
}

function insertKey(
  db: Db,
  batch: KeyBatch,
  k: EventKey,
  serviceId: number,
  hash: string,
  version: number,
  fp: number,
  updatedAt: number | null,
): void {
  prepared(
    db,
    'INSERT INTO event_keys (service_id, type, source, event_id, hash, version, fp, added, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(serviceId, k.type, k.source, k.eventId, hash, version, fp, batch.added, updatedAt);
  batch.index.add(fp, serviceId);
}

/** How many keys there are (the index's first size). */
export function countEventKeys(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM event_keys').get()!.n;
}

/** Up to `limit` keys as `[added, fp, service_id]`, in that order, after `after` (from the first when null). */
export function readEventKeys(db: Db, after: [number, number, number] | null, limit: number): [number, number, number][] {
  return after
    ? prepared<[number, number, number, number], [number, number, number]>(
        db,
        `SELECT added, fp, service_id FROM event_keys
        WHERE (added, fp, service_id) > (?, ?, ?) ORDER BY added, fp, service_id LIMIT ?`,
      )
        .raw()
        .all(...after, limit)
    : prepared<[number], [number, number, number]>(
        db,
        'SELECT added, fp, service_id FROM event_keys ORDER BY added, fp, service_id LIMIT ?',
      )
        .raw()
        .all(limit);
}

/**
 * An incident its source withdrew from the figures (collectors/incidents: below the threshold,
 * cancelled, a duplicate): its key stays, so an older version arriving later is still `older`,
 * but with a hash no version has, so the same incident counting again is `changed` and stored.
 * The key's time moves to `updatedAt` when that is newer.
 */
export function withdrawEventKey(db: Db, serviceId: number, k: EventKey, updatedAt: number | null): void {
  prepared(
    db,
    `UPDATE event_keys SET hash = 'withdrawn', version = version + 1,
      updated_at = CASE WHEN @at IS NOT NULL AND (updated_at IS NULL OR updated_at < @at) THEN @at ELSE updated_at END
    WHERE service_id = @serviceId AND type = @type AND source = @source AND event_id = @eventId`,
  ).run({ at: updatedAt, serviceId, type: k.type, source: k.source, eventId: k.eventId });
}

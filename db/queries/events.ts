/** The append-only raw event log and the idempotency keys beside it. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface EventKey { type: string; source: string; eventId: string }

/**
 * Records the latest hash of an event: `new` the first time, `changed` when the hash differs
 * from the stored one (the version goes up), `unchanged` when it is the same (nothing is
 * written). A new event, the common case, takes one statement; a re-sent one, two. (One upsert
 * with RETURNING does the same, and costs more: RETURNING buffers its row in a temporary table.)
 */
export function recordEventKey(db: Db, k: EventKey, hash: string): 'new' | 'changed' | 'unchanged' {
  const inserted = prepared(db, `INSERT INTO event_keys (type, source, event_id, hash) VALUES (?, ?, ?, ?)
    ON CONFLICT(type, source, event_id) DO NOTHING`).run(k.type, k.source, k.eventId, hash).changes;
  if (inserted > 0) return 'new';
  const updated = prepared(db, `UPDATE event_keys SET hash = ?, version = version + 1
    WHERE type = ? AND source = ? AND event_id = ? AND hash <> ?`).run(hash, k.type, k.source, k.eventId, hash).changes;
  return updated > 0 ? 'changed' : 'unchanged';
}

export function insertRawEvent(db: Db, k: EventKey, receivedAt: number, payload: string): void {
  prepared(db, 'INSERT INTO raw_events (type, source, event_id, received_at, payload) VALUES (?, ?, ?, ?, ?)')
    .run(k.type, k.source, k.eventId, receivedAt, payload);
}

export function countRawEvents(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM raw_events').get()!.n;
}

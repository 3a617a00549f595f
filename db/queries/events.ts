/** The append-only raw event log and the idempotency keys beside it. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface EventKey { type: string; source: string; eventId: string }

/**
 * Records the latest hash of an event in one statement: `new` the first time, `changed` when
 * the hash differs from the stored one, `unchanged` when it is the same (nothing is written).
 */
export function recordEventKey(db: Db, k: EventKey, hash: string): 'new' | 'changed' | 'unchanged' {
  const row = prepared<[string, string, string, string], { version: number }>(db, `INSERT INTO event_keys (type, source, event_id, hash) VALUES (?, ?, ?, ?)
    ON CONFLICT(type, source, event_id) DO UPDATE SET hash = excluded.hash, version = version + 1 WHERE hash <> excluded.hash
    RETURNING version`).get(k.type, k.source, k.eventId, hash);
  return row === undefined ? 'unchanged' : row.version === 0 ? 'new' : 'changed';
}

export function insertRawEvent(db: Db, k: EventKey, receivedAt: number, payload: string): void {
  prepared(db, 'INSERT INTO raw_events (type, source, event_id, received_at, payload) VALUES (?, ?, ?, ?, ?)')
    .run(k.type, k.source, k.eventId, receivedAt, payload);
}

export function countRawEvents(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM raw_events').get()!.n;
}

/** The append-only raw event log and the idempotency keys beside it. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface EventKey { type: string; source: string; eventId: string }

export function getEventHash(db: Db, k: EventKey): string | undefined {
  return prepared<[string, string, string], { hash: string }>(
    db, 'SELECT hash FROM event_keys WHERE type = ? AND source = ? AND event_id = ?',
  ).get(k.type, k.source, k.eventId)?.hash;
}

export function putEventHash(db: Db, k: EventKey, hash: string): void {
  prepared(db, `INSERT INTO event_keys (type, source, event_id, hash) VALUES (?, ?, ?, ?)
    ON CONFLICT(type, source, event_id) DO UPDATE SET hash = excluded.hash`).run(k.type, k.source, k.eventId, hash);
}

export function insertRawEvent(db: Db, k: EventKey, receivedAt: number, payload: string): void {
  prepared(db, 'INSERT INTO raw_events (type, source, event_id, received_at, payload) VALUES (?, ?, ?, ?, ?)')
    .run(k.type, k.source, k.eventId, receivedAt, payload);
}

export function countRawEvents(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM raw_events').get()!.n;
}

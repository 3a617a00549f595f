/** Where each collector got to, per resource, moved forward only with the rows it covers. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface Cursor {
  collector: string;
  resource: string;
  cursor: string;
  etag: string | null;
}

export function getCursor(db: Db, collector: string, resource: string): Cursor | undefined {
  return prepared<[string, string], Cursor>(
    db,
    'SELECT collector, resource, cursor, etag FROM collector_cursors WHERE collector = ? AND resource = ?',
  ).get(collector, resource);
}

export function listCursors(db: Db, collector: string): (Cursor & { updatedAt: number })[] {
  return prepared<[string], Cursor & { updatedAt: number }>(
    db,
    'SELECT collector, resource, cursor, etag, updated_at AS updatedAt FROM collector_cursors WHERE collector = ? ORDER BY resource',
  ).all(collector);
}

export function putCursor(db: Db, c: Cursor, now: number): void {
  prepared(
    db,
    `INSERT INTO collector_cursors (collector, resource, cursor, etag, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(collector, resource) DO UPDATE SET cursor = excluded.cursor, etag = excluded.etag, updated_at = excluded.updated_at`,
  ).run(c.collector, c.resource, c.cursor, c.etag, now);
}

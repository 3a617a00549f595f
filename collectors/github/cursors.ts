/** The GitHub collector's cursors: one row per repository and resource, with its JSON state and ETag. */
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { getCursor, type Cursor } from '../../db/queries/cursors';

export const COLLECTOR = 'github';

/** Reads a cursor; a row that no longer parses starts the resource afresh rather than failing. */
export function readCursor<T>(db: Db, resource: string, schema: z.ZodType<T>): { state: T | null; etag: string | null } {
  const row = getCursor(db, COLLECTOR, resource);
  if (!row) return { state: null, etag: null };
  try {
    const parsed = schema.safeParse(JSON.parse(row.cursor));
    return parsed.success ? { state: parsed.data, etag: row.etag } : { state: null, etag: null };
  } catch {
    return { state: null, etag: null };
  }
}

/** A cursor row of this collector, its state as JSON. */
export function cursorRow(resource: string, state: unknown, etag: string | null): Cursor {
  return { collector: COLLECTOR, resource, cursor: JSON.stringify(state), etag };
}

/**
 * A list read newest first down to a watermark (an ISO time): everything at or after it was
 * stored. Null while the list has had nothing since the horizon.
 */
export const watermarkCursor = z.object({ watermark: z.string().nullable() });
export type WatermarkCursor = z.infer<typeof watermarkCursor>;

/** A collector's cursors: one row per resource, with its JSON state and ETag, read leniently. */
import type { z } from 'zod';
import type { Cursor } from '../../db/queries/cursors';

/** A cursor row's state; a row that no longer parses starts the resource afresh rather than failing. */
export function parseCollectorCursor<T>(row: Cursor | undefined, schema: z.ZodType<T>): { state: T | null; etag: string | null } {
  if (!row) return { state: null, etag: null };
  try {
    const parsed = schema.safeParse(JSON.parse(row.cursor));
    return parsed.success ? { state: parsed.data, etag: row.etag } : { state: null, etag: null };
  } catch {
    return { state: null, etag: null };
  }
}

/** A cursor row, its state as JSON. */
export function collectorCursorRow(collector: string, resource: string, state: unknown, etag: string | null): Cursor {
  return { collector, resource, cursor: JSON.stringify(state), etag };
}

/** The GitHub collector's cursors: one row per repository and resource, with its JSON state and ETag. */
import { z } from 'zod';
import type { Cursor } from '../../db/queries/cursors';
import type { CollectorStore } from '../types';
import { collectorCursorRow, parseCollectorCursor } from '../shared/cursors';

export const COLLECTOR = 'github';

/** Reads a cursor; a row that no longer parses starts the resource afresh rather than failing. */
export async function readCursor<T>(
  store: Pick<CollectorStore, 'getCursor'>,
  resource: string,
  schema: z.ZodType<T>,
): Promise<{ state: T | null; etag: string | null }> {
  return parseCollectorCursor(await store.getCursor(COLLECTOR, resource), schema);
}

/** A cursor row of this collector, its state as JSON. */
export function cursorRow(resource: string, state: unknown, etag: string | null): Cursor {
  return collectorCursorRow(COLLECTOR, resource, state, etag);
}

/**
 * A list read newest first down to a watermark (an ISO time): everything at or after it was
 * stored. Null while the list has had nothing since the horizon.
 */
export const watermarkCursor = z.object({ watermark: z.string().nullable() });
export type WatermarkCursor = z.infer<typeof watermarkCursor>;

/**
 * What a copy of something built from the database (the server's indexes, kept between runs:
 * server/metrics/fact-snapshot.ts, db/key-index.ts) is stamped with, to be used only with the
 * same file at the same or a later state: the schema version, and the raw event log's last row
 * (ids only grow; a file restored from an older backup, or another file, has another row there,
 * or none), and how far the services' versions had gone (db/change-feed.ts).
 */
import type { Db } from './connection';
import { prepared } from './prepared';
import { servicesChangedAfter } from './change-feed';

export interface FileStamp {
  schema: number;
  /** The raw event log's highest id then (0: empty), and that row's identity. */
  rawEventId: number;
  rawEvent: string | null;
  /** The highest service version then (db/change-feed.ts). */
  servicesVersion: number;
}

function rawEventAt(db: Db, id: number): string | null {
  const row = prepared<[number], { type: string; source: string; eventId: string; receivedAt: number }>(
    db,
    'SELECT type, source, event_id AS eventId, received_at AS receivedAt FROM raw_events WHERE id = ?',
  ).get(id);
  return row ? JSON.stringify([row.type, row.source, row.eventId, row.receivedAt]) : null;
}

/** The stamp of the file as it is now (read in one go: nothing commits in between on this thread). */
export function fileStamp(db: Db): FileStamp {
  const rawEventId = prepared<[], number>(db, 'SELECT coalesce(max(id), 0) FROM raw_events').pluck().get()!;
  return {
    schema: db.pragma('user_version', { simple: true }) as number,
    rawEventId,
    rawEvent: rawEventAt(db, rawEventId),
    servicesVersion: servicesChangedAfter(db, Number.MAX_SAFE_INTEGER).version,
  };
}

/** Whether the file is the one `stamp` was taken of, at that state or later; why not, when it is not. */
export function stampProblem(db: Db, stamp: FileStamp): string | null {
  const now = fileStamp(db);
  if (now.schema !== stamp.schema) return `the database schema is version ${now.schema}, not ${stamp.schema}`;
  if (now.rawEventId < stamp.rawEventId || rawEventAt(db, stamp.rawEventId) !== stamp.rawEvent)
    return 'the raw event log is not the one it was built from (another file, or one restored from a backup)';
  if (now.servicesVersion < stamp.servicesVersion) return 'the services are at an earlier version than it was built at';
  return null;
}

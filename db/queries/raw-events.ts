/** Reads of the append-only raw event log: the export of every event, and counts for /metrics. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

/** One row of the raw event log. */
export interface RawEventRow {
  id: number;
  type: string;
  source: string;
  eventId: string;
  receivedAt: number;
  payload: string;
}

/**
 * The latest version of every event, oldest first (an event sent again with a change, such as an
 * incident now resolved, is exported once, as it is now). With `serviceNames`, only theirs.
 */
export function iterateLatestRawEvents(db: Db, serviceNames?: string[]): IterableIterator<RawEventRow> {
  const services = serviceNames ? JSON.stringify(serviceNames) : null;
  return prepared<[{ services: string | null }], RawEventRow>(
    db,
    `
    SELECT r.id, r.type, r.source, r.event_id AS eventId, r.received_at AS receivedAt, r.payload
    FROM raw_events r
    JOIN (SELECT max(id) AS id FROM raw_events GROUP BY type, source, event_id) latest ON latest.id = r.id
    WHERE @services IS NULL OR json_extract(r.payload, '$.service') IN (SELECT value FROM json_each(@services))
    ORDER BY r.id`,
  ).iterate({ services });
}

/**
 * The latest version of every deployment one source sent, oldest first: what a source's declared
 * environments are applied to again when they change (server/collectors/declared.ts). One pass
 * over the log, run only then.
 */
export function iterateLatestDeployments(db: Db, source: string): IterableIterator<RawEventRow> {
  return prepared<[{ source: string }], RawEventRow>(
    db,
    `
    SELECT r.id, r.type, r.source, r.event_id AS eventId, r.received_at AS receivedAt, r.payload
    FROM raw_events r
    JOIN (SELECT max(id) AS id FROM raw_events WHERE type = 'deployment' AND source = @source GROUP BY event_id) latest ON latest.id = r.id
    ORDER BY r.id`,
  ).iterate({ source });
}

/** How many raw events of each type have ids above `afterId`, and the highest id seen. */
export function countRawEventsByType(db: Db, afterId: number): { counts: { type: string; n: number }[]; maxId: number } {
  const counts = prepared<[number], { type: string; n: number }>(
    db,
    'SELECT type, count(*) AS n FROM raw_events WHERE id > ? GROUP BY type ORDER BY type',
  ).all(afterId);
  const maxId = prepared<[], { maxId: number | null }>(db, 'SELECT max(id) AS maxId FROM raw_events').get()!.maxId ?? 0;
  return { counts, maxId };
}

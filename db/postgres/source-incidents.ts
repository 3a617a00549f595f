/**
 * Incidents as their source told them (`source_incidents`) on PostgreSQL: what
 * db/queries/source-incidents.ts does on SQLite, with `fields` and `links` as jsonb.
 */
import type {
  IncidentRecord,
  RecordDecision,
  RecordStatus,
  SourceIncidentReads,
  SourceIncidentsWrite,
  StoredRecord,
} from '../queries/source-incidents';
import { one, q, run, type Queryable } from './sql';

const COLUMNS = `source, ext_id AS "id", fields, severity_value AS "severityValue", opened_at AS "openedAt", resolved_at AS "resolvedAt",
  outcome, title, url, links, updated_at AS "updatedAt", grouping, received_at AS "receivedAt", status, service, severity, reason`;

/** Stores a record and its decision unless the stored one is newer (by the source's `updatedAt`); true when stored. */
async function putSourceIncident(db: Queryable, r: IncidentRecord, d: RecordDecision, receivedAt: number): Promise<boolean> {
  return (
    (await run(
      db,
      `INSERT INTO source_incidents (source, ext_id, fields, severity_value, opened_at, resolved_at, outcome, title, url, links,
        updated_at, grouping, received_at, status, service, severity, reason)
      VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, $17)
      ON CONFLICT (source, ext_id) DO UPDATE SET fields = excluded.fields, severity_value = excluded.severity_value,
        opened_at = excluded.opened_at, resolved_at = excluded.resolved_at, outcome = excluded.outcome, title = excluded.title,
        url = excluded.url, links = excluded.links, updated_at = coalesce(excluded.updated_at, source_incidents.updated_at),
        grouping = excluded.grouping, received_at = excluded.received_at, status = excluded.status, service = excluded.service,
        severity = excluded.severity, reason = excluded.reason
      WHERE excluded.updated_at IS NULL OR source_incidents.updated_at IS NULL OR excluded.updated_at >= source_incidents.updated_at`,
      [
        r.source,
        r.id,
        JSON.stringify(r.fields),
        r.severityValue,
        r.openedAt,
        r.resolvedAt,
        r.outcome,
        r.title,
        r.url,
        JSON.stringify(r.links),
        r.updatedAt,
        r.grouping,
        receivedAt,
        d.status,
        d.service,
        d.severity,
        d.reason,
      ],
    )) > 0
  );
}

/**
 * Stores the records (an older state than the stored one is left out) and takes out of the
 * figures each incident that no longer counts: its row leaves `incidents`, and its idempotency
 * key stays with a hash no version has. Returns the services whose incidents were taken out.
 */
export async function storeSourceIncidents(db: Queryable, w: SourceIncidentsWrite): Promise<{ id: number; name: string }[]> {
  const moved: { id: number; name: string }[] = [];
  for (const { record, decision, redecide } of w.items) {
    if (redecide)
      await run(
        db,
        'UPDATE source_incidents SET status = $1, service = $2, severity = $3, reason = $4, title = $5 WHERE source = $6 AND ext_id = $7',
        [decision.status, decision.service, decision.severity, decision.reason, record.title, record.source, record.id],
      );
    else if (!(await putSourceIncident(db, record, decision, w.receivedAt))) continue;
    if (decision.status === 'counted') continue;
    const gone = await one<{ serviceId: number; name: string }>(
      db,
      `WITH gone AS (DELETE FROM incidents WHERE source = $1 AND ext_id = $2 RETURNING service_id)
      SELECT s.id AS "serviceId", s.name FROM gone JOIN services s ON s.id = gone.service_id`,
      [record.source, record.id],
    );
    if (!gone) continue;
    await run(
      db,
      `UPDATE event_keys SET hash = 'withdrawn', version = version + 1,
        updated_at = CASE WHEN $1::bigint IS NOT NULL AND (updated_at IS NULL OR updated_at < $1::bigint) THEN $1::bigint ELSE updated_at END
      WHERE service_id = $2 AND type = 'incident' AND source = $3 AND event_id = $4`,
      [record.updatedAt, gone.serviceId, record.source, record.id],
    );
    moved.push({ id: gone.serviceId, name: gone.name });
  }
  return moved;
}

/** The reads of what incident sources stored. */
export function postgresSourceIncidentReads(db: Queryable): SourceIncidentReads {
  return {
    sourceIncidents: (source) =>
      q<StoredRecord>(db, `SELECT ${COLUMNS} FROM source_incidents WHERE source = $1 ORDER BY ext_id COLLATE "C"`, [source]),
    sourceIncidentList: (status, source, limit) =>
      q<StoredRecord>(
        db,
        `SELECT ${COLUMNS} FROM source_incidents WHERE status = $1 AND ($2::text IS NULL OR source = $2)
        ORDER BY opened_at DESC, source COLLATE "C", ext_id COLLATE "C" LIMIT $3`,
        [status, source, limit],
      ),
    openSourceIncident: (source, grouping) =>
      one<StoredRecord>(
        db,
        `SELECT ${COLUMNS} FROM source_incidents WHERE source = $1 AND grouping = $2 AND resolved_at IS NULL ORDER BY opened_at DESC LIMIT 1`,
        [source, grouping],
      ),
    sourceIncidentCounts: () =>
      q<{ source: string; status: RecordStatus; n: number }>(
        db,
        'SELECT source, status, count(*) AS n FROM source_incidents GROUP BY source, status ORDER BY source COLLATE "C", status COLLATE "C"',
      ),
  };
}

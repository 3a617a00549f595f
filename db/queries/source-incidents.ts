/**
 * Incidents as their source told them (`source_incidents`, migration 012), whatever the incident
 * model (collectors/incidents) made of them: counted, unmapped or skipped, with the reason.
 * Every statement on the table is here.
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import { deleteIncident } from './incidents';
import { withdrawEventKey } from './event-keys';

/** Outcomes after which an incident was none (ServiceNow's cancelled, Jira's duplicate, PagerDuty's merged). */
/** What an incident turned out to be; `withdrawn`: deleted in its tool, or no longer named by the source's query. */
export type Outcome = 'cancelled' | 'duplicate' | 'not_an_incident' | 'withdrawn';

/** Links to the deployment that caused an incident, as its source gave them. */
export interface Links {
  deploymentId?: string;
  rootCauseSha?: string;
  changeRequest?: string;
}

/** What is stored of an incident from a source (collectors/incidents/model.ts), whatever Deming made of it. */
export interface IncidentRecord {
  source: string;
  id: string;
  /** The fields a mapping rule matches (`service.id`, labels). */
  fields: Record<string, string>;
  /** The tool's own severity value. */
  severityValue: string | null;
  openedAt: number;
  /** Resolved, not closed. */
  resolvedAt: number | null;
  outcome: Outcome | null;
  /** Only where the source's `titles` is on. */
  title: string | null;
  url: string | null;
  links: Links;
  /** The tool's modification time of this state. */
  updatedAt: number | null;
  /** A key grouping the tool's notifications into one incident (Alertmanager's group). */
  grouping: string | null;
}

export type RecordStatus = 'counted' | 'unmapped' | 'skipped';

/** What was decided of a record: counted for a service, or why not. */
export interface RecordDecision {
  status: RecordStatus;
  service: string | null;
  severity: string | null;
  reason: string | null;
}

export interface StoredRecord extends IncidentRecord {
  receivedAt: number;
  status: RecordStatus;
  service: string | null;
  severity: string | null;
  reason: string | null;
}

interface Row {
  source: string;
  extId: string;
  fields: string;
  severityValue: string | null;
  openedAt: number;
  resolvedAt: number | null;
  outcome: string | null;
  title: string | null;
  url: string | null;
  links: string;
  updatedAt: number | null;
  grouping: string | null;
  receivedAt: number;
  status: RecordStatus;
  service: string | null;
  severity: string | null;
  reason: string | null;
}

const COLUMNS = `source, ext_id AS extId, fields, severity_value AS severityValue, opened_at AS openedAt, resolved_at AS resolvedAt,
  outcome, title, url, links, updated_at AS updatedAt, grouping, received_at AS receivedAt, status, service, severity, reason`;

const fromRow = (r: Row): StoredRecord => ({
  source: r.source,
  id: r.extId,
  fields: JSON.parse(r.fields) as Record<string, string>,
  severityValue: r.severityValue,
  openedAt: r.openedAt,
  resolvedAt: r.resolvedAt,
  outcome: r.outcome as Outcome | null,
  title: r.title,
  url: r.url,
  links: JSON.parse(r.links) as IncidentRecord['links'],
  updatedAt: r.updatedAt,
  grouping: r.grouping,
  receivedAt: r.receivedAt,
  status: r.status,
  service: r.service,
  severity: r.severity,
  reason: r.reason,
});

/**
 * Stores a record and what was decided of it, unless the stored one is newer (by the source's
 * `updatedAt`; one without a time is not older). True when it was stored.
 */
export function putSourceIncident(db: Db, r: IncidentRecord, d: RecordDecision, receivedAt: number): boolean {
  return (
    prepared(
      db,
      `INSERT INTO source_incidents (source, ext_id, fields, severity_value, opened_at, resolved_at, outcome, title, url, links,
      updated_at, grouping, received_at, status, service, severity, reason)
    VALUES (@source, @id, @fields, @severityValue, @openedAt, @resolvedAt, @outcome, @title, @url, @links, @updatedAt, @grouping, @receivedAt,
      @status, @service, @severity, @reason)
    ON CONFLICT (source, ext_id) DO UPDATE SET fields = excluded.fields, severity_value = excluded.severity_value,
      opened_at = excluded.opened_at, resolved_at = excluded.resolved_at, outcome = excluded.outcome, title = excluded.title,
      url = excluded.url, links = excluded.links, updated_at = coalesce(excluded.updated_at, source_incidents.updated_at),
      grouping = excluded.grouping, received_at = excluded.received_at, status = excluded.status, service = excluded.service,
      severity = excluded.severity, reason = excluded.reason
    WHERE excluded.updated_at IS NULL OR source_incidents.updated_at IS NULL OR excluded.updated_at >= source_incidents.updated_at`,
    ).run({
      source: r.source,
      id: r.id,
      fields: JSON.stringify(r.fields),
      severityValue: r.severityValue,
      openedAt: r.openedAt,
      resolvedAt: r.resolvedAt,
      outcome: r.outcome,
      title: r.title,
      url: r.url,
      links: JSON.stringify(r.links),
      updatedAt: r.updatedAt,
      grouping: r.grouping,
      receivedAt,
      status: d.status,
      service: d.service,
      severity: d.severity,
      reason: d.reason,
    }).changes > 0
  );
}

/** Changes what was decided of a stored record (a mapping, threshold or title setting changed). */
export function redecideSourceIncident(db: Db, source: string, id: string, d: RecordDecision, title: string | null): void {
  prepared(
    db,
    'UPDATE source_incidents SET status = ?, service = ?, severity = ?, reason = ?, title = ? WHERE source = ? AND ext_id = ?',
  ).run(d.status, d.service, d.severity, d.reason, title, source, id);
}

export function getSourceIncident(db: Db, source: string, id: string): StoredRecord | undefined {
  const row = prepared<[string, string], Row>(db, `SELECT ${COLUMNS} FROM source_incidents WHERE source = ? AND ext_id = ?`).get(
    source,
    id,
  );
  return row ? fromRow(row) : undefined;
}

/** The open incident of a source's group (Alertmanager's group of alerts), if one is open. */
export function findOpenSourceIncident(db: Db, source: string, grouping: string): StoredRecord | undefined {
  const row = prepared<[string, string], Row>(
    db,
    `SELECT ${COLUMNS} FROM source_incidents
    WHERE source = ? AND grouping = ? AND resolved_at IS NULL ORDER BY opened_at DESC LIMIT 1`,
  ).get(source, grouping);
  return row ? fromRow(row) : undefined;
}

/** Every record of a source (a few thousand at most: incidents are rare), to decide again. */
export function listSourceIncidentsOf(db: Db, source: string): StoredRecord[] {
  return prepared<[string], Row>(db, `SELECT ${COLUMNS} FROM source_incidents WHERE source = ? ORDER BY ext_id`).all(source).map(fromRow);
}

/** The records with a status (unmapped, skipped), newest first; `source` narrows them to one source. */
export function listSourceIncidents(db: Db, status: RecordStatus, source: string | null, limit: number): StoredRecord[] {
  return prepared<[{ status: string; source: string | null; limit: number }], Row>(
    db,
    `SELECT ${COLUMNS} FROM source_incidents
    WHERE status = @status AND (@source IS NULL OR source = @source) ORDER BY opened_at DESC, source, ext_id LIMIT @limit`,
  )
    .all({ status, source, limit })
    .map(fromRow);
}

/** How many records each source has of each status. */
export function countSourceIncidents(db: Db): { source: string; status: RecordStatus; n: number }[] {
  return prepared<[], { source: string; status: RecordStatus; n: number }>(
    db,
    `SELECT source, status, count(*) AS n FROM source_incidents
    GROUP BY source, status ORDER BY source, status`,
  ).all();
}

/** What a batch stores of a source's incidents: each record and what was decided of it. */
export interface SourceIncidentsWrite {
  items: {
    record: IncidentRecord;
    decision: RecordDecision;
    /** Only the decision changed (a mapping or setting did): the record stays as it is but for its title. */
    redecide?: boolean;
  }[];
  receivedAt: number;
}

/**
 * Stores the records (an older state than the stored one is left out) and takes out of the
 * figures each incident that no longer counts: its row leaves `incidents`, and its idempotency
 * key stays with a hash no version has (db/queries/event-keys.ts). Returns the services whose
 * incidents were taken out. Run in the ingest transaction, after the batch's events.
 */
export function storeSourceIncidents(db: Db, w: SourceIncidentsWrite): { id: number; name: string }[] {
  const moved: { id: number; name: string }[] = [];
  for (const { record, decision, redecide } of w.items) {
    if (redecide) redecideSourceIncident(db, record.source, record.id, decision, record.title);
    else if (!putSourceIncident(db, record, decision, w.receivedAt)) continue;
    if (decision.status === 'counted') continue;
    const serviceId = deleteIncident(db, record.source, record.id);
    if (serviceId === null) continue;
    withdrawEventKey(db, serviceId, { type: 'incident', source: record.source, eventId: record.id }, record.updatedAt);
    const name = prepared<[number], { name: string }>(db, 'SELECT name FROM services WHERE id = ?').get(serviceId)?.name;
    if (name !== undefined) moved.push({ id: serviceId, name });
  }
  return moved;
}

/** What the incident sources read of what they stored (the store implements it: db/store.ts). */
export interface SourceIncidentReads {
  /** Every record of a source, to decide again. */
  sourceIncidents(source: string): Promise<StoredRecord[]>;
  /** Records of a status, newest first. */
  sourceIncidentList(status: RecordStatus, source: string | null, limit: number): Promise<StoredRecord[]>;
  /** The open incident of a source's group (Alertmanager), if any. */
  openSourceIncident(source: string, grouping: string): Promise<StoredRecord | undefined>;
  sourceIncidentCounts(): Promise<{ source: string; status: RecordStatus; n: number }[]>;
}

/** {@link SourceIncidentReads} on a connection, each answering at once. */
export function sourceIncidentReads(db: Db, run: <T>(f: () => T) => Promise<T> = async (f) => f()): SourceIncidentReads {
  return {
    sourceIncidents: (source) => run(() => listSourceIncidentsOf(db, source)),
    sourceIncidentList: (status, source, limit) => run(() => listSourceIncidents(db, status, source, limit)),
    openSourceIncident: (source, grouping) => run(() => findOpenSourceIncident(db, source, grouping)),
    sourceIncidentCounts: () => run(() => countSourceIncidents(db)),
  };
}

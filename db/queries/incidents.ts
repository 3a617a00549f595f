/** Incidents in production. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface IncidentInsert {
  source: string;
  extId: string;
  serviceId: number;
  openedAt: number;
  resolvedAt: number | null;
  severity: string | null;
  deploymentRef: string | null;
  rootCauseSha: string | null;
  changeRequest: string | null;
  title: string | null;
  url: string | null;
}

export function upsertIncident(db: Db, i: IncidentInsert): void {
  prepared(
    db,
    `INSERT INTO incidents (source, ext_id, service_id, opened_at, resolved_at, severity, deployment_ref, root_cause_sha, change_request, title, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(source, ext_id) DO UPDATE SET service_id = excluded.service_id, opened_at = excluded.opened_at,
      resolved_at = excluded.resolved_at, severity = excluded.severity, deployment_ref = excluded.deployment_ref,
      root_cause_sha = excluded.root_cause_sha, change_request = excluded.change_request, title = excluded.title, url = excluded.url`,
  ).run(
    i.source,
    i.extId,
    i.serviceId,
    i.openedAt,
    i.resolvedAt,
    i.severity,
    i.deploymentRef,
    i.rootCauseSha,
    i.changeRequest,
    i.title,
    i.url,
  );
}

export interface IncidentListRow {
  service: string;
  id: string;
  source: string;
  openedAt: number;
  resolvedAt: number | null;
  severity: string | null;
  deploymentId: string | null;
  rootCauseSha: string | null;
  title: string | null;
  url: string | null;
}

/** Incidents of the services opened or resolved in [from, to), or open across it; newest first. */
export function listIncidents(db: Db, serviceIds: number[], from: number, to: number, limit: number): IncidentListRow[] {
  return prepared<[{ ids: string; from: number; to: number; limit: number }], IncidentListRow>(
    db,
    `
    SELECT s.name AS service, i.ext_id AS id, i.source, i.opened_at AS openedAt, i.resolved_at AS resolvedAt, i.severity,
      i.deployment_ref AS deploymentId, i.root_cause_sha AS rootCauseSha, i.title, i.url
    FROM incidents i JOIN services s ON s.id = i.service_id
    WHERE i.service_id IN (SELECT value FROM json_each(@ids)) AND i.opened_at < @to AND (i.resolved_at IS NULL OR i.resolved_at >= @from)
    ORDER BY i.opened_at DESC, i.id DESC LIMIT @limit`,
  ).all({ ids: JSON.stringify(serviceIds), from, to, limit });
}

/** Takes an incident out of the figures (its source withdrew it: collectors/incidents); the service it was counted for, or null when there was none. */
export function deleteIncident(db: Db, source: string, extId: string): number | null {
  const row = prepared<[string, string], { serviceId: number }>(
    db,
    'DELETE FROM incidents WHERE source = ? AND ext_id = ? RETURNING service_id AS serviceId',
  ).get(source, extId);
  return row?.serviceId ?? null;
}

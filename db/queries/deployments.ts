/** Deployments and what each successful production deployment shipped. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface DeploymentRow {
  id: number;
  source: string;
  extId: string;
  serviceId: number;
  environment: string;
  isProduction: number;
  declaredProduction: number | null;
  status: string;
  sha: string | null;
  commits: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  rework: number;
  changeRequest: string | null;
  url: string | null;
}

const columns = `id, source, ext_id AS extId, service_id AS serviceId, environment, is_production AS isProduction,
  declared_production AS declaredProduction, status, sha, commits, started_at AS startedAt, finished_at AS finishedAt, rework, change_request AS changeRequest, url`;

export function getDeploymentByKey(db: Db, source: string, extId: string): DeploymentRow | undefined {
  return prepared<[string, string], DeploymentRow>(db, `SELECT ${columns} FROM deployments WHERE source = ? AND ext_id = ?`).get(
    source,
    extId,
  );
}

export type DeploymentInsert = Omit<DeploymentRow, 'id'>;

export function upsertDeployment(db: Db, d: DeploymentInsert): void {
  prepared(
    db,
    `INSERT INTO deployments (source, ext_id, service_id, environment, is_production, declared_production, status, sha, commits, started_at, finished_at, rework, change_request, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(source, ext_id) DO UPDATE SET service_id = excluded.service_id, environment = excluded.environment,
      is_production = excluded.is_production, declared_production = excluded.declared_production, status = excluded.status, sha = excluded.sha, commits = excluded.commits,
      started_at = excluded.started_at, finished_at = excluded.finished_at, rework = excluded.rework, change_request = excluded.change_request, url = excluded.url`,
  ).run(
    d.source,
    d.extId,
    d.serviceId,
    d.environment,
    d.isProduction,
    d.declaredProduction,
    d.status,
    d.sha,
    d.commits,
    d.startedAt,
    d.finishedAt,
    d.rework,
    d.changeRequest,
    d.url,
  );
}

/**
 * Successful production deployments of a service from a point in time on, in shipping order:
 * by finish, and at the same instant by the event's source and id (never by arrival), so what
 * each shipped does not depend on the order the events came in.
 */
export function listProductionDeploymentsFrom(
  db: Db,
  serviceId: number,
  from: number,
): Pick<DeploymentRow, 'id' | 'sha' | 'commits' | 'finishedAt'>[] {
  return prepared<[number, number], Pick<DeploymentRow, 'id' | 'sha' | 'commits' | 'finishedAt'>>(
    db,
    `SELECT id, sha, commits, finished_at AS finishedAt
    FROM deployments WHERE service_id = ? AND is_production = 1 AND status = 'success' AND finished_at >= ?
    ORDER BY finished_at, source, ext_id`,
  ).all(serviceId, from);
}

/** Forgets what deployments from a point in time on shipped, before they are linked again. */
export function deleteShippedFrom(db: Db, serviceId: number, from: number): void {
  // The conditions of the partial index deployments_prod, so this reads only the deployments it re-links.
  prepared(
    db,
    `DELETE FROM deployment_changes WHERE service_id = ? AND deployment_id IN (
    SELECT id FROM deployments WHERE service_id = ? AND is_production = 1 AND status = 'success' AND finished_at >= ?)`,
  ).run(serviceId, serviceId, from);
}

/** Also forgets links of deployments that no longer count (a status or environment changed). */
export function deleteShippedBy(db: Db, deploymentId: number): void {
  prepared(db, 'DELETE FROM deployment_changes WHERE deployment_id = ?').run(deploymentId);
}

/** Links a sha to a deployment unless one shipped it already; true when it was linked now. */
export function insertShipped(db: Db, serviceId: number, sha: string, deploymentId: number): boolean {
  return (
    prepared(db, 'INSERT OR IGNORE INTO deployment_changes (service_id, sha, deployment_id) VALUES (?, ?, ?)').run(
      serviceId,
      sha,
      deploymentId,
    ).changes > 0
  );
}

/**
 * Links the listed commits that no deployment shipped yet to a deployment, in one statement
 * (a sha already shipped keeps its deployment). `commits` is the JSON array stored with it.
 */
export function insertShippedListed(db: Db, serviceId: number, commits: string, deploymentId: number): void {
  prepared(
    db,
    `INSERT OR IGNORE INTO deployment_changes (service_id, sha, deployment_id)
    SELECT @serviceId, value, @deploymentId FROM json_each(@commits)`,
  ).run({ serviceId, commits, deploymentId });
}

/** The earliest finish of the deployments that shipped any of `shas` (a JSON array), if any did. */
export function getEarliestShippedAt(db: Db, serviceId: number, shas: string): number | null {
  return prepared<[{ serviceId: number; shas: string }], { at: number | null }>(
    db,
    `SELECT min(d.finished_at) AS at
    FROM json_each(@shas) j CROSS JOIN deployment_changes dc ON dc.service_id = @serviceId AND dc.sha = j.value
    JOIN deployments d ON d.id = dc.deployment_id`,
  ).get({ serviceId, shas })!.at;
}

/** When the deployment that shipped a sha finished, if one did. */
export function getShippedAt(db: Db, serviceId: number, sha: string): number | undefined {
  return prepared<[number, string], { finishedAt: number }>(
    db,
    `SELECT d.finished_at AS finishedAt FROM deployment_changes dc
    JOIN deployments d ON d.id = dc.deployment_id WHERE dc.service_id = ? AND dc.sha = ?`,
  ).get(serviceId, sha)?.finishedAt;
}

export interface DeploymentListRow {
  rowId: number;
  service: string;
  id: string;
  source: string;
  environment: string;
  production: number;
  status: string;
  sha: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  rework: number;
  url: string | null;
  changes: number;
  /** The change request it carried out, and what its tool says of it (change_requests, migration 014), else nulls. */
  changeRequest: string | null;
  changeRequestedAt: number | null;
  approval: string | null;
  approvalSetAt: number | null;
  workStartedAt: number | null;
  workEndedAt: number | null;
}

/** Every deployment (any environment or status) of the services that finished, or started, in [from, to); newest first. */
export function listDeployments(db: Db, serviceIds: number[], from: number, to: number, limit: number): DeploymentListRow[] {
  return prepared<[{ ids: string; from: number; to: number; limit: number }], DeploymentListRow>(
    db,
    `
    SELECT d.id AS rowId, s.name AS service, d.ext_id AS id, d.source, d.environment, d.is_production AS production, d.status, d.sha,
      d.started_at AS startedAt, d.finished_at AS finishedAt, d.rework, d.url,
      (SELECT count(*) FROM deployment_changes dc WHERE dc.deployment_id = d.id) AS changes,
      d.change_request AS changeRequest, cr.requested_at AS changeRequestedAt, cr.approval, cr.approval_set_at AS approvalSetAt,
      cr.work_started_at AS workStartedAt, cr.work_ended_at AS workEndedAt
    FROM deployments d JOIN services s ON s.id = d.service_id
      LEFT JOIN change_requests cr ON cr.number = d.change_request
    WHERE d.service_id IN (SELECT value FROM json_each(@ids))
      AND coalesce(d.finished_at, d.started_at) >= @from AND coalesce(d.finished_at, d.started_at) < @to
    ORDER BY coalesce(d.finished_at, d.started_at) DESC, d.id DESC LIMIT @limit`,
  ).all({ ids: JSON.stringify(serviceIds), from, to, limit });
}

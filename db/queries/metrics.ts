/**
 * The rows the metrics engine needs for a set of services and a window, and nothing more.
 * Service ids are passed as a JSON array so each statement is prepared once.
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';

interface Params {
  ids: string;
  from: number;
  to: number;
}

const params = (serviceIds: number[], from: number, to: number): Params => ({ ids: JSON.stringify(serviceIds), from, to });

/**
 * The deployment the change failure rule links incident `i` to (DESIGN.md, "The metrics", 3.):
 * the deployment it names, else the first successful production deployment of its service that
 * carried its change request, else the one that shipped its root-cause sha, else the latest
 * successful production deployment of its service that finished before it opened.
 */
const linkedDeployment = `coalesce(
        (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND d.ext_id = i.deployment_ref ORDER BY d.source LIMIT 1),
        (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND d.change_request = i.change_request
           AND d.is_production = 1 AND d.status = 'success' ORDER BY d.finished_at, d.source, d.ext_id LIMIT 1),
        (SELECT dc.deployment_id FROM deployment_changes dc WHERE dc.service_id = i.service_id AND dc.sha = i.root_cause_sha),
        (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND d.is_production = 1 AND d.status = 'success'
           AND d.finished_at < i.opened_at ORDER BY d.finished_at DESC, d.source DESC, d.ext_id DESC LIMIT 1)
      )`;

/**
 * Successful production deployments that finished in [from, to), each with whether an incident
 * is linked to it ({@link linkedDeployment}) and whether it was made while an incident was open.
 * Deployments finishing at the same instant are ordered by their event's source and id, never
 * by arrival, so the figures do not depend on the order events came in.
 */
export function listDeploymentFacts(db: Db, serviceIds: number[], from: number, to: number) {
  return prepared<[Params], { id: number; serviceId: number; finishedAt: number; rework: number; failed: number; unplanned: number }>(
    db,
    `
    WITH linked AS (
      SELECT ${linkedDeployment} AS deployment_id
      FROM incidents i
      WHERE i.service_id IN (SELECT value FROM json_each(@ids))
        AND (i.opened_at >= @from OR i.deployment_ref IS NOT NULL OR i.change_request IS NOT NULL OR i.root_cause_sha IS NOT NULL)
    )
    SELECT d.id, d.service_id AS serviceId, d.finished_at AS finishedAt, d.rework,
      -- IN over the CTE is evaluated once (with an index); a correlated EXISTS re-ran it per deployment.
      d.id IN (SELECT l.deployment_id FROM linked l WHERE l.deployment_id IS NOT NULL) AS failed,
      EXISTS (SELECT 1 FROM incidents i WHERE i.service_id = d.service_id AND i.opened_at < d.finished_at
        AND (i.resolved_at IS NULL OR i.resolved_at >= d.finished_at)) AS unplanned
    FROM deployments d
    WHERE d.service_id IN (SELECT value FROM json_each(@ids)) AND d.is_production = 1 AND d.status = 'success'
      AND d.finished_at >= @from AND d.finished_at < @to
    ORDER BY d.finished_at, d.id`,
  ).all(params(serviceIds, from, to));
}

/**
 * Where a change's lead time starts (DESIGN.md, "The metrics", 2.): its commit time, or, where
 * the connection reads `leadTimeFrom: author`, its author time when it has one (a rebase or a
 * cherry-pick resets the commit time, not the author time); a squash commit's, its pull request's
 * first commit (the squash is made at the merge). `@author` is 1 or 0. Every read of lead time
 * (the facts of both paths, the changes list and its order) takes it from here.
 */
export const leadTimeFromOf = (
  c: string,
) => `coalesce(CASE WHEN ${c}.squashed = 1 THEN (SELECT sp.first_commit_at FROM pull_requests sp WHERE sp.id = ${c}.pull_request_id) END,
  CASE WHEN @author = 1 THEN coalesce(${c}.authored_at, ${c}.committed_at) ELSE ${c}.committed_at END)`;
export const LEAD_TIME_FROM = leadTimeFromOf('c');
/** Which time {@link LEAD_TIME_FROM} took: `pullRequest` (a squash commit's pull request's first commit), `author` or `commit`. */
export const LEAD_TIME_BASIS = `CASE WHEN c.squashed = 1 AND (SELECT sp.first_commit_at FROM pull_requests sp WHERE sp.id = c.pull_request_id) IS NOT NULL THEN 'pullRequest'
  WHEN @author = 1 AND c.authored_at IS NOT NULL THEN 'author' ELSE 'commit' END`;
export const readsAuthorTime = (db: Db): number => (db.leadTimeFrom === 'author' ? 1 : 0);

/** Every change first shipped by a deployment that finished in [from, to); `committedAt` is where its lead time starts ({@link LEAD_TIME_FROM}). */
export function listLeadTimeFacts(db: Db, serviceIds: number[], from: number, to: number) {
  return prepared<
    [Params & { author: number }],
    { serviceId: number; committedAt: number; deployedAt: number; changeId: number; deploymentId: number }
  >(
    db,
    `
    SELECT d.service_id AS serviceId, ${LEAD_TIME_FROM} AS committedAt, d.finished_at AS deployedAt, c.id AS changeId, d.id AS deploymentId
    FROM deployments d
    JOIN deployment_changes dc ON dc.deployment_id = d.id
    JOIN changes c ON c.service_id = dc.service_id AND c.sha = dc.sha
    WHERE d.service_id IN (SELECT value FROM json_each(@ids)) AND d.is_production = 1 AND d.status = 'success'
      AND d.finished_at >= @from AND d.finished_at < @to`,
  ).all({ ...params(serviceIds, from, to), author: readsAuthorTime(db) });
}

/**
 * Incidents resolved in [from, to); `explicit` when the incident is linked to a successful
 * production deployment by its deployment id, by a change request one carried or by a
 * root-cause sha one shipped (failed deployment recovery time counts only those).
 */
export function listRestoredFacts(db: Db, serviceIds: number[], from: number, to: number) {
  return prepared<[Params], { serviceId: number; openedAt: number; resolvedAt: number; explicit: number }>(
    db,
    `
    SELECT i.service_id AS serviceId, i.opened_at AS openedAt, i.resolved_at AS resolvedAt,
      (EXISTS (SELECT 1 FROM deployments d WHERE d.service_id = i.service_id AND d.ext_id = i.deployment_ref
          AND d.is_production = 1 AND d.status = 'success')
        OR EXISTS (SELECT 1 FROM deployments d WHERE d.service_id = i.service_id AND d.change_request = i.change_request
          AND d.is_production = 1 AND d.status = 'success')
        OR EXISTS (SELECT 1 FROM deployment_changes dc WHERE dc.service_id = i.service_id AND dc.sha = i.root_cause_sha)) AS explicit
    FROM incidents i
    WHERE i.service_id IN (SELECT value FROM json_each(@ids)) AND i.resolved_at >= @from AND i.resolved_at < @to`,
  ).all(params(serviceIds, from, to));
}

/**
 * What each service's own data says of its evidence (DESIGN.md, "Evidence"): `incidentsFrom`,
 * for its first incident by opening, the finish of the successful production deployment the
 * change failure rule links it to, or its opening where it is linked to none; `reworkFrom`, the
 * finish of its first successful production deployment marked as rework. Null when there is none.
 * With the id of its first successful production deployment (the baseline leaves its changes out).
 */
export function listEvidenceFacts(db: Db, serviceIds: number[]) {
  return prepared<
    [{ ids: string }],
    { serviceId: number; incidentsFrom: number | null; reworkFrom: number | null; firstDeploymentId: number | null }
  >(
    db,
    `
    WITH ids AS (SELECT value AS id FROM json_each(@ids)),
    firsts AS (
      SELECT i.service_id, i.opened_at, ${linkedDeployment} AS deployment_id
      FROM ids JOIN incidents i ON i.service_id = ids.id
      WHERE i.opened_at = (SELECT min(j.opened_at) FROM incidents j WHERE j.service_id = ids.id)
    )
    SELECT ids.id AS serviceId,
      (SELECT min(CASE WHEN d.is_production = 1 AND d.status = 'success' THEN d.finished_at ELSE f.opened_at END)
         FROM firsts f LEFT JOIN deployments d ON d.id = f.deployment_id WHERE f.service_id = ids.id) AS incidentsFrom,
      (SELECT min(d.finished_at) FROM deployments d WHERE d.service_id = ids.id AND d.is_production = 1 AND d.status = 'success'
         AND d.rework = 1) AS reworkFrom,
      (SELECT d.id FROM deployments d WHERE d.service_id = ids.id AND d.is_production = 1 AND d.status = 'success'
         ORDER BY d.finished_at, d.id LIMIT 1) AS firstDeploymentId
    FROM ids`,
  ).all({ ids: JSON.stringify(serviceIds) });
}

/** Merged pull requests whose merge commit reached production in [from, to), with their stage times. */
export function listPullRequestFacts(db: Db, serviceIds: number[], from: number, to: number) {
  // Starts from the window's deployments and what they shipped: a pull request's head is its
  // merge commit or, when the source named none, its latest commit.
  return prepared<
    [Params],
    {
      serviceId: number;
      deployedAt: number;
      planStartedAt: number | null;
      firstCommitAt: number | null;
      mergedAt: number;
      checkedAt: number | null;
      hasCi: number;
    }
  >(
    db,
    `
    WITH shipped AS (
      SELECT dc.service_id, dc.sha, d.finished_at FROM deployments d JOIN deployment_changes dc ON dc.deployment_id = d.id
      WHERE d.service_id IN (SELECT value FROM json_each(@ids)) AND d.is_production = 1 AND d.status = 'success'
        AND d.finished_at >= @from AND d.finished_at < @to
    ),
    heads AS (
      SELECT p.id, s.sha AS head, s.finished_at FROM shipped s JOIN pull_requests p ON p.service_id = s.service_id AND p.merge_sha = s.sha
      UNION ALL
      SELECT p.id, s.sha, s.finished_at FROM shipped s JOIN changes c ON c.service_id = s.service_id AND c.sha = s.sha
        JOIN pull_requests p ON p.id = c.pull_request_id
      WHERE p.merge_sha IS NULL AND c.sha = (SELECT c2.sha FROM changes c2 WHERE c2.pull_request_id = p.id ORDER BY c2.committed_at DESC LIMIT 1)
    )
    SELECT p.service_id AS serviceId, h.finished_at AS deployedAt, p.plan_started_at AS planStartedAt,
      coalesce(p.first_commit_at, (SELECT min(c.committed_at) FROM changes c WHERE c.pull_request_id = p.id)) AS firstCommitAt,
      p.merged_at AS mergedAt,
      (SELECT min(r.finished_at) FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = h.head AND r.status = 'success') AS checkedAt,
      EXISTS (SELECT 1 FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = h.head) AS hasCi
    FROM heads h JOIN pull_requests p ON p.id = h.id
    WHERE p.merged_at IS NOT NULL`,
  ).all(params(serviceIds, from, to));
}

/** When the scope's first successful production deployment finished: the start of its data. */
export function getFirstDeploymentAt(db: Db, serviceIds: number[]): number | null {
  return (
    prepared<[{ ids: string }], { t: number | null }>(
      db,
      `
    SELECT min(finished_at) AS t FROM deployments WHERE service_id IN (SELECT value FROM json_each(@ids))
      AND is_production = 1 AND status = 'success'`,
    ).get({ ids: JSON.stringify(serviceIds) })?.t ?? null
  );
}

/** When the scope's data last moved: its last successful production deployment or incident resolution. */
export function getLastDataAt(db: Db, serviceIds: number[]): number | null {
  return (
    prepared<[{ ids: string }], { t: number | null }>(
      db,
      `
    SELECT nullif(max(
      coalesce((SELECT max(finished_at) FROM deployments WHERE service_id IN (SELECT value FROM json_each(@ids)) AND is_production = 1 AND status = 'success'), -1),
      coalesce((SELECT max(resolved_at) FROM incidents WHERE service_id IN (SELECT value FROM json_each(@ids))), -1)
    ), -1) AS t`,
    ).get({ ids: JSON.stringify(serviceIds) })?.t ?? null
  );
}

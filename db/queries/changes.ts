/** Changes (commits), their parents and the pull requests that merged them. */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import { LEAD_TIME_BASIS, LEAD_TIME_FROM, leadTimeFromOf, readsAuthorTime } from './metrics';

export interface ChangeInsert {
  serviceId: number;
  sha: string;
  committedAt: number;
  authoredAt: number | null;
  pullRequestId: number | null;
  url: string | null;
  /** 1 when the change is its pull request's squash commit; null where no source said. */
  squashed: number | null;
}

export function upsertChange(db: Db, c: ChangeInsert): void {
  prepared(
    db,
    `INSERT INTO changes (service_id, sha, committed_at, authored_at, pull_request_id, url, squashed)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(service_id, sha) DO UPDATE SET committed_at = excluded.committed_at,
      authored_at = coalesce(excluded.authored_at, authored_at),
      pull_request_id = coalesce(excluded.pull_request_id, pull_request_id),
      url = coalesce(excluded.url, url), squashed = coalesce(excluded.squashed, squashed)`,
  ).run(c.serviceId, c.sha, c.committedAt, c.authoredAt, c.pullRequestId, c.url, c.squashed);
}

export function insertParent(db: Db, serviceId: number, sha: string, parent: string): void {
  prepared(db, 'INSERT OR IGNORE INTO change_parents (service_id, sha, parent_sha) VALUES (?, ?, ?)').run(serviceId, sha, parent);
}

export function listParents(db: Db, serviceId: number, sha: string): string[] {
  return prepared<[number, string], string>(db, 'SELECT parent_sha FROM change_parents WHERE service_id = ? AND sha = ?')
    .pluck()
    .all(serviceId, sha);
}

export interface PullRequestInsert {
  serviceId: number;
  number: number;
  openedAt: number | null;
  mergedAt: number | null;
  mergeSha: string | null;
  firstCommitAt: number | null;
  planStartedAt: number | null;
  url: string | null;
}

/** Creates or completes a pull request; a field a source leaves out keeps what another said. */
export function upsertPullRequest(db: Db, p: PullRequestInsert): number {
  // Positional parameters: binding them costs less than looking each name up on an object.
  return prepared<unknown[], { id: number }>(
    db,
    `INSERT INTO pull_requests (service_id, number, opened_at, merged_at, merge_sha, first_commit_at, plan_started_at, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(service_id, number) DO UPDATE SET opened_at = coalesce(excluded.opened_at, opened_at),
      merged_at = coalesce(excluded.merged_at, merged_at), merge_sha = coalesce(excluded.merge_sha, merge_sha),
      first_commit_at = coalesce(excluded.first_commit_at, first_commit_at),
      plan_started_at = coalesce(excluded.plan_started_at, plan_started_at), url = coalesce(excluded.url, url)
    RETURNING id`,
  ).get(p.serviceId, p.number, p.openedAt, p.mergedAt, p.mergeSha, p.firstCommitAt, p.planStartedAt, p.url)!.id;
}

export type ChangeSort = 'slowest' | 'fastest' | 'newest' | 'oldest';
const orderBy: Record<ChangeSort, string> = {
  slowest: `(d.finished_at - ${LEAD_TIME_FROM}) DESC, c.id`,
  fastest: `(d.finished_at - ${LEAD_TIME_FROM}) ASC, c.id`,
  newest: 'd.finished_at DESC, c.id',
  oldest: 'd.finished_at ASC, c.id',
};

export interface ChangeListRow {
  service: string;
  sha: string;
  committedAt: number;
  /** Which time `committedAt` is: the commit's, its author's (`leadTimeFrom: author`) or its pull request's first commit (a squash). */
  leadTimeFrom: 'commit' | 'author' | 'pullRequest';
  deployedAt: number;
  url: string | null;
  deploymentId: string;
  deploymentUrl: string | null;
  prNumber: number | null;
  prUrl: string | null;
  planStartedAt: number | null;
  firstCommitAt: number | null;
  mergedAt: number | null;
  checkedAt: number | null;
  hasCi: number;
  /** The change request the deployment carried out, and what its tool told of it (change_requests; nulls where it told nothing). */
  changeRequest: string | null;
  changeRequestKnown: number;
  changeRequestedAt: number | null;
  approval: string | null;
  approvalSetAt: number | null;
}

/** `committedAt` is where the change's lead time starts (./metrics.ts, LEAD_TIME_FROM): the commit time unless `leadTimeFrom: author`; `leadTimeFrom` says which. */
const changeColumns = `s.name AS service, c.sha, ${LEAD_TIME_FROM} AS committedAt, ${LEAD_TIME_BASIS} AS leadTimeFrom, d.finished_at AS deployedAt, c.url,
      d.ext_id AS deploymentId, d.url AS deploymentUrl, p.number AS prNumber, p.url AS prUrl,
      p.plan_started_at AS planStartedAt,
      coalesce(p.first_commit_at, (SELECT min(c2.committed_at) FROM changes c2 WHERE c2.pull_request_id = p.id)) AS firstCommitAt,
      p.merged_at AS mergedAt,
      (SELECT min(r.finished_at) FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = coalesce(p.merge_sha, c.sha) AND r.status = 'success') AS checkedAt,
      EXISTS (SELECT 1 FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = coalesce(p.merge_sha, c.sha)) AS hasCi,
      d.change_request AS changeRequest, cr.number IS NOT NULL AS changeRequestKnown, cr.requested_at AS changeRequestedAt,
      cr.approval, cr.approval_set_at AS approvalSetAt`;

/** Changes first shipped in [from, to), with their deployment and pull request. */
export function listChanges(db: Db, serviceIds: number[], from: number, to: number, sort: ChangeSort, limit: number): ChangeListRow[] {
  return prepared<[{ ids: string; from: number; to: number; limit: number; author: number }], ChangeListRow>(
    db,
    `
    SELECT ${changeColumns}
    FROM deployments d
    JOIN deployment_changes dc ON dc.deployment_id = d.id
    JOIN changes c ON c.service_id = dc.service_id AND c.sha = dc.sha
    JOIN services s ON s.id = c.service_id
    LEFT JOIN pull_requests p ON p.id = c.pull_request_id
    LEFT JOIN change_requests cr ON cr.number = d.change_request
    WHERE d.service_id IN (SELECT value FROM json_each(@ids)) AND d.is_production = 1 AND d.status = 'success'
      AND d.finished_at >= @from AND d.finished_at < @to
    ORDER BY ${orderBy[sort]} LIMIT @limit`,
  ).all({ ids: JSON.stringify(serviceIds), from, to, limit, author: readsAuthorTime(db) });
}

/** The same rows as {@link listChanges} for given (change id, deployment id) pairs, in the order given. */
export function listChangesByIds(db: Db, pairs: [changeId: number, deploymentId: number][]): ChangeListRow[] {
  if (pairs.length === 0) return [];
  return prepared<[{ pairs: string; author: number }], ChangeListRow>(
    db,
    `
    SELECT ${changeColumns}
    FROM json_each(@pairs) j
    JOIN changes c ON c.id = j.value ->> 0
    JOIN deployments d ON d.id = j.value ->> 1
    JOIN services s ON s.id = c.service_id
    LEFT JOIN pull_requests p ON p.id = c.pull_request_id
    LEFT JOIN change_requests cr ON cr.number = d.change_request
    ORDER BY j.key`,
  ).all({ pairs: JSON.stringify(pairs), author: readsAuthorTime(db) });
}

/** What grouping changes by pull request needs of each (change id, deployment id) pair: its pull request, its first commit's time, when it shipped. */
export interface ChangePullRequestRow {
  pullRequestId: number | null;
  changeId: number;
  deploymentId: number;
  start: number;
  /** Which time `start` is: this commit's (`commit` or `author`, as the setting reads it) or its pull request's first commit. */
  startFrom: 'commit' | 'author' | 'pullRequest';
  deployedAt: number;
  committedAt: number;
}

/**
 * For given (change id, deployment id) pairs: each change's pull request, its start (the pull
 * request's first commit as its source gave it or its earliest commit, else the commit itself),
 * and when the deployment finished. Without the list's other columns, so a window's every change is cheap.
 */
export function listChangePullRequests(db: Db, pairs: [changeId: number, deploymentId: number][]): ChangePullRequestRow[] {
  if (pairs.length === 0) return [];
  // Each commit's start as the setting reads it (LEAD_TIME_FROM), and its pull request's first commit read the same way.
  return prepared<[{ pairs: string; author: number }], ChangePullRequestRow>(
    db,
    `
    SELECT pullRequestId, changeId, deploymentId, deployedAt, committedAt, min(own, first) AS start,
      CASE WHEN own <= first THEN basis ELSE 'pullRequest' END AS startFrom
    FROM (
      SELECT c.pull_request_id AS pullRequestId, c.id AS changeId, d.id AS deploymentId, d.finished_at AS deployedAt, c.committed_at AS committedAt,
        ${LEAD_TIME_FROM} AS own, ${LEAD_TIME_BASIS} AS basis,
        coalesce(p.first_commit_at, (SELECT min(${leadTimeFromOf('c2')}) FROM changes c2 WHERE c2.pull_request_id = p.id), ${LEAD_TIME_FROM}) AS first,
        j.key AS k
      FROM json_each(@pairs) j
      JOIN changes c ON c.id = j.value ->> 0
      JOIN deployments d ON d.id = j.value ->> 1
      LEFT JOIN pull_requests p ON p.id = c.pull_request_id)
    ORDER BY k`,
  ).all({ pairs: JSON.stringify(pairs), author: readsAuthorTime(db) });
}

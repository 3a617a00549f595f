/** CI runs: pipelines, workflows and test suites. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface CiRunInsert {
  source: string;
  extId: string;
  serviceId: number;
  name: string;
  status: string;
  sha: string | null;
  branch: string | null;
  startedAt: number;
  finishedAt: number;
  testsPassed: number | null;
  testsFailed: number | null;
  testsSkipped: number | null;
  url: string | null;
}

export function upsertCiRun(db: Db, r: CiRunInsert): void {
  prepared(
    db,
    `INSERT INTO ci_runs (source, ext_id, service_id, name, status, sha, branch, started_at, finished_at, tests_passed, tests_failed, tests_skipped, url)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(source, ext_id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name, status = excluded.status,
      sha = excluded.sha, branch = excluded.branch, started_at = excluded.started_at, finished_at = excluded.finished_at,
      tests_passed = excluded.tests_passed, tests_failed = excluded.tests_failed, tests_skipped = excluded.tests_skipped, url = excluded.url`,
  ).run(
    r.source,
    r.extId,
    r.serviceId,
    r.name,
    r.status,
    r.sha,
    r.branch,
    r.startedAt,
    r.finishedAt,
    r.testsPassed,
    r.testsFailed,
    r.testsSkipped,
    r.url,
  );
}

export interface CiRunListRow {
  service: string;
  id: string;
  source: string;
  name: string;
  status: string;
  sha: string | null;
  branch: string | null;
  startedAt: number;
  finishedAt: number;
  testsPassed: number | null;
  testsFailed: number | null;
  testsSkipped: number | null;
  url: string | null;
}

/** CI runs of the services that finished in [from, to); newest first. */
export function listCiRuns(db: Db, serviceIds: number[], from: number, to: number, limit: number): CiRunListRow[] {
  return prepared<[{ ids: string; from: number; to: number; limit: number }], CiRunListRow>(
    db,
    `
    SELECT s.name AS service, r.ext_id AS id, r.source, r.name, r.status, r.sha, r.branch, r.started_at AS startedAt,
      r.finished_at AS finishedAt, r.tests_passed AS testsPassed, r.tests_failed AS testsFailed, r.tests_skipped AS testsSkipped, r.url
    FROM ci_runs r JOIN services s ON s.id = r.service_id
    WHERE r.service_id IN (SELECT value FROM json_each(@ids)) AND r.finished_at >= @from AND r.finished_at < @to
    ORDER BY r.finished_at DESC, r.id DESC LIMIT @limit`,
  ).all({ ids: JSON.stringify(serviceIds), from, to, limit });
}

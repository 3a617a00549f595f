/**
 * The read services' reads on PostgreSQL: the statements of db/queries/metrics.ts, changes.ts,
 * deployments.ts, incidents.ts, ci-runs.ts and raw-events.ts in PostgreSQL's dialect, returning
 * the same rows: flags as 0 or 1 (the read services compare them with 1), names ordered by their
 * bytes (COLLATE "C", as SQLite orders them), service ids as an array parameter.
 */
import type pg from 'pg';
import type {
  ChangeListRow,
  ChangePullRequestRow,
  CiRunListRow,
  DeploymentFactRow,
  DeploymentListRow,
  EvidenceFactRow,
  IncidentListRow,
  LeadTimeFactRow,
  OrganisationRows,
  PullRequestFactRow,
  RawEventRow,
  RestoredFactRow,
  StoreReads,
} from '../reads';
import type { ServicesListener } from '../change-feed';
import { one, q, types } from './sql';
import { fromDatabase } from '../unavailable';

/** What the reads need of the store besides the pool: its change feed and its version counter. */
export interface ReadsContext {
  listeners: Set<ServicesListener>;
  version: () => number;
  leadTimeFrom: 'commit' | 'author';
}

const PROD = `d.is_production AND d.status = 'success'`;

/**
 * The deployment the change failure rule links incident `i` to (db/queries/metrics.ts,
 * linkedDeployment): the one it names, else the first that carried its change request, else the
 * one that shipped its root-cause sha, else the latest before it opened.
 */
const linkedDeployment = `coalesce(
  (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND d.ext_id = i.deployment_ref ORDER BY d.source COLLATE "C" LIMIT 1),
  (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND d.change_request = i.change_request AND ${PROD}
     ORDER BY d.finished_at, d.source COLLATE "C", d.ext_id COLLATE "C" LIMIT 1),
  (SELECT dc.deployment_id FROM deployment_changes dc WHERE dc.service_id = i.service_id AND dc.sha = i.root_cause_sha),
  (SELECT d.id FROM deployments d WHERE d.service_id = i.service_id AND ${PROD} AND d.finished_at < i.opened_at
     ORDER BY d.finished_at DESC, d.source COLLATE "C" DESC, d.ext_id COLLATE "C" DESC LIMIT 1)
)`;

/** Where a change's lead time starts (db/queries/metrics.ts, LEAD_TIME_FROM), for a store reading commit or author time. */
const leadTimeFrom = (author: boolean, c = 'c') => `coalesce(
  CASE WHEN ${c}.squashed THEN (SELECT sp.first_commit_at FROM pull_requests sp WHERE sp.id = ${c}.pull_request_id) END,
  ${author ? `coalesce(${c}.authored_at, ${c}.committed_at)` : `${c}.committed_at`})`;

/** Which time {@link leadTimeFrom} took (db/queries/metrics.ts, LEAD_TIME_BASIS): `pullRequest`, `author` or `commit`. */
const leadTimeBasis = (author: boolean) => `CASE
  WHEN c.squashed AND (SELECT sp.first_commit_at FROM pull_requests sp WHERE sp.id = c.pull_request_id) IS NOT NULL THEN 'pullRequest'
  ${author ? `WHEN c.authored_at IS NOT NULL THEN 'author' ` : ''}ELSE 'commit' END`;

export function postgresReads(pool: pg.Pool, ctx: ReadsContext): StoreReads {
  const author = ctx.leadTimeFrom === 'author';
  const LEAD = leadTimeFrom(author);
  const BASIS = leadTimeBasis(author);
  const changeColumns = `s.name AS service, c.sha, ${LEAD} AS "committedAt", ${BASIS} AS "leadTimeFrom", d.finished_at AS "deployedAt", c.url,
      d.ext_id AS "deploymentId", d.url AS "deploymentUrl", p.number AS "prNumber", p.url AS "prUrl",
      p.plan_started_at AS "planStartedAt",
      coalesce(p.first_commit_at, (SELECT min(c2.committed_at) FROM changes c2 WHERE c2.pull_request_id = p.id)) AS "firstCommitAt",
      p.merged_at AS "mergedAt",
      (SELECT min(r.finished_at) FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = coalesce(p.merge_sha, c.sha) AND r.status = 'success') AS "checkedAt",
      (EXISTS (SELECT 1 FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = coalesce(p.merge_sha, c.sha)))::int AS "hasCi",
      d.change_request AS "changeRequest", (cr.number IS NOT NULL)::int AS "changeRequestKnown", cr.requested_at AS "changeRequestedAt",
      cr.approval, cr.approval_set_at AS "approvalSetAt"`;

  const deploymentFacts = (ids: number[], from: number, to: number) =>
    q<DeploymentFactRow>(
      pool,
      `WITH linked AS (
        SELECT ${linkedDeployment} AS deployment_id FROM incidents i
        WHERE i.service_id = ANY($1::bigint[])
          AND (i.opened_at >= $2 OR i.deployment_ref IS NOT NULL OR i.change_request IS NOT NULL OR i.root_cause_sha IS NOT NULL)
      )
      SELECT d.id, d.service_id AS "serviceId", d.finished_at AS "finishedAt", d.rework::int AS rework,
        (d.id IN (SELECT l.deployment_id FROM linked l WHERE l.deployment_id IS NOT NULL))::int AS failed,
        (EXISTS (SELECT 1 FROM incidents i WHERE i.service_id = d.service_id AND i.opened_at < d.finished_at
          AND (i.resolved_at IS NULL OR i.resolved_at >= d.finished_at)))::int AS unplanned
      FROM deployments d
      WHERE d.service_id = ANY($1::bigint[]) AND ${PROD} AND d.finished_at >= $2 AND d.finished_at < $3
      ORDER BY d.finished_at, d.id`,
      [ids, from, to],
    );
  const leadTimeFacts = (ids: number[], from: number, to: number) =>
    q<LeadTimeFactRow>(
      pool,
      `SELECT d.service_id AS "serviceId", ${LEAD} AS "committedAt", d.finished_at AS "deployedAt", c.id AS "changeId", d.id AS "deploymentId"
      FROM deployments d
      JOIN deployment_changes dc ON dc.deployment_id = d.id
      JOIN changes c ON c.service_id = dc.service_id AND c.sha = dc.sha
      WHERE d.service_id = ANY($1::bigint[]) AND ${PROD} AND d.finished_at >= $2 AND d.finished_at < $3
      ORDER BY d.finished_at, d.id, c.id`,
      [ids, from, to],
    );
  const restoredFacts = (ids: number[], from: number, to: number) =>
    q<RestoredFactRow>(
      pool,
      `SELECT i.service_id AS "serviceId", i.opened_at AS "openedAt", i.resolved_at AS "resolvedAt",
        (EXISTS (SELECT 1 FROM deployments d WHERE d.service_id = i.service_id AND d.ext_id = i.deployment_ref AND ${PROD})
          OR EXISTS (SELECT 1 FROM deployments d WHERE d.service_id = i.service_id AND d.change_request = i.change_request AND ${PROD})
          OR EXISTS (SELECT 1 FROM deployment_changes dc WHERE dc.service_id = i.service_id AND dc.sha = i.root_cause_sha))::int AS explicit
      FROM incidents i
      WHERE i.service_id = ANY($1::bigint[]) AND i.resolved_at >= $2 AND i.resolved_at < $3
      ORDER BY i.resolved_at, i.id`,
      [ids, from, to],
    );
  const evidenceFacts = (ids: number[]) =>
    q<EvidenceFactRow>(
      pool,
      `WITH ids AS (SELECT x.id, x.o FROM unnest($1::bigint[]) WITH ORDINALITY AS x(id, o)),
      firsts AS (
        SELECT i.service_id, i.opened_at, ${linkedDeployment} AS deployment_id
        FROM ids JOIN incidents i ON i.service_id = ids.id
        WHERE i.opened_at = (SELECT min(j.opened_at) FROM incidents j WHERE j.service_id = ids.id)
      )
      SELECT ids.id AS "serviceId",
        (SELECT min(CASE WHEN ${PROD} THEN d.finished_at ELSE f.opened_at END)
           FROM firsts f LEFT JOIN deployments d ON d.id = f.deployment_id WHERE f.service_id = ids.id) AS "incidentsFrom",
        (SELECT min(d.finished_at) FROM deployments d WHERE d.service_id = ids.id AND ${PROD} AND d.rework) AS "reworkFrom",
        (SELECT d.id FROM deployments d WHERE d.service_id = ids.id AND ${PROD} ORDER BY d.finished_at, d.id LIMIT 1) AS "firstDeploymentId"
      FROM ids ORDER BY ids.o`,
      [ids],
    );
  const pullRequestFacts = (ids: number[], from: number, to: number) =>
    q<PullRequestFactRow>(
      pool,
      `WITH shipped AS (
        SELECT dc.service_id, dc.sha, d.finished_at FROM deployments d JOIN deployment_changes dc ON dc.deployment_id = d.id
        WHERE d.service_id = ANY($1::bigint[]) AND ${PROD} AND d.finished_at >= $2 AND d.finished_at < $3
      ),
      heads AS (
        SELECT p.id, s.sha AS head, s.finished_at FROM shipped s JOIN pull_requests p ON p.service_id = s.service_id AND p.merge_sha = s.sha
        UNION ALL
        SELECT p.id, s.sha, s.finished_at FROM shipped s JOIN changes c ON c.service_id = s.service_id AND c.sha = s.sha
          JOIN pull_requests p ON p.id = c.pull_request_id
        WHERE p.merge_sha IS NULL AND c.sha = (SELECT c2.sha FROM changes c2 WHERE c2.pull_request_id = p.id ORDER BY c2.committed_at DESC LIMIT 1)
      )
      SELECT p.service_id AS "serviceId", h.finished_at AS "deployedAt", p.plan_started_at AS "planStartedAt",
        coalesce(p.first_commit_at, (SELECT min(c.committed_at) FROM changes c WHERE c.pull_request_id = p.id)) AS "firstCommitAt",
        p.merged_at AS "mergedAt",
        (SELECT min(r.finished_at) FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = h.head AND r.status = 'success') AS "checkedAt",
        (EXISTS (SELECT 1 FROM ci_runs r WHERE r.service_id = p.service_id AND r.sha = h.head))::int AS "hasCi"
      FROM heads h JOIN pull_requests p ON p.id = h.id
      WHERE p.merged_at IS NOT NULL
      ORDER BY h.finished_at, p.id`,
      [ids, from, to],
    );

  const pairParams = (pairs: [number, number][]) => [pairs.map((p) => p[0]), pairs.map((p) => p[1])];

  return {
    async readFacts(ids, from, to, withPullRequests) {
      const [deployments, leadTimes, restored, evidence, pullRequests] = await Promise.all([
        deploymentFacts(ids, from, to),
        leadTimeFacts(ids, from, to),
        restoredFacts(ids, from, to),
        evidenceFacts(ids),
        withPullRequests ? pullRequestFacts(ids, from, to) : Promise.resolve([]),
      ]);
      return { deployments, leadTimes, restored, evidence, pullRequests };
    },
    readDeploymentFacts: deploymentFacts,
    readLeadTimeFacts: leadTimeFacts,
    async readDataSpan(ids) {
      const r = (await one<{ first: number | null; last: number | null }>(
        pool,
        `SELECT (SELECT min(finished_at) FROM deployments d WHERE d.service_id = ANY($1::bigint[]) AND ${PROD}) AS first,
          nullif(greatest(
            coalesce((SELECT max(finished_at) FROM deployments d WHERE d.service_id = ANY($1::bigint[]) AND ${PROD}), -1),
            coalesce((SELECT max(resolved_at) FROM incidents WHERE service_id = ANY($1::bigint[])), -1)
          ), -1) AS last`,
        [ids],
      ))!;
      return { first: r.first, last: r.last };
    },
    async readOrganisation(): Promise<OrganisationRows> {
      const [departments, teams, services] = await Promise.all([
        q<OrganisationRows['departments'][number]>(pool, 'SELECT id, name FROM departments ORDER BY name COLLATE "C"'),
        q<OrganisationRows['teams'][number]>(pool, 'SELECT id, name, department_id AS "departmentId" FROM teams ORDER BY name COLLATE "C"'),
        q<OrganisationRows['services'][number]>(pool, 'SELECT id, name, key, team_id AS "teamId" FROM services ORDER BY name COLLATE "C"'),
      ]);
      return { departments, teams, services };
    },
    async readChanges(pairs) {
      if (pairs.length === 0) return [];
      return q<ChangeListRow>(
        pool,
        `SELECT ${changeColumns}
        FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS j(change_id, deployment_id, o)
        JOIN changes c ON c.id = j.change_id
        JOIN deployments d ON d.id = j.deployment_id
        JOIN services s ON s.id = c.service_id
        LEFT JOIN pull_requests p ON p.id = c.pull_request_id
        LEFT JOIN change_requests cr ON cr.number = d.change_request
        ORDER BY j.o`,
        pairParams(pairs),
      );
    },
    async readChangePullRequests(pairs) {
      if (pairs.length === 0) return [];
      return q<ChangePullRequestRow>(
        pool,
        `SELECT "pullRequestId", "changeId", "deploymentId", "deployedAt", "committedAt", least(own, first) AS start,
          CASE WHEN own <= first THEN basis ELSE 'pullRequest' END AS "startFrom"
        FROM (
          SELECT c.pull_request_id AS "pullRequestId", c.id AS "changeId", d.id AS "deploymentId", d.finished_at AS "deployedAt",
            c.committed_at AS "committedAt", ${LEAD} AS own, ${BASIS} AS basis,
            coalesce(p.first_commit_at, (SELECT min(${leadTimeFrom(author, 'c2')}) FROM changes c2 WHERE c2.pull_request_id = p.id), ${LEAD}) AS first,
            j.o
          FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS j(change_id, deployment_id, o)
          JOIN changes c ON c.id = j.change_id
          JOIN deployments d ON d.id = j.deployment_id
          LEFT JOIN pull_requests p ON p.id = c.pull_request_id) x
        ORDER BY o`,
        pairParams(pairs),
      );
    },
    readDeployments: (ids, from, to, limit) =>
      q<DeploymentListRow>(
        pool,
        `SELECT d.id AS "rowId", s.name AS service, d.ext_id AS id, d.source, d.environment, d.is_production::int AS production, d.status, d.sha,
          d.started_at AS "startedAt", d.finished_at AS "finishedAt", d.rework::int AS rework, d.url,
          (SELECT count(*) FROM deployment_changes dc WHERE dc.deployment_id = d.id) AS changes,
          d.change_request AS "changeRequest", cr.requested_at AS "changeRequestedAt", cr.approval, cr.approval_set_at AS "approvalSetAt",
          cr.work_started_at AS "workStartedAt", cr.work_ended_at AS "workEndedAt"
        FROM deployments d JOIN services s ON s.id = d.service_id
          LEFT JOIN change_requests cr ON cr.number = d.change_request
        WHERE d.service_id = ANY($1::bigint[])
          AND coalesce(d.finished_at, d.started_at) >= $2 AND coalesce(d.finished_at, d.started_at) < $3
        ORDER BY coalesce(d.finished_at, d.started_at) DESC, d.id DESC LIMIT $4`,
        [ids, from, to, limit],
      ),
    readIncidents: (ids, from, to, limit) =>
      q<IncidentListRow>(
        pool,
        `SELECT s.name AS service, i.ext_id AS id, i.source, i.opened_at AS "openedAt", i.resolved_at AS "resolvedAt", i.severity,
          i.deployment_ref AS "deploymentId", i.root_cause_sha AS "rootCauseSha", i.title, i.url
        FROM incidents i JOIN services s ON s.id = i.service_id
        WHERE i.service_id = ANY($1::bigint[]) AND i.opened_at < $3 AND (i.resolved_at IS NULL OR i.resolved_at >= $2)
        ORDER BY i.opened_at DESC, i.id DESC LIMIT $4`,
        [ids, from, to, limit],
      ),
    readCiRuns: (ids, from, to, limit) =>
      q<CiRunListRow>(
        pool,
        `SELECT s.name AS service, r.ext_id AS id, r.source, r.name, r.status, r.sha, r.branch, r.started_at AS "startedAt",
          r.finished_at AS "finishedAt", r.tests_passed AS "testsPassed", r.tests_failed AS "testsFailed", r.tests_skipped AS "testsSkipped", r.url
        FROM ci_runs r JOIN services s ON s.id = r.service_id
        WHERE r.service_id = ANY($1::bigint[]) AND r.finished_at >= $2 AND r.finished_at < $3
        ORDER BY r.finished_at DESC, r.id DESC LIMIT $4`,
        [ids, from, to, limit],
      ),
    readLatestEvents: (names) => latestEvents(pool, names),
    readLatestDeployments: (source) => latestDeployments(pool, source),
    async countEventsByType(afterId) {
      const [counts, max] = await Promise.all([
        q<{ type: string; n: number }>(
          pool,
          'SELECT type, count(*) AS n FROM raw_events WHERE id > $1 GROUP BY type ORDER BY type COLLATE "C"',
          [afterId],
        ),
        one<{ maxId: number | null }>(pool, 'SELECT max(id) AS "maxId" FROM raw_events'),
      ]);
      return { counts, maxId: max?.maxId ?? 0 };
    },
    onServicesChanged(listener) {
      ctx.listeners.add(listener);
      return () => {
        ctx.listeners.delete(listener);
      };
    },
    dataVersion: async () => ctx.version(),
  };
}

/**
 * The latest version of every event (of the named services), oldest first, read through a
 * cursor in a read-only transaction of its own connection, a thousand rows at a time.
 */
function latestEvents(pool: pg.Pool, names?: string[]): AsyncGenerator<RawEventRow> {
  return rawEventsThroughCursor(
    pool,
    `SELECT r.id, r.type, r.source, r.event_id AS "eventId", r.received_at AS "receivedAt", r.payload
     FROM raw_events r
     JOIN (SELECT max(id) AS id FROM raw_events GROUP BY type, source, event_id) latest ON latest.id = r.id
     WHERE $1::text[] IS NULL OR (r.payload::jsonb ->> 'service') = ANY($1::text[])
     ORDER BY r.id`,
    [names ?? null],
  );
}

/** The latest version of every deployment `source` sent, oldest first. */
function latestDeployments(pool: pg.Pool, source: string): AsyncGenerator<RawEventRow> {
  return rawEventsThroughCursor(
    pool,
    `SELECT r.id, r.type, r.source, r.event_id AS "eventId", r.received_at AS "receivedAt", r.payload
     FROM raw_events r
     JOIN (SELECT max(id) AS id FROM raw_events WHERE type = 'deployment' AND source = $1 GROUP BY event_id) latest ON latest.id = r.id
     ORDER BY r.id`,
    [source],
  );
}

/** Raw event rows of `select`, through a cursor in a read-only transaction of its own connection, a thousand at a time. */
async function* rawEventsThroughCursor(pool: pg.Pool, select: string, values: unknown[]): AsyncGenerator<RawEventRow> {
  const client = await pool.connect().catch((e: unknown) => Promise.reject(fromDatabase(e)));
  let ok = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query({ types, text: `DECLARE deming_latest NO SCROLL CURSOR FOR ${select}`, values });
    for (;;) {
      const { rows } = await client.query<RawEventRow>({ text: 'FETCH 1000 FROM deming_latest', types });
      if (rows.length === 0) break;
      yield* rows;
    }
    await client.query('COMMIT');
    ok = true;
  } finally {
    if (!ok) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

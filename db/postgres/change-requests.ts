/**
 * Change requests as their tool holds them (`change_requests`, migration 002) on PostgreSQL: what
 * db/queries/change-requests.ts does on SQLite, in one multi-row statement. A state older than the
 * stored one (by the tool's `updatedAt`) changes nothing; where a page repeats a number, the newest
 * state of it is the one written (the first of equal ones, as the SQLite statements keep it).
 */
import type { ChangeRequestRecord, ChangeRequestsWrite } from '../queries/change-requests';
import { run, type Queryable } from './sql';

/** Stores each record unless a newer state of it is stored; the number stored or changed. */
export async function storeChangeRequests(db: Queryable, w: ChangeRequestsWrite): Promise<number> {
  const newest = new Map<string, ChangeRequestRecord>();
  for (const r of w.items) {
    const kept = newest.get(r.number);
    if (!kept || r.updatedAt > kept.updatedAt) newest.set(r.number, r);
  }
  if (newest.size === 0) return 0;
  const rs = [...newest.values()];
  return run(
    db,
    `INSERT INTO change_requests (number, source, requested_at, approval, approval_set_at, planned_start_at, planned_end_at,
      work_started_at, work_ended_at, updated_at, received_at)
    SELECT n, s, ra, a, aa, ps, pe, ws, we, u, $11 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[],
      $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[]) AS x(n, s, ra, a, aa, ps, pe, ws, we, u)
    ON CONFLICT (number) DO UPDATE SET source = excluded.source, requested_at = excluded.requested_at, approval = excluded.approval,
      approval_set_at = excluded.approval_set_at, planned_start_at = excluded.planned_start_at, planned_end_at = excluded.planned_end_at,
      work_started_at = excluded.work_started_at, work_ended_at = excluded.work_ended_at, updated_at = excluded.updated_at,
      received_at = excluded.received_at
    WHERE excluded.updated_at > change_requests.updated_at`,
    [
      rs.map((r) => r.number),
      rs.map((r) => r.source),
      rs.map((r) => r.requestedAt),
      rs.map((r) => r.approval),
      rs.map((r) => r.approvalSetAt),
      rs.map((r) => r.plannedStartAt),
      rs.map((r) => r.plannedEndAt),
      rs.map((r) => r.workStartedAt),
      rs.map((r) => r.workEndedAt),
      rs.map((r) => r.updatedAt),
      w.receivedAt,
    ],
  );
}

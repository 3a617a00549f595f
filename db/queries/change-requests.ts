/**
 * Change requests as their tool holds them (`change_requests`, migration 014): when each was
 * raised, approved and carried out. Stored in the transaction of the collector's page and cursor
 * (`alsoStore.changeRequests`); a state older than the stored one (by the tool's `updatedAt`)
 * changes nothing. Every statement on the table is here.
 */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface ChangeRequestRecord {
  number: string;
  source: string;
  requestedAt: number | null;
  approval: string | null;
  approvalSetAt: number | null;
  plannedStartAt: number | null;
  plannedEndAt: number | null;
  workStartedAt: number | null;
  workEndedAt: number | null;
  updatedAt: number;
}

export interface ChangeRequestsWrite {
  items: ChangeRequestRecord[];
  receivedAt: number;
}

/** Stores each record unless a newer state of it is stored; the number stored or changed. */
export function storeChangeRequests(db: Db, w: ChangeRequestsWrite): number {
  const put = prepared<[ChangeRequestRecord & { receivedAt: number }]>(
    db,
    `INSERT INTO change_requests (number, source, requested_at, approval, approval_set_at, planned_start_at, planned_end_at, work_started_at, work_ended_at, updated_at, received_at)
     VALUES (@number, @source, @requestedAt, @approval, @approvalSetAt, @plannedStartAt, @plannedEndAt, @workStartedAt, @workEndedAt, @updatedAt, @receivedAt)
     ON CONFLICT (number) DO UPDATE SET source = excluded.source, requested_at = excluded.requested_at, approval = excluded.approval,
       approval_set_at = excluded.approval_set_at, planned_start_at = excluded.planned_start_at, planned_end_at = excluded.planned_end_at,
       work_started_at = excluded.work_started_at, work_ended_at = excluded.work_ended_at, updated_at = excluded.updated_at, received_at = excluded.received_at
     WHERE excluded.updated_at > change_requests.updated_at`,
  );
  let n = 0;
  for (const r of w.items) n += put.run({ ...r, receivedAt: w.receivedAt }).changes;
  return n;
}

-- Change requests as an IT service management tool holds them (ServiceNow's change_request
-- table, read when incidents.servicenow.changeRequests is on): when each was raised, approved and
-- carried out, shown beside the deployment whose change_request names it (the approval wait as
-- its own segment of a change's time). Evidence beside the figures; no metric reads it.
CREATE TABLE change_requests (
  number TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  -- When it was raised (ServiceNow: sys_created_on), ms.
  requested_at INTEGER,
  -- approved, rejected, requested, not requested, …: the tool's approval value.
  approval TEXT,
  -- When the approval was set (ServiceNow: approval_set), ms.
  approval_set_at INTEGER,
  -- The planned window (start_date, end_date) and the work as done (work_start, work_end), ms.
  planned_start_at INTEGER,
  planned_end_at INTEGER,
  work_started_at INTEGER,
  work_ended_at INTEGER,
  -- The tool's modification time of this state (ms): an older state never overwrites a newer one.
  updated_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;

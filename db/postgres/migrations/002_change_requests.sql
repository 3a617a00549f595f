-- Change requests as an IT service management tool holds them (SQLite's migration 014: ServiceNow's
-- change_request table, read when incidents.servicenow.changeRequests is on): when each was raised,
-- approved and carried out, shown beside the deployment whose change_request names it. Times are
-- epoch milliseconds; `updated_at` is the tool's modification time of the stored state (an older
-- state never overwrites a newer one).
CREATE TABLE change_requests (
  number text PRIMARY KEY,
  source text NOT NULL,
  requested_at bigint,
  approval text,
  approval_set_at bigint,
  planned_start_at bigint,
  planned_end_at bigint,
  work_started_at bigint,
  work_ended_at bigint,
  updated_at bigint NOT NULL,
  received_at bigint NOT NULL
);

-- The organisation. Services are created on first sight, in team 'unassigned'.
CREATE TABLE departments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  department_id TEXT NOT NULL REFERENCES departments(id)
);
CREATE TABLE services (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  team_id TEXT NOT NULL REFERENCES teams(id)
);
CREATE INDEX services_team ON services(team_id);

-- Every event as received, append-only, so a mapping fix can be replayed over history.
CREATE TABLE raw_events (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);

-- The latest version of each (type, source, id), for idempotent re-sends.
CREATE TABLE event_keys (
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (type, source, event_id)
) WITHOUT ROWID;

CREATE TABLE deployments (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  ext_id TEXT NOT NULL,
  service_id INTEGER NOT NULL REFERENCES services(id),
  environment TEXT NOT NULL,
  is_production INTEGER NOT NULL,
  status TEXT NOT NULL,
  sha TEXT,
  commits TEXT,            -- JSON array of shas when the source listed them
  started_at INTEGER,
  finished_at INTEGER,
  rework INTEGER NOT NULL DEFAULT 0,
  url TEXT,
  UNIQUE (source, ext_id)
);
-- Successful production deployments by service and time: the hot path of every metric.
CREATE INDEX deployments_prod ON deployments(service_id, finished_at)
  WHERE is_production = 1 AND status = 'success';
CREATE INDEX deployments_ext ON deployments(service_id, ext_id);

CREATE TABLE pull_requests (
  id INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services(id),
  number INTEGER NOT NULL,
  opened_at INTEGER,
  merged_at INTEGER,
  merge_sha TEXT,
  first_commit_at INTEGER,
  plan_started_at INTEGER,
  url TEXT,
  UNIQUE (service_id, number)
);

-- One change per (service, sha), whichever sources report it.
CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services(id),
  sha TEXT NOT NULL,
  committed_at INTEGER NOT NULL,
  authored_at INTEGER,
  pull_request_id INTEGER REFERENCES pull_requests(id),
  url TEXT,
  UNIQUE (service_id, sha)
);
CREATE INDEX changes_pr ON changes(pull_request_id);

CREATE TABLE change_parents (
  service_id INTEGER NOT NULL REFERENCES services(id),
  sha TEXT NOT NULL,
  parent_sha TEXT NOT NULL,
  PRIMARY KEY (service_id, sha, parent_sha)
) WITHOUT ROWID;

-- What each successful production deployment shipped: a sha belongs to its first one only.
CREATE TABLE deployment_changes (
  service_id INTEGER NOT NULL REFERENCES services(id),
  sha TEXT NOT NULL,
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  PRIMARY KEY (service_id, sha)
) WITHOUT ROWID;
CREATE INDEX deployment_changes_deployment ON deployment_changes(deployment_id);

CREATE TABLE ci_runs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  ext_id TEXT NOT NULL,
  service_id INTEGER NOT NULL REFERENCES services(id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  sha TEXT,
  branch TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  tests_passed INTEGER,
  tests_failed INTEGER,
  tests_skipped INTEGER,
  url TEXT,
  UNIQUE (source, ext_id)
);
CREATE INDEX ci_runs_sha ON ci_runs(service_id, sha, finished_at);
CREATE INDEX ci_runs_time ON ci_runs(service_id, finished_at);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  ext_id TEXT NOT NULL,
  service_id INTEGER NOT NULL REFERENCES services(id),
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER,
  severity TEXT,
  deployment_ref TEXT,
  root_cause_sha TEXT,
  title TEXT,
  url TEXT,
  UNIQUE (source, ext_id)
);
CREATE INDEX incidents_opened ON incidents(service_id, opened_at);
CREATE INDEX incidents_resolved ON incidents(service_id, resolved_at);

-- PDCA loops recorded by people (cadence loops are derived, not stored).
CREATE TABLE loops (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL,
  plan_metric TEXT,
  plan_target REAL,
  plan_hypothesis TEXT,
  act_decision TEXT,
  act_notes TEXT,
  act_decided_at INTEGER,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX loops_scope ON loops(scope, from_at);

-- Where each collector got to, per source and resource.
CREATE TABLE collector_cursors (
  collector TEXT NOT NULL,
  resource TEXT NOT NULL,
  cursor TEXT NOT NULL,
  etag TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (collector, resource)
) WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

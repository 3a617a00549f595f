-- Incidents as their source (PagerDuty, Alertmanager, …) told them, whatever Deming made of them
-- (collectors/incidents): `counted` ones are also in `incidents` (through the one ingest path);
-- `unmapped` ones name no configured service yet and are counted once a mapping names it;
-- `skipped` ones are below the threshold, cancelled, duplicates or resolved before they opened.
-- Nothing personal: no caller, assignee or responder; a title only where the source's `titles` is on.
CREATE TABLE source_incidents (
  source TEXT NOT NULL,
  ext_id TEXT NOT NULL,
  -- JSON: the fields a mapping rule matches ({"service.id": "PABC123", "service.name": "Booking"}).
  fields TEXT NOT NULL,
  severity_value TEXT,
  opened_at INTEGER NOT NULL,
  resolved_at INTEGER,
  outcome TEXT,
  title TEXT,
  url TEXT,
  -- JSON: {deploymentId, rootCauseSha, changeRequest} as read when the incident arrived.
  links TEXT NOT NULL DEFAULT '{}',
  -- The source's modification time of this state (ms), or NULL: an older state never overwrites a newer one.
  updated_at INTEGER,
  -- A key grouping the source's notifications into one incident (Alertmanager's group).
  grouping TEXT,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('counted', 'unmapped', 'skipped')),
  service TEXT,
  severity TEXT,
  reason TEXT,
  PRIMARY KEY (source, ext_id)
) WITHOUT ROWID;
CREATE INDEX source_incidents_status ON source_incidents(status, opened_at);
CREATE INDEX source_incidents_open_group ON source_incidents(source, grouping) WHERE grouping IS NOT NULL AND resolved_at IS NULL;

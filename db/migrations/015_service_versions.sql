-- When each service's stored facts last changed, in commit order (db/change-feed.ts): every
-- write that can move a service's figures (a stored batch, the production re-evaluation, the
-- re-link of merged services) gives the services it touched the next version, in its own
-- transaction. The server's kept copy of what it builds at start (its fact index) was built at
-- some version: at the next start only the services changed after it are built again.
CREATE TABLE service_versions (
  service_id INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE INDEX service_versions_version ON service_versions(version);

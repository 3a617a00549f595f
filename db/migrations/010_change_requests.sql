-- The change or release request a deployment carried out, and the one an incident is blamed on
-- (DESIGN.md: an incident whose change request a production deployment carried is linked to
-- that deployment explicitly). Null where the source gave none.
ALTER TABLE deployments ADD COLUMN change_request TEXT;
ALTER TABLE incidents ADD COLUMN change_request TEXT;
-- The link looks up a service's deployments by change request (db/queries/metrics.ts).
CREATE INDEX deployments_change_request ON deployments(service_id, change_request) WHERE change_request IS NOT NULL;

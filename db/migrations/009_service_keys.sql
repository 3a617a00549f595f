-- Services are matched by a key: the name in NFC, lower case (common/identifiers.ts
-- serviceKey, registered as deming_service_key by db/connection.ts). `Acme/Web`, `acme/web`
-- and the NFD spelling of a name are one service.
ALTER TABLE services ADD COLUMN key TEXT;
UPDATE services SET key = deming_service_key(name);

-- Services stored apart before that become one: the first created (the lowest id) keeps its
-- name and id, and every row of the others moves to it.
CREATE TEMP TABLE service_merge AS
  SELECT s.id AS from_id, k.keep AS to_id, s.name AS from_name, (SELECT name FROM services WHERE id = k.keep) AS to_name
  FROM services s JOIN (SELECT key, min(id) AS keep FROM services GROUP BY key HAVING count(*) > 1) k ON k.key = s.key
  WHERE s.id <> k.keep;

-- Rows without a per-service key move as they are.
UPDATE deployments SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);
UPDATE ci_runs SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);
UPDATE incidents SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);
-- An idempotency key lives in one service at a time (db/queries/events.ts), so none collide.
UPDATE event_keys SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);

-- Pull requests are one per (service, number): of the same number in merged services, the one
-- of the kept service (else the oldest) stays, its empty fields filled from the others, and
-- their commits point to it.
CREATE TEMP TABLE pr_target AS
  SELECT p.id, coalesce(m.to_id, p.service_id) AS service_id, p.number, p.service_id AS was
  FROM pull_requests p LEFT JOIN service_merge m ON m.from_id = p.service_id
  WHERE coalesce(m.to_id, p.service_id) IN (SELECT to_id FROM service_merge);
CREATE TEMP TABLE pr_merge AS
  SELECT t.id AS from_id,
    (SELECT t2.id FROM pr_target t2 WHERE t2.service_id = t.service_id AND t2.number = t.number ORDER BY t2.was, t2.id LIMIT 1) AS to_id
  FROM pr_target t;
DELETE FROM pr_merge WHERE from_id = to_id;
UPDATE pull_requests SET
  opened_at = coalesce(opened_at, (SELECT p.opened_at FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.opened_at IS NOT NULL ORDER BY p.id LIMIT 1)),
  merged_at = coalesce(merged_at, (SELECT p.merged_at FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.merged_at IS NOT NULL ORDER BY p.id LIMIT 1)),
  merge_sha = coalesce(merge_sha, (SELECT p.merge_sha FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.merge_sha IS NOT NULL ORDER BY p.id LIMIT 1)),
  first_commit_at = coalesce(first_commit_at, (SELECT p.first_commit_at FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.first_commit_at IS NOT NULL ORDER BY p.id LIMIT 1)),
  plan_started_at = coalesce(plan_started_at, (SELECT p.plan_started_at FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.plan_started_at IS NOT NULL ORDER BY p.id LIMIT 1)),
  url = coalesce(url, (SELECT p.url FROM pr_merge m JOIN pull_requests p ON p.id = m.from_id WHERE m.to_id = pull_requests.id AND p.url IS NOT NULL ORDER BY p.id LIMIT 1))
WHERE id IN (SELECT to_id FROM pr_merge);
UPDATE changes SET pull_request_id = (SELECT to_id FROM pr_merge WHERE from_id = pull_request_id) WHERE pull_request_id IN (SELECT from_id FROM pr_merge);
DELETE FROM pull_requests WHERE id IN (SELECT from_id FROM pr_merge);
UPDATE pull_requests SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);

-- Commits are one per (service, sha): the same way, the kept service's (else the oldest) stays.
CREATE TEMP TABLE change_target AS
  SELECT c.id, coalesce(m.to_id, c.service_id) AS service_id, c.sha, c.service_id AS was
  FROM changes c LEFT JOIN service_merge m ON m.from_id = c.service_id
  WHERE coalesce(m.to_id, c.service_id) IN (SELECT to_id FROM service_merge);
CREATE TEMP TABLE change_merge AS
  SELECT t.id AS from_id,
    (SELECT t2.id FROM change_target t2 WHERE t2.service_id = t.service_id AND t2.sha = t.sha ORDER BY t2.was, t2.id LIMIT 1) AS to_id
  FROM change_target t;
DELETE FROM change_merge WHERE from_id = to_id;
UPDATE changes SET
  authored_at = coalesce(authored_at, (SELECT c.authored_at FROM change_merge m JOIN changes c ON c.id = m.from_id WHERE m.to_id = changes.id AND c.authored_at IS NOT NULL ORDER BY c.id LIMIT 1)),
  pull_request_id = coalesce(pull_request_id, (SELECT c.pull_request_id FROM change_merge m JOIN changes c ON c.id = m.from_id WHERE m.to_id = changes.id AND c.pull_request_id IS NOT NULL ORDER BY c.id LIMIT 1)),
  url = coalesce(url, (SELECT c.url FROM change_merge m JOIN changes c ON c.id = m.from_id WHERE m.to_id = changes.id AND c.url IS NOT NULL ORDER BY c.id LIMIT 1))
WHERE id IN (SELECT to_id FROM change_merge);
DELETE FROM changes WHERE id IN (SELECT from_id FROM change_merge);
UPDATE changes SET service_id = (SELECT to_id FROM service_merge WHERE from_id = service_id) WHERE service_id IN (SELECT from_id FROM service_merge);

INSERT OR IGNORE INTO change_parents (service_id, sha, parent_sha)
  SELECT m.to_id, p.sha, p.parent_sha FROM change_parents p JOIN service_merge m ON m.from_id = p.service_id;
DELETE FROM change_parents WHERE service_id IN (SELECT from_id FROM service_merge);

-- What each deployment shipped is worked out again for the merged services when the database is
-- next opened (db/connection.ts, relinkMergedServices): the linking walk is code, not SQL.
DELETE FROM deployment_changes WHERE service_id IN (SELECT from_id FROM service_merge UNION SELECT to_id FROM service_merge);
CREATE TABLE services_to_relink (service_id INTEGER PRIMARY KEY REFERENCES services(id));
INSERT OR IGNORE INTO services_to_relink (service_id) SELECT to_id FROM service_merge;

-- Loops planned for a merged service now belong to the one it became.
UPDATE loops SET scope = 'service:' || (SELECT to_name FROM service_merge WHERE 'service:' || from_name = loops.scope)
  WHERE scope IN (SELECT 'service:' || from_name FROM service_merge);

-- What was merged into what, for the record.
CREATE TABLE service_merges (name TEXT NOT NULL, into_id INTEGER NOT NULL REFERENCES services(id), into_name TEXT NOT NULL);
INSERT INTO service_merges (name, into_id, into_name) SELECT from_name, to_id, to_name FROM service_merge;

DELETE FROM services WHERE id IN (SELECT from_id FROM service_merge);

DROP TABLE service_merge;
DROP TABLE pr_target;
DROP TABLE pr_merge;
DROP TABLE change_target;
DROP TABLE change_merge;

CREATE UNIQUE INDEX services_key ON services(key);
-- A service inserted without its key (a tool writing SQL directly) gets it.
CREATE TRIGGER services_key_on_insert AFTER INSERT ON services WHEN NEW.key IS NULL
BEGIN
  UPDATE services SET key = deming_service_key(NEW.name) WHERE id = NEW.id;
END;

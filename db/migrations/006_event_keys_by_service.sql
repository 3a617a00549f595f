-- Idempotency keys by service first: a commit's key (its sha) is random, and keyed by it alone
-- every batch wrote about one page per commit. Which service holds a key is answered in memory
-- (db/key-index.ts) from `fp`, a fingerprint of (type, source, event_id); `added` grows with
-- each batch so that every writer can catch up on the keys others stored.
CREATE TABLE event_keys_by_service (
  service_id INTEGER NOT NULL REFERENCES services(id),
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  event_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  fp INTEGER NOT NULL,
  added INTEGER NOT NULL,
  PRIMARY KEY (service_id, type, source, event_id)
) WITHOUT ROWID;

-- A key's service is the one its latest raw event names.
INSERT INTO event_keys_by_service (service_id, type, source, event_id, hash, version, fp, added)
SELECT s.id, k.type, k.source, k.event_id, k.hash, k.version, deming_key_fingerprint(k.type, k.source, k.event_id), 0
FROM event_keys k
JOIN (SELECT type, source, event_id, max(id) AS id FROM raw_events GROUP BY type, source, event_id) latest
  USING (type, source, event_id)
JOIN raw_events r ON r.id = latest.id
JOIN services s ON s.name = json_extract(r.payload, '$.service');

DROP TABLE event_keys;
ALTER TABLE event_keys_by_service RENAME TO event_keys;
CREATE INDEX event_keys_added ON event_keys(added, fp, service_id);

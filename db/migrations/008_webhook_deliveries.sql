-- The source's own modification time (`updatedAt`, ms since the epoch) of the newest version of
-- each event Deming has seen, or NULL when none carried one: a version older than it is
-- acknowledged and ignored, so a replayed or late delivery never overwrites a newer state.
ALTER TABLE event_keys ADD COLUMN updated_at INTEGER;

-- Webhook deliveries applied (or ignored) by their sender's delivery id (GitHub's
-- X-GitHub-Delivery), kept at least 72 hours: a delivery sent again is acknowledged and not
-- applied again, whichever instance sharing this database receives it.
CREATE TABLE webhook_deliveries (
  source TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  event TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (source, delivery_id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_received ON webhook_deliveries(received_at);

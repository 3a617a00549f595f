-- How many times each event changed: lets one statement both store an event's key and say
-- whether it was new, changed or unchanged.
ALTER TABLE event_keys ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

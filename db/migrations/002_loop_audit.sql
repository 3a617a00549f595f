-- Who changed which loop, when, and how: loops are never deleted, only marked so.
CREATE TABLE loop_audit (
  id INTEGER PRIMARY KEY,
  loop_id INTEGER NOT NULL REFERENCES loops(id),
  action TEXT NOT NULL,          -- plan, edit, act, delete
  actor TEXT NOT NULL,           -- the token's name, or 'loopback'
  at INTEGER NOT NULL,
  before TEXT,                   -- JSON of the loop before, null for plan
  after TEXT                     -- JSON of the loop after, null for delete
);
CREATE INDEX loop_audit_loop ON loop_audit(loop_id, at);

-- Sign-in state that every instance sharing this database must see alike (issue 23).
--
-- The sign-in limits (server/rate-limit.ts): one row per key with recent failures, a lock or an
-- attempt in flight. `kind` is the limit (user, address, token); `key_hash` the SHA-256 of the
-- user name or client address, never the name itself (a user name field sometimes holds a
-- mistyped password). Times are epoch milliseconds. `held_until` (a row is kept while locked or
-- checked) and `forget_at` (when it may go after that) are worked out by the server as it
-- writes, so that the table's bound is kept with plain comparisons. `version` grows with each
-- write: a write made on a version another instance has replaced is tried again.
CREATE TABLE sign_in_limits (
  kind TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  level INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  in_flight INTEGER NOT NULL,
  in_flight_at INTEGER NOT NULL,
  last INTEGER NOT NULL,
  held_until INTEGER NOT NULL,
  forget_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (kind, key_hash)
) WITHOUT ROWID;

-- Single sign-ons started and not yet back (server/oidc.ts): the SHA-256 of the state sent to the
-- identity provider (the state itself is only in the person's cookie), the PKCE verifier the
-- callback needs (useless without the authorization code the provider gives that person's
-- browser, and the client secret), and when it started. A callback takes its row (so a state
-- works once); rows older than ten minutes are forgotten as new sign-ins start.
CREATE TABLE oidc_pending (
  state_hash TEXT PRIMARY KEY,
  verifier TEXT NOT NULL,
  started_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oidc_pending_started ON oidc_pending(started_at);

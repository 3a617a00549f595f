-- Sign-in state that every instance on this database sees alike (SQLite's migration 016):
-- the sign-in limits (server/rate-limit.ts), one row per key with recent failures, a lock or an
-- attempt in flight, by the SHA-256 of the user name or address; and the single sign-ons under
-- way (server/oidc.ts), by the SHA-256 of their state, with the PKCE verifier the callback needs.
-- Times are epoch milliseconds.
CREATE TABLE sign_in_limits (
  kind text NOT NULL,
  key_hash text NOT NULL,
  failures integer NOT NULL,
  window_start bigint NOT NULL,
  level integer NOT NULL,
  locked_until bigint NOT NULL,
  in_flight integer NOT NULL,
  in_flight_at bigint NOT NULL,
  last bigint NOT NULL,
  held_until bigint NOT NULL,
  forget_at bigint NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (kind, key_hash)
);

CREATE TABLE oidc_pending (
  state_hash text PRIMARY KEY,
  verifier text NOT NULL,
  started_at bigint NOT NULL
);
CREATE INDEX oidc_pending_started ON oidc_pending(started_at);

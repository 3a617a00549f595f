-- How each browser session was made, so that it is checked against the configuration at every
-- use (DESIGN.md, "Security"): `password` with the user name, `token` with the SHA-256 of the
-- token (never the token), `oidc` with the claim and its values that gave the role (JSON).
-- Sessions made before this migration recorded neither, so they end: people sign in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN origin TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_actor ON sessions(actor);

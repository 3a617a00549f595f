-- Whether the source itself declared a deployment production (`production: true/false`, such as
-- GitLab's environment tier): it wins over the configured pattern. Null where the source said
-- nothing; then `is_production` is what the pattern says of `environment`, worked out again at
-- start when the pattern changed (db/production.ts).
ALTER TABLE deployments ADD COLUMN declared_production INTEGER;

/** Shared by the GitHub collector tests: config for the acme scenario, an in-process run, and a database dump to compare. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../db/connection';
import { openStore } from '../../../db/store';
import { createGithubCollector, type GithubCollectorOptions, type GithubRunResult } from '../../../collectors/github/collector';
import { loadConfig, type Config } from '../../../server/config';
import { collectorContext } from '../../../server/collectors/context';
import { acmeSourcesYaml, NOW, ORGANISATION_YAML } from '../../fakes/github/acme';

/** Retries and rate-limit waits in milliseconds rather than seconds. */
export const FAST = { retryBaseMs: 2, graphqlIntervalMs: 0, retries: 5, maxWaitSeconds: 60, resetWaitSeconds: 60 };

/** Writes a config file for the acme scenario served at `apiUrl` and loads it as the server would. */
export function acmeConfig(
  apiUrl: string,
  opts: { extra?: string; env?: Record<string, string>; auth?: string[] } = {},
): Config & { file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-gh-')), 'deming.config.yaml');
  writeFileSync(file, `${ORGANISATION_YAML}\n${acmeSourcesYaml(apiUrl, opts.extra, opts.auth)}\n`);
  return { ...loadConfig({ DEMING_CONFIG: file, DEMING_DB: ':memory:', ...opts.env }), file };
}

/** Runs the GitHub collector once, in this process, against `db`. */
export async function collect(
  db: Db,
  config: Config,
  opts: Partial<GithubCollectorOptions> & { now?: number; progress?: (p: { resource: string; waitingUntil?: number }) => void } = {},
): Promise<GithubRunResult> {
  // The collector writes through a store on the same file, as the CLI and the server do.
  const store = openStore(db.name, { check: 'off' });
  try {
    if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
    const ctx = collectorContext({ store, config, now: () => opts.now ?? NOW, log: () => {} }, { progress: opts.progress });
    return await createGithubCollector({ settings: config.github!, client: { timing: FAST }, ...opts }).run(ctx);
  } finally {
    await store.close();
  }
}

/** Every normalized row, by natural keys (no row ids, no receive times), in a stable order. */
export function dumpDb(db: Db): Record<string, unknown[]> {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    services: q('SELECT name, team_id FROM services ORDER BY name'),
    deployments:
      q(`SELECT s.name AS service, d.source, d.ext_id, d.environment, d.is_production, d.status, d.sha, d.commits, d.started_at, d.finished_at, d.rework, d.url
      FROM deployments d JOIN services s ON s.id = d.service_id ORDER BY d.source, d.ext_id`),
    pull_requests: q(`SELECT s.name AS service, p.number, p.opened_at, p.merged_at, p.merge_sha, p.first_commit_at, p.plan_started_at, p.url
      FROM pull_requests p JOIN services s ON s.id = p.service_id ORDER BY s.name, p.number`),
    changes:
      q(`SELECT s.name AS service, c.sha, c.committed_at, c.authored_at, p.number AS pr, c.url FROM changes c JOIN services s ON s.id = c.service_id
      LEFT JOIN pull_requests p ON p.id = c.pull_request_id ORDER BY s.name, c.sha`),
    parents: q(
      'SELECT s.name AS service, cp.sha, cp.parent_sha FROM change_parents cp JOIN services s ON s.id = cp.service_id ORDER BY s.name, cp.sha, cp.parent_sha',
    ),
    shipped: q(`SELECT s.name AS service, dc.sha, d.ext_id FROM deployment_changes dc JOIN services s ON s.id = dc.service_id
      JOIN deployments d ON d.id = dc.deployment_id ORDER BY s.name, dc.sha`),
    ci_runs: q(`SELECT s.name AS service, r.source, r.ext_id, r.name, r.status, r.sha, r.branch, r.started_at, r.finished_at, r.url
      FROM ci_runs r JOIN services s ON s.id = r.service_id ORDER BY r.source, r.ext_id`),
    incidents: q(`SELECT s.name AS service, i.source, i.ext_id, i.opened_at, i.resolved_at, i.severity, i.root_cause_sha, i.title, i.url
      FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY i.source, i.ext_id`),
  };
}

/** The same dump plus what only a collector writes: its cursors and the raw events. */
export function dumpWithCursors(db: Db): Record<string, unknown[]> {
  return {
    ...dumpDb(db),
    cursors: db.prepare('SELECT collector, resource, cursor, etag FROM collector_cursors ORDER BY collector, resource').all(),
    raw_events: db.prepare('SELECT type, source, event_id, payload FROM raw_events ORDER BY type, source, event_id, payload').all(),
  };
}

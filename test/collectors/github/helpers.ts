/** Shared by the GitHub collector tests: config for the acme scenario, an in-process run, and a database dump to compare. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EitherDb, RowReader } from '../../helpers/either-store';
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
  db: EitherDb,
  config: Config,
  opts: Partial<GithubCollectorOptions> & { now?: number; progress?: (p: { resource: string; waitingUntil?: number }) => void } = {},
): Promise<GithubRunResult> {
  // The collector writes through a store of its own on the database, as the CLI and the server do.
  const store = await db.open();
  try {
    if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
    const ctx = collectorContext({ store, config, now: () => opts.now ?? NOW, log: () => {} }, { progress: opts.progress });
    return await createGithubCollector({ settings: config.github!, client: { timing: FAST }, ...opts }).run(ctx);
  } finally {
    await store.close();
  }
}

/** Every normalized row, by natural keys (no row ids, no receive times), in a stable order. */
export async function dumpDb(db: RowReader): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => db.all(sql);
  return {
    services: await q('SELECT name, team_id FROM services ORDER BY name'),
    deployments:
      await q(`SELECT s.name AS service, d.source, d.ext_id, d.environment, d.is_production, d.status, d.sha, d.commits, d.started_at, d.finished_at, d.rework, d.url
      FROM deployments d JOIN services s ON s.id = d.service_id ORDER BY d.source, d.ext_id`),
    pull_requests:
      await q(`SELECT s.name AS service, p.number, p.opened_at, p.merged_at, p.merge_sha, p.first_commit_at, p.plan_started_at, p.url
      FROM pull_requests p JOIN services s ON s.id = p.service_id ORDER BY s.name, p.number`),
    changes:
      await q(`SELECT s.name AS service, c.sha, c.committed_at, c.authored_at, p.number AS pr, c.url FROM changes c JOIN services s ON s.id = c.service_id
      LEFT JOIN pull_requests p ON p.id = c.pull_request_id ORDER BY s.name, c.sha`),
    parents: await q(
      'SELECT s.name AS service, cp.sha, cp.parent_sha FROM change_parents cp JOIN services s ON s.id = cp.service_id ORDER BY s.name, cp.sha, cp.parent_sha',
    ),
    shipped: await q(`SELECT s.name AS service, dc.sha, d.ext_id FROM deployment_changes dc JOIN services s ON s.id = dc.service_id
      JOIN deployments d ON d.id = dc.deployment_id ORDER BY s.name, dc.sha`),
    ci_runs: await q(`SELECT s.name AS service, r.source, r.ext_id, r.name, r.status, r.sha, r.branch, r.started_at, r.finished_at, r.url
      FROM ci_runs r JOIN services s ON s.id = r.service_id ORDER BY r.source, r.ext_id`),
    incidents:
      await q(`SELECT s.name AS service, i.source, i.ext_id, i.opened_at, i.resolved_at, i.severity, i.root_cause_sha, i.title, i.url
      FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY i.source, i.ext_id`),
  };
}

/** The same dump plus what only a collector writes: its cursors and the raw events. */
export async function dumpWithCursors(db: RowReader): Promise<Record<string, unknown[]>> {
  return {
    ...(await dumpDb(db)),
    cursors: await db.all('SELECT collector, resource, cursor, etag FROM collector_cursors ORDER BY collector, resource'),
    raw_events: await db.all('SELECT type, source, event_id, payload FROM raw_events ORDER BY type, source, event_id, payload'),
  };
}

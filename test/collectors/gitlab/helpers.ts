/** Shared by the GitLab collector tests: config for the health scenario, an in-process run, and the database dumps of the GitHub tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EitherDb } from '../../helpers/either-store';
import { createGitlabCollector, type GitlabCollectorOptions, type GitlabRunResult } from '../../../collectors/gitlab/collector';
import { loadConfig, type Config } from '../../../server/config';
import { collectorContext } from '../../../server/collectors/context';
import { healthSourcesYaml, NOW, ORGANISATION_YAML } from '../../fakes/gitlab/health';

export { dumpDb, dumpWithCursors } from '../github/helpers';

/** Retries and rate-limit waits in milliseconds rather than seconds. */
export const FAST = { retryBaseMs: 2, retries: 5, maxWaitSeconds: 60 };

/** Writes a config file for the health scenario served at `apiUrl` and loads it as the server would. */
export function healthConfig(
  apiUrl: string,
  opts: { extra?: string[]; env?: Record<string, string>; auth?: string[] } = {},
): Config & { file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-gl-')), 'deming.config.yaml');
  writeFileSync(file, `${ORGANISATION_YAML}\n${healthSourcesYaml(apiUrl, opts.extra, opts.auth)}\n`);
  return { ...loadConfig({ DEMING_CONFIG: file, DEMING_DB: ':memory:', ...opts.env }), file };
}

/** Runs the GitLab collector once, in this process, against `db`. */
export async function collect(
  db: EitherDb,
  config: Config,
  opts: Partial<GitlabCollectorOptions> & { now?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<GitlabRunResult> {
  // The collector writes through a store of its own on the database, as the CLI and the server do.
  const store = await db.open();
  try {
    if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
    const ctx = collectorContext({ store, config, now: () => opts.now ?? NOW, log: () => {} });
    return await createGitlabCollector({
      settings: config.gitlab!,
      ...opts,
      client: { timing: FAST, env: opts.env ?? {}, ...opts.client },
    }).run(ctx);
  } finally {
    await store.close();
  }
}

/**
 * `npx deming collect git <path-or-url> --service name [--release-tags 'v*']` (the `collect`
 * command dispatches here): reads any git repository into the configured database. Exit codes:
 * 0 done, 1 failed, 2 bad usage or not a git repository.
 */
import { dirname, join } from 'node:path';
import { createGitCollector, type GitRepository } from '../../collectors/git/collector';
import { gitDirOf, isGitUrl, NotARepositoryError } from '../../collectors/git/git';
import { skippedSentence } from '../../common/validate-events';
import { ConfigError } from '../config';
import { CommandUsageError, openLocalStore, parseOptions } from './local';
import { createProgress } from './progress';

/** How `collect git` is called, for its usage messages. */
export const COLLECT_GIT_USAGE = "collect git <path-or-url> --service <name> [--release-tags 'v*'] [--environment production] [--config file]";

const options = {
  service: { type: 'string' },
  'release-tags': { type: 'string', default: 'v*' },
  environment: { type: 'string', default: 'production' },
  config: { type: 'string' },
} as const;

/** Reads the repository; `args` are what follows `collect git`. Returns the exit code. */
export async function collectGit(args: string[]): Promise<number> {
  let repo: GitRepository;
  let configFile: string | undefined;
  try {
    const { values, positionals } = parseOptions(args, options);
    if (positionals.length !== 1) throw new CommandUsageError(`expected one repository (a path or a URL), got ${positionals.length}.`);
    if (!values.service) throw new CommandUsageError('--service is required: the service the repository is, such as --service acme/web.');
    repo = { location: positionals[0], service: values.service, releaseTags: values['release-tags'], environment: values.environment };
    configFile = values.config;
    if (!isGitUrl(repo.location)) await gitDirOf(repo.location);
  } catch (e) {
    if (e instanceof CommandUsageError) { console.error(`deming collect git: ${e.message}\nUsage: npx deming ${COLLECT_GIT_USAGE}`); return 2; }
    if (e instanceof NotARepositoryError) { console.error(`deming collect git: ${e.message}`); return 2; }
    throw e;
  }

  let store;
  try {
    store = openLocalStore(configFile, { forWriting: true });
  } catch (e) {
    if (e instanceof ConfigError) { console.error(`deming collect git: ${e.message}`); return 2; }
    throw e;
  }
  const progress = createProgress({ label: `git ${repo.service}`, unit: 'events stored' });
  try {
    const collector = createGitCollector({ repositories: [repo], cacheDir: join(dirname(store.config.dbFile), 'git-cache') });
    const s = store;
    const result = await collector.run({
      db: s.db,
      ingest: async (events, cursors) => s.ingest(events, { cursors }),
      now: Date.now,
      log: (msg, err) => { if (err) console.error(`deming collect git: ${msg}: ${(err as Error).message ?? err}`); },
      progress: (p) => progress.update(p.stored ?? 0),
    });
    if (result.errors.length > 0) {
      progress.finish(`git ${repo.service}: failed: ${result.errors.map((e) => e.message).join('; ')}`);
      return 1;
    }
    // What was skipped, said whether or not anything was stored (a repository of 1970 commits alone stores nothing).
    const skipped = store.skipped.count > 0 ? ` ${skippedSentence(store.skipped)}.` : '';
    progress.finish(result.stored === 0
      ? `git ${repo.service}: nothing new in ${repo.location} (release tags ${repo.releaseTags}).${skipped}`
      : `git ${repo.service}: stored ${result.stored} events (commits and release tags ${repo.releaseTags}) from ${repo.location} in ${store.config.dbFile}.${skipped}`);
    return 0;
  } finally {
    store.close();
  }
}

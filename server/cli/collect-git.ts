/**
 * `npx deming collect git <path-or-url> --service name [--include 'v*'] [--exclude …]` (the
 * `collect` command dispatches here): reads any git repository into the configured database.
 * Exit codes: 0 done, 1 failed (or no tag matched, with --strict), 2 bad usage, a rule that
 * cannot work, or not a git repository.
 */
import { dirname, join } from 'node:path';
import { compileRepositoryRules, createGitCollector, type GitRepository, type GitRepositoryResult } from '../../collectors/git/collector';
import { gitDirOf, isGitUrl, NotARepositoryError } from '../../collectors/git/git';
import { TagRuleError } from '../../collectors/git/rules';
import { skippedSentence } from '../../common/validate-events';
import { ConfigError } from '../config';
import { CommandUsageError, openLocalStore, parseOptions } from './local';
import { createProgress } from './progress';

/** How `collect git` is called, for its usage messages. */
export const COLLECT_GIT_USAGE =
  "collect git <path-or-url> --service <name> [--include 'v*'] [--exclude '*-rc*'] [--include-prereleases] [--all-branches | --branch main] [--environment production] [--commit-url URL] [--tag-url URL] [--strict] [--config file]";

/** `npx deming collect git --help`. */
export const COLLECT_GIT_HELP = `Usage: npx deming ${COLLECT_GIT_USAGE}

Reads a git repository (a clone, a bare mirror, or a URL git can clone) into the configured
database: every commit becomes a change, every release tag a successful deployment.

Which tags are releases:
  --include <globs>        tags that mark releases, comma-separated (default 'v*'; * any run, ? one
                           character, [0-9] one of a set). --release-tags is the same option.
  --exclude <globs>        tags that never do, even when included (such as '*-internal*').
  --include-prereleases    count semantic-version pre-releases (v2.0.0-rc.1, 1.4.0-beta.2) too;
                           they are left out by default.
  --branch <name>          the default branch: only tags it reaches count (default: the remote's
                           default branch, origin/HEAD, else the branch HEAD names).
  --all-branches           count tags on every branch (support branches too).

Collecting again with other rules re-maps what is stored: a tag that no longer counts, or was
deleted, is retracted (it stops counting; the raw log keeps every version), and one that counts
again is restored.

Other options:
  --service <name>         the service the repository is, such as acme/web (required).
  --environment <name>     the environment a release deploys to (default production).
  --commit-url <url>       link commits to another host: a URL with {sha}, such as
                           https://git.example.gov/acme/web/commit/{sha}. GitHub and GitLab remotes
                           are linked without it.
  --tag-url <url>          the same for tags, with {tag}.
  --strict                 exit 1 when no tag counts as a release (a warning otherwise).
  --config <file>          the configuration (default deming.config.yaml; DEMING_DB names the database).

Refs read: the commits of every local branch (refs/heads/*) and tag (refs/tags/*), and of the
default branch. A bare mirror (git clone --mirror, or a URL, which Deming clones bare) has every
branch of the remote there; a working clone has only the branches checked out, plus
origin/<default branch>, which is read too.`;

const options = {
  service: { type: 'string' },
  include: { type: 'string' },
  'release-tags': { type: 'string' },
  exclude: { type: 'string' },
  'include-prereleases': { type: 'boolean' },
  'all-branches': { type: 'boolean' },
  branch: { type: 'string' },
  environment: { type: 'string', default: 'production' },
  'commit-url': { type: 'string' },
  'tag-url': { type: 'string' },
  strict: { type: 'boolean' },
  config: { type: 'string' },
} as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** What was stored, in one sentence. */
function storedSentence(r: GitRepositoryResult): string {
  const parts = [plural(r.commits, 'commit'), plural(r.tags, 'release tag')];
  if (r.retracted > 0) parts.push(`${plural(r.retracted, 'tag')} retracted (no longer matching or deleted)`);
  return parts.join(', ');
}

/** Reads the repository; `args` are what follows `collect git`. Returns the exit code. */
export async function collectGit(args: string[]): Promise<number> {
  let repo: GitRepository;
  let configFile: string | undefined;
  let strict = false;
  const usage = (message: string) => {
    console.error(`deming collect git: ${message}\nUsage: npx deming ${COLLECT_GIT_USAGE}\n(npx deming collect git --help says more.)`);
    return 2;
  };
  try {
    const { values, positionals } = parseOptions(args, options);
    if (positionals.length !== 1) throw new CommandUsageError(`expected one repository (a path or a URL), got ${positionals.length}.`);
    if (!values.service) throw new CommandUsageError('--service is required: the service the repository is, such as --service acme/web.');
    if (values.include !== undefined && values['release-tags'] !== undefined)
      throw new CommandUsageError('--include and --release-tags are the same option: give one.');
    if (values['all-branches'] && values.branch !== undefined)
      throw new CommandUsageError('--all-branches counts tags on every branch, --branch on one: give one of them.');
    repo = {
      location: positionals[0],
      service: values.service,
      releaseTags: values.include ?? values['release-tags'] ?? 'v*',
      excludeTags: values.exclude,
      includePrereleases: values['include-prereleases'],
      allBranches: values['all-branches'],
      branch: values.branch,
      environment: values.environment,
      commitUrl: values['commit-url'],
      tagUrl: values['tag-url'],
    };
    strict = values.strict ?? false;
    configFile = values.config;
    compileRepositoryRules(repo);
    if (!isGitUrl(repo.location)) await gitDirOf(repo.location);
  } catch (e) {
    if (e instanceof CommandUsageError) return usage(e.message);
    if (e instanceof TagRuleError) return usage(e.message);
    if (e instanceof NotARepositoryError) {
      console.error(`deming collect git: ${e.message}`);
      return 2;
    }
    throw e;
  }

  let store;
  try {
    store = await openLocalStore(configFile, { forWriting: true });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`deming collect git: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const label = `git ${repo.service}`;
  const progress = createProgress({ label, unit: 'events' });
  // Reading a large history takes a while before the first event: say so, on a terminal or not.
  process.stderr.write(`${label}: reading ${repo.location}\n`);
  try {
    const collector = createGitCollector({ repositories: [repo], cacheDir: join(dirname(store.config.dbFile), 'git-cache') });
    const s = store;
    const result = await collector.run({
      store: s.store,
      ingest: (events, cursors) => s.ingest(events, { cursors }),
      now: Date.now,
      // A failure is said once, below, from the result; warnings are said as they come.
      log: (msg, err) => {
        if (!err && msg.includes(': warning: ')) console.error(msg);
      },
      // Events handled of those to send, known before the first is sent: the bar reaches 100% when the work is done.
      progress: (p) => {
        if (p.total) progress.update(p.processed ?? 0, p.total);
      },
    });
    const r = result.repositories[0];
    if (r?.badRule) return usage(`${r.error!} Nothing was stored.`);
    if (result.errors.length > 0) {
      progress.finish(`${label}: failed: ${result.errors.map((e) => e.message).join('; ')}`);
      return 1;
    }
    // What was skipped, said whether or not anything was stored (a repository of 1970 commits alone stores nothing).
    const skipped = store.skipped.count > 0 ? ` ${skippedSentence(store.skipped)}.` : '';
    const rules = `release tags ${repo.releaseTags}${repo.excludeTags ? ` except ${repo.excludeTags}` : ''}${r.branch ? ` on ${r.branch.replace(/^refs\/(heads|remotes)\//, '')}` : ' on every branch'}${repo.includePrereleases ? ', pre-releases included' : ''}`;
    progress.finish(
      result.stored === 0
        ? `${label}: nothing new in ${repo.location} (${rules}).${skipped}`
        : `${label}: stored ${storedSentence(r)} from ${repo.location} (${rules}) in ${store.config.dbFile}.${skipped}`,
    );
    if (r.noMatch) {
      console.error(
        `${label}: warning: no tag counts as a release (${r.noMatch}): no deployments, so no lead time or deployment frequency. Check --include, --exclude, --include-prereleases and --branch.`,
      );
      if (strict) return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * Any git repository, on any host: commits (with parents, committer and author times) become
 * changes, release tags become successful deployments. A release tag matches the include
 * patterns and none of the exclude patterns, is not a semantic-version pre-release (unless
 * asked), and is reached from the default branch (unless asked otherwise): collectors/git/rules.ts.
 *
 * Incremental: the cursor keeps the tips already read and the release tags already sent (with
 * their commit and time), so a re-run reads and sends only what is new, and nothing when nothing
 * is. Collecting again with other rules re-maps what was sent: a tag that no longer counts (or
 * was deleted) is sent again as `retracted`, through the one ingest path, and a tag that counts
 * again is sent again as a success.
 */
import { resolve } from 'node:path';
import type { NativeEventInput } from '../../common/events';
import type { Cursor } from '../../db/queries/cursors';
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { git, GitError, gitDirOf, isGitUrl, syncClone } from './git';
import { checkLinkPatterns, hostLinks, type LinkPatterns } from './links';
import { commitsToChanges, tagsToDeployments } from './map';
import { LOG_FORMAT, parseLog, parseTags, TAG_FORMAT, type Tag } from './parse';
import { classifyTags, compileRules, describeCounts, TagRuleError, type CompiledRules, type TagCounts } from './rules';

/** One repository to read, and what it is. */
export interface GitRepository extends LinkPatterns {
  /** A clone's top folder, a bare repository, or a URL git can clone. */
  location: string;
  /** The service the repository is, such as "acme/web". */
  service: string;
  /** Tags that mark releases (globs): `v*`, or several as `v*,release-*`. */
  releaseTags: string;
  /** Tags that never mark releases, even when `releaseTags` matches them. */
  excludeTags?: string;
  /** Count semantic-version pre-release tags (`v2.0.0-rc.1`) too. */
  includePrereleases?: boolean;
  /** Count tags the default branch does not reach (support branches) too. */
  allBranches?: boolean;
  /** The default branch; by default the remote's (`origin/HEAD`), else the branch HEAD names. */
  branch?: string;
  /** The environment a release tag deploys to; default `production`. */
  environment?: string;
}

/** The repositories, and where URLs are cloned. */
export interface GitCollectorOptions {
  repositories: GitRepository[];
  /** Where URLs are cloned (bare) and fetched, such as the database's folder + `/git-cache`. */
  cacheDir: string;
  batchSize?: number;
}

/** What one repository's run did. */
export interface GitRepositoryResult {
  service: string;
  resource: string;
  /** Events stored (new or changed): commits, release tags sent as successes, and tags retracted. */
  commits: number;
  tags: number;
  retracted: number;
  /** Every tag of the repository, by what the rules made of it. */
  tagCounts: TagCounts;
  /** The default branch release tags were checked against (null with `allBranches`). */
  branch: string | null;
  /** Set when no tag counts as a release: why, in words. */
  noMatch?: string;
  error?: string;
  /** The error is a rule that cannot work (bad usage): nothing was stored. */
  badRule?: boolean;
}

export interface GitRunResult extends CollectorRunResult {
  repositories: GitRepositoryResult[];
}
export interface GitCollector extends Collector {
  run(ctx: CollectorContext): Promise<GitRunResult>;
}

/** The collector's name, as its cursors are stored. */
export const GIT_COLLECTOR = 'git';

/** A release tag sent: its commit, its time (epoch ms). */
type SentTag = [sha: string, at: number];
interface GitCursor {
  tips: string[];
  tags: Record<string, SentTag | string>;
  environment?: string;
}

/** The cursor's resource: the service and where its repository is (a URL without credentials). */
export function resourceOf(repo: GitRepository): string {
  const where = isGitUrl(repo.location) ? repo.location.replace(/\/\/[^@/]+@/, '//') : resolve(repo.location);
  return `${repo.service} ${where}`;
}

function readCursor(c: Cursor | undefined): GitCursor {
  try {
    const v = c ? (JSON.parse(c.cursor) as Partial<GitCursor>) : {};
    return {
      tips: Array.isArray(v.tips) ? v.tips : [],
      tags: v.tags && typeof v.tags === 'object' ? v.tags : {},
      environment: typeof v.environment === 'string' ? v.environment : undefined,
    };
  } catch {
    return { tips: [], tags: {} };
  }
}

/** Checks a repository's rules before anything is read; a wrong one is a TagRuleError naming the option. */
export function compileRepositoryRules(repo: GitRepository): CompiledRules {
  checkLinkPatterns(repo);
  return compileRules({
    include: repo.releaseTags,
    exclude: repo.excludeTags,
    includePrereleases: repo.includePrereleases,
    allBranches: repo.allBranches,
  });
}

type Run = (args: string[], input?: string) => Promise<string>;

/** Runs git and answers null where it exits with an error (a ref that does not exist). */
const orNull = async (p: Promise<string>) => {
  try {
    return (await p).trim() || null;
  } catch (e) {
    if (e instanceof GitError) return null;
    throw e;
  }
};

/**
 * The ref of the default branch: `branch` as a local or `origin` branch when given; else the
 * remote's default (`refs/remotes/origin/HEAD`, which a clone has); else the branch HEAD names
 * (a bare mirror's HEAD is its remote's default branch).
 */
async function defaultBranch(run: Run, branch: string | undefined): Promise<string> {
  if (branch !== undefined) {
    for (const ref of [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`]) {
      if (await orNull(run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))) return ref;
    }
    throw new TagRuleError(
      '--branch',
      `the repository has no branch "${branch}" (neither local nor origin/${branch}): name an existing branch, or leave --branch out to use the default branch.`,
    );
  }
  for (const symbolic of ['refs/remotes/origin/HEAD', 'HEAD']) {
    const ref = await orNull(run(['symbolic-ref', '--quiet', symbolic]));
    if (ref && (await orNull(run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])))) return ref;
  }
  throw new TagRuleError(
    '--branch',
    'cannot tell the default branch (HEAD is detached or names a branch with no commits): name it with --branch main, or count tags on every branch with --all-branches.',
  );
}

/**
 * Reads one repository and stores what is new; returns what was stored, and how many events
 * were skipped for a timestamp out of range (a commit dated 1970, a clock far ahead).
 */
async function collectRepository(
  repo: GitRepository,
  o: GitCollectorOptions,
  ctx: CollectorContext,
  counted: () => void,
): Promise<GitRepositoryResult & { skipped: number }> {
  const resource = resourceOf(repo);
  const compiled = compileRepositoryRules(repo);
  counted();
  const gitDir = isGitUrl(repo.location) ? await syncClone(repo.location, o.cacheDir) : await gitDirOf(repo.location);
  const run: Run = (args, input) => {
    counted();
    return git(['--git-dir', gitDir, ...args], { input });
  };
  const stored = await ctx.store.getCursor(GIT_COLLECTOR, resource);
  const previous = readCursor(stored);
  const environment = repo.environment ?? 'production';

  const branch = repo.allBranches && repo.branch === undefined ? null : await defaultBranch(run, repo.branch);
  // Commits: every local branch and tag, and the default branch where it is a remote-tracking one (a clone's origin/main).
  const extra = branch && !branch.startsWith('refs/heads/') ? [branch] : [];
  const refs = (await run(['for-each-ref', '--format=%(objectname)%09%(objecttype)%09%(*objecttype)', 'refs/heads', 'refs/tags', ...extra]))
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([, type, peeled]) => type === 'commit' || (type === 'tag' && peeled === 'commit'))
    .map(([sha]) => sha);
  const tips = [...new Set(refs)].sort();
  // Tips read before that still exist (a force-push or a pruned branch may have removed some).
  const known =
    previous.tips.length === 0
      ? []
      : (await run(['cat-file', '--batch-check'], previous.tips.join('\n') + '\n'))
          .split('\n')
          .filter((l) => /^[0-9a-f]+ (commit|tag) /.test(l))
          .map((l) => l.split(' ')[0]);
  const commits =
    tips.length === 0 ? [] : parseLog(await run(['log', LOG_FORMAT, '--stdin'], [...tips, ...known.map((t) => `^${t}`)].join('\n') + '\n'));

  const allTags = parseTags(await run(['for-each-ref', TAG_FORMAT, 'refs/tags']));
  const reachable =
    branch === null
      ? null
      : new Set(
          (await run(['for-each-ref', `--merged=${branch}`, '--format=%(refname:strip=2)', 'refs/tags'])).split('\n').filter(Boolean),
        );
  // Throws, before anything is stored, when the exclude patterns take every included tag.
  const { releases, counts } = classifyTags(allTags, compiled, (t) => reachable === null || reachable.has(t.name));

  // What changed since the last run: tags that count now and were not sent (or moved, or the
  // environment changed), and tags sent before that no longer count.
  const environmentChanged = previous.environment !== undefined && previous.environment !== environment;
  const sentBefore = (name: string): SentTag | null => {
    const v = previous.tags[name];
    if (Array.isArray(v)) return v;
    // A cursor written before tag times were kept: the time is the tag's own, where it still exists.
    const t = typeof v === 'string' ? allTags.find((x) => x.name === name) : undefined;
    return typeof v === 'string' ? [v, t?.at ?? NaN] : null;
  };
  const counting = new Set(releases.map((t) => t.name));
  const toSend = releases.filter((t) => environmentChanged || sentBefore(t.name)?.[0] !== t.sha);
  const toRetract: Tag[] = [];
  for (const name of Object.keys(previous.tags)) {
    if (counting.has(name)) continue;
    const [sha, at] = sentBefore(name)!;
    if (Number.isFinite(at)) toRetract.push({ name, sha, at });
    else
      ctx.log(
        `git: ${repo.service}: warning: tag ${name} was deleted and its time is unknown (it was collected by an older version of Deming): it is not retracted; send it as retracted through the API to withdraw it`,
      );
  }

  const links = hostLinks(isGitUrl(repo.location) ? repo.location : await orNull(run(['config', '--get', 'remote.origin.url'])), repo);
  const groups: { kind: 'commits' | 'tags' | 'retracted'; events: NativeEventInput[] }[] = [
    { kind: 'commits', events: commitsToChanges(repo.service, commits, links) },
    { kind: 'tags', events: tagsToDeployments(repo.service, environment, toSend, links) },
    { kind: 'retracted', events: tagsToDeployments(repo.service, previous.environment ?? environment, toRetract, links, 'retracted') },
  ];
  const cursor: Cursor = {
    collector: GIT_COLLECTOR,
    resource,
    etag: null,
    cursor: JSON.stringify({
      tips,
      tags: Object.fromEntries(releases.map((t) => [t.name, [t.sha, t.at]])),
      environment,
    } satisfies GitCursor),
  };
  const result: GitRepositoryResult & { skipped: number } = {
    service: repo.service,
    resource,
    commits: 0,
    tags: 0,
    retracted: 0,
    tagCounts: counts,
    branch,
    skipped: 0,
    ...(releases.length === 0 ? { noMatch: describeCounts(counts, compiled) } : {}),
  };
  const total = groups.reduce((n, g) => n + g.events.length, 0);
  if (total === 0 && stored?.cursor === cursor.cursor) {
    ctx.progress?.({ resource, stored: 0, processed: 0, total: 0, done: true });
    return result;
  }
  // In batches, commits first (so a tag's walk finds them), the cursor with the last batch.
  const size = o.batchSize ?? 1000;
  const batches = groups.flatMap((g) =>
    Array.from({ length: Math.ceil(g.events.length / size) }, (_, i) => ({
      kind: g.kind,
      events: g.events.slice(i * size, (i + 1) * size),
    })),
  );
  if (batches.length === 0) batches.push({ kind: 'commits', events: [] });
  let processed = 0;
  for (const [i, b] of batches.entries()) {
    const last = i === batches.length - 1;
    const r = await ctx.ingest(b.events, last ? [cursor] : []);
    result[b.kind] += r.accepted + r.updated;
    result.skipped += r.skipped ?? 0;
    processed += b.events.length;
    ctx.progress?.({ resource, stored: result.commits + result.tags + result.retracted, processed, total, done: last });
  }
  ctx.log(
    `git: ${repo.service}: ${commits.length} new commits, ${toSend.length} release tags to send, ${toRetract.length} to retract; stored ${result.commits} commits, ${result.tags} release tags, ${result.retracted} retracted${result.skipped > 0 ? `, ${result.skipped} skipped for a timestamp out of range` : ''}`,
  );
  return result;
}

const noTags: TagCounts = { release: 0, 'not-included': 0, excluded: 0, prerelease: 0, 'off-branch': 0 };

/** A collector for the given repositories; one that fails is reported and the others go on. */
export function createGitCollector(o: GitCollectorOptions): GitCollector {
  return {
    name: GIT_COLLECTOR,
    async run(ctx: CollectorContext): Promise<GitRunResult> {
      const result: GitRunResult = {
        collector: GIT_COLLECTOR,
        startedAt: ctx.now(),
        finishedAt: 0,
        requests: 0,
        stored: 0,
        errors: [],
        skipped: 0,
        repositories: [],
      };
      for (const repo of o.repositories) {
        if (ctx.signal?.aborted) break;
        try {
          const { skipped, ...r } = await collectRepository(repo, o, ctx, () => {
            result.requests++;
          });
          result.stored += r.commits + r.tags + r.retracted;
          result.skipped! += skipped;
          result.repositories.push(r);
        } catch (e) {
          ctx.log(`git: ${resourceOf(repo)} failed`, e);
          const message = (e as Error).message;
          result.errors.push({ resource: resourceOf(repo), message });
          result.repositories.push({
            service: repo.service,
            resource: resourceOf(repo),
            commits: 0,
            tags: 0,
            retracted: 0,
            tagCounts: noTags,
            branch: null,
            error: message,
            badRule: e instanceof TagRuleError,
          });
        }
      }
      result.finishedAt = ctx.now();
      return result;
    },
  };
}

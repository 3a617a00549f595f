/**
 * Any git repository, on any host: commits (with parents and committer times) become changes,
 * release tags become successful production deployments. Incremental: the cursor keeps the
 * tips already read and the release tags already sent, so a re-run reads and sends only what
 * is new, and nothing when nothing is.
 */
import { resolve } from 'node:path';
import type { NativeEventInput } from '../../common/events';
import { getCursor, type Cursor } from '../../db/queries/cursors';
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { git, gitDirOf, isGitUrl, syncClone } from './git';
import { commitsToChanges, tagsToDeployments } from './map';
import { LOG_FORMAT, parseLog, parseTags, TAG_FORMAT, tagMatcher } from './parse';

/** One repository to read, and what it is. */
export interface GitRepository {
  /** A clone's top folder, a bare repository, or a URL git can clone. */
  location: string;
  /** The service the repository is, such as "acme/web". */
  service: string;
  /** Tags that mark releases: `v*`, or several as `v*,release-*`. */
  releaseTags: string;
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

/** The collector's name, as its cursors are stored. */
export const GIT_COLLECTOR = 'git';

interface GitCursor { tips: string[]; tags: Record<string, string> }

/** The cursor's resource: the service and where its repository is (a URL without credentials). */
export function resourceOf(repo: GitRepository): string {
  const where = isGitUrl(repo.location) ? repo.location.replace(/\/\/[^@/]+@/, '//') : resolve(repo.location);
  return `${repo.service} ${where}`;
}

function readCursor(c: Cursor | undefined): GitCursor {
  try {
    const v = c ? (JSON.parse(c.cursor) as Partial<GitCursor>) : {};
    return { tips: Array.isArray(v.tips) ? v.tips : [], tags: v.tags && typeof v.tags === 'object' ? v.tags : {} };
  } catch {
    return { tips: [], tags: {} };
  }
}

/**
 * Reads one repository and stores what is new; returns how many events were stored, and how
 * many were skipped for a timestamp out of range (a commit dated 1970, a clock far ahead).
 */
async function collectRepository(repo: GitRepository, o: GitCollectorOptions, ctx: CollectorContext, counted: () => void): Promise<{ stored: number; skipped: number }> {
  const resource = resourceOf(repo);
  counted();
  const gitDir = isGitUrl(repo.location) ? await syncClone(repo.location, o.cacheDir) : await gitDirOf(repo.location);
  const run = (args: string[], input?: string) => { counted(); return git(['--git-dir', gitDir, ...args], { input }); };
  const stored = getCursor(ctx.db, GIT_COLLECTOR, resource);
  const previous = readCursor(stored);

  const refs = (await run(['for-each-ref', '--format=%(objectname)%09%(objecttype)%09%(*objecttype)', 'refs/heads', 'refs/tags'])).split('\n')
    .map((l) => l.split('\t')).filter(([, type, peeled]) => type === 'commit' || (type === 'tag' && peeled === 'commit')).map(([sha]) => sha);
  const tips = [...new Set(refs)].sort();
  // Tips read before that still exist (a force-push or a pruned branch may have removed some).
  const known = previous.tips.length === 0 ? [] : (await run(['cat-file', '--batch-check'], previous.tips.join('\n') + '\n'))
    .split('\n').filter((l) => /^[0-9a-f]+ (commit|tag) /.test(l)).map((l) => l.split(' ')[0]);
  const commits = tips.length === 0 ? [] : parseLog(await run(['log', LOG_FORMAT, '--branches', '--tags', '--stdin'], known.map((t) => `^${t}`).join('\n') + '\n'));

  const isRelease = tagMatcher(repo.releaseTags);
  const releases = parseTags(await run(['for-each-ref', TAG_FORMAT, 'refs/tags'])).filter((t) => isRelease(t.name));
  const newReleases = releases.filter((t) => previous.tags[t.name] !== t.sha);

  const events: NativeEventInput[] = [
    ...commitsToChanges(repo.service, commits),
    ...tagsToDeployments(repo.service, repo.environment ?? 'production', newReleases),
  ];
  const cursor: Cursor = {
    collector: GIT_COLLECTOR, resource, etag: null,
    cursor: JSON.stringify({ tips, tags: Object.fromEntries(releases.map((t) => [t.name, t.sha])) } satisfies GitCursor),
  };
  if (events.length === 0 && stored?.cursor === cursor.cursor) {
    ctx.progress?.({ resource, stored: 0, done: true });
    return { stored: 0, skipped: 0 };
  }
  const size = o.batchSize ?? 1000;
  let n = 0;
  let skipped = 0;
  for (let i = 0; i < Math.max(events.length, 1); i += size) {
    const batch = events.slice(i, i + size);
    const last = i + size >= events.length;
    const r = await ctx.ingest(batch, last ? [cursor] : []);
    n += r.accepted + r.updated;
    skipped += r.skipped ?? 0;
    ctx.progress?.({ resource, stored: n, done: last });
  }
  ctx.log(`git: ${repo.service}: ${commits.length} new commits, ${newReleases.length} new release tags; ${n} events stored${skipped > 0 ? `, ${skipped} skipped for a timestamp out of range` : ''}`);
  return { stored: n, skipped };
}

/** A collector for the given repositories; one that fails is reported and the others go on. */
export function createGitCollector(o: GitCollectorOptions): Collector {
  return {
    name: GIT_COLLECTOR,
    async run(ctx: CollectorContext): Promise<CollectorRunResult> {
      const result: CollectorRunResult = { collector: GIT_COLLECTOR, startedAt: ctx.now(), finishedAt: 0, requests: 0, stored: 0, errors: [], skipped: 0 };
      for (const repo of o.repositories) {
        if (ctx.signal?.aborted) break;
        try {
          const r = await collectRepository(repo, o, ctx, () => { result.requests++; });
          result.stored += r.stored;
          result.skipped! += r.skipped;
        } catch (e) {
          ctx.log(`git: ${resourceOf(repo)} failed`, e);
          result.errors.push({ resource: resourceOf(repo), message: (e as Error).message });
        }
      }
      result.finishedAt = ctx.now();
      return result;
    },
  };
}

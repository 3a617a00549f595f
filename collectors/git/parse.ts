/**
 * The git output the collector asks for, parsed (pure). Only what lead time needs is asked for:
 * commit ids, parents, committer and author times, and tag names, targets and dates; never a
 * name or an e-mail address.
 */
import { anyGlobMatches, compileGlobs } from './rules';

/** `git log` format: sha, parent shas, committer time, author time (unix seconds), tab-separated. */
export const LOG_FORMAT = '--format=%H%x09%P%x09%ct%x09%at';

/** `git for-each-ref` format for tags: name, type, target, peeled target and type, tagger and committer dates. */
export const TAG_FORMAT =
  '--format=%(refname:strip=2)%09%(objecttype)%09%(objectname)%09%(*objecttype)%09%(*objectname)%09%(taggerdate:unix)%09%(committerdate:unix)%09%(*committerdate:unix)';

/** A commit: sha, parent shas, committer time and author time when git gave one (epoch ms). */
export interface Commit {
  sha: string;
  parents: string[];
  committedAt: number;
  authoredAt?: number;
}
/** A tag on a commit and when it was made (epoch ms). */
export interface Tag {
  name: string;
  sha: string;
  at: number;
}

const seconds = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) * 1000 : null);

/** Commits from `git log` output in {@link LOG_FORMAT}; malformed lines are skipped. */
export function parseLog(text: string): Commit[] {
  const out: Commit[] = [];
  for (const line of text.split('\n')) {
    const [sha, parents, ct, at] = line.split('\t');
    const committedAt = seconds(ct?.trim());
    if (!sha || !/^[0-9a-f]{40,64}$/.test(sha) || committedAt === null) continue;
    const authoredAt = seconds(at?.trim());
    out.push({
      sha,
      parents: parents ? parents.split(' ').filter(Boolean) : [],
      committedAt,
      ...(authoredAt === null ? {} : { authoredAt }),
    });
  }
  return out;
}

/**
 * Tags that point at commits, from `git for-each-ref` output in {@link TAG_FORMAT}: an annotated
 * tag is dated by its tagger, a lightweight one by its commit.
 */
export function parseTags(text: string): Tag[] {
  const out: Tag[] = [];
  for (const line of text.split('\n')) {
    const [name, type, target, peeledType, peeled, taggerDate, commitDate, peeledCommitDate] = line.split('\t');
    if (!name) continue;
    if (type === 'commit') {
      const at = seconds(commitDate);
      if (at !== null) out.push({ name, sha: target, at });
    } else if (type === 'tag' && peeledType === 'commit') {
      const at = seconds(taggerDate) ?? seconds(peeledCommitDate);
      if (at !== null) out.push({ name, sha: peeled, at });
    }
  }
  return out;
}

/** A tag pattern such as `v*` or `release-*,v*` (globs of ./rules.ts) as a matcher. */
export function tagMatcher(patterns: string, option = '--include'): (name: string) => boolean {
  const globs = compileGlobs(option, patterns);
  return (name) => anyGlobMatches(globs, name);
}

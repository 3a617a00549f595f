/**
 * Which tags are releases (pure): include and exclude globs, semantic-version pre-releases left
 * out unless asked for, and tags off the default branch left out unless asked for. Shared by
 * `collect git` and the GitHub collector's releases mode, so one tag means the same in both.
 *
 * Globs are matched without regular expressions (a tag name and a pattern are both short, but a
 * regular expression built from `*a*a*a*…` can take exponential time): `*` any run of
 * characters, `?` one, `[abc]`, `[a-z]` and `[!a-z]` one of (or none of) a set, `\` takes the
 * next character as it is. Several patterns are separated by commas.
 */

/** A rule that cannot work: the option (or configuration key) it came from, and the fix. */
export class TagRuleError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'TagRuleError';
  }
}

type Token =
  { kind: 'star' } | { kind: 'any' } | { kind: 'char'; c: string } | { kind: 'set'; negated: boolean; ranges: [string, string][] };

/** One compiled glob. */
export interface Glob {
  pattern: string;
  tokens: Token[];
}

/** At most this many patterns, each at most this long: a tag name is short, and so is a rule. */
const MAX_PATTERNS = 50,
  MAX_LENGTH = 200;
/** Characters git refuses in a tag name: a pattern containing one can match nothing. */
const REFUSED = /[\s~^:\x00-\x1f\x7f]/;

function compileOne(option: string, pattern: string): Glob {
  const fail = (why: string): never => {
    throw new TagRuleError(
      option,
      `"${pattern}" is not a valid glob: ${why}. Use * for any run of characters, ? for one, [0-9] for one of a set, such as 'v*' or 'release-[0-9]*'.`,
    );
  };
  if (pattern.length > MAX_LENGTH) fail(`it is longer than ${MAX_LENGTH} characters`);
  const refused = REFUSED.exec(pattern);
  if (refused) fail(`git does not allow ${JSON.stringify(refused[0])} in a tag name, so it would match nothing`);
  const chars = [...pattern];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '\\') {
      if (i + 1 >= chars.length) fail('it ends with a lone \\ (escape a character after it, or remove it)');
      tokens.push({ kind: 'char', c: chars[++i] });
    } else if (c === '[') {
      const start = i;
      let j = i + 1;
      const negated = chars[j] === '!' || chars[j] === '^';
      if (negated) j++;
      const ranges: [string, string][] = [];
      // A ']' right after '[' (or '[!') is a member, as in shell globs.
      let first = true;
      for (; j < chars.length && (chars[j] !== ']' || first); j++) {
        first = false;
        let lo = chars[j];
        if (lo === '\\' && j + 1 < chars.length) lo = chars[++j];
        if (chars[j + 1] === '-' && j + 2 < chars.length && chars[j + 2] !== ']') {
          let hi = chars[j + 2];
          j += 2;
          if (hi === '\\' && j + 1 < chars.length) hi = chars[++j];
          if (hi < lo) fail(`the range ${lo}-${hi} runs backwards (write ${hi}-${lo})`);
          ranges.push([lo, hi]);
        } else {
          ranges.push([lo, lo]);
        }
      }
      if (j >= chars.length) fail(`the [ at position ${start + 1} is not closed with ]`);
      tokens.push({ kind: 'set', negated, ranges });
      i = j;
    } else if (c === ']') {
      fail(`the ] at position ${i + 1} closes no [ (write \\] for the character itself)`);
    } else {
      tokens.push({ kind: 'char', c });
    }
  }
  return { pattern, tokens };
}

/** Compiles a comma-separated list of globs; an empty list or a malformed glob is a {@link TagRuleError} naming the option. */
export function compileGlobs(option: string, patterns: string): Glob[] {
  const list = patterns.split(',').map((p) => p.trim());
  if (list.every((p) => p === ''))
    throw new TagRuleError(option, "no pattern given: give one or more globs separated by commas, such as 'v*' or 'v*,release-*'.");
  if (list.some((p) => p === ''))
    throw new TagRuleError(option, `"${patterns}" has an empty pattern between commas: remove the extra comma.`);
  if (list.length > MAX_PATTERNS)
    throw new TagRuleError(option, `${list.length} patterns, more than ${MAX_PATTERNS}: use * to cover several.`);
  return list.map((p) => compileOne(option, p));
}

const matchesOne = (t: Token, c: string): boolean => {
  if (t.kind === 'any') return true;
  if (t.kind === 'char') return t.c === c;
  if (t.kind === 'set') return t.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== t.negated;
  return false;
};

/**
 * Whether `name` matches one glob: the greedy walk that goes back only to the last `*`, so the
 * time is at most the product of the two lengths, whatever the pattern.
 */
export function globMatches(g: Glob, name: string): boolean {
  const s = [...name];
  const t = g.tokens;
  let i = 0,
    j = 0,
    star = -1,
    mark = 0;
  while (i < s.length) {
    if (j < t.length && t[j].kind !== 'star' && matchesOne(t[j], s[i])) {
      i++;
      j++;
    } else if (j < t.length && t[j].kind === 'star') {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (j < t.length && t[j].kind === 'star') j++;
  return j === t.length;
}

/** Whether any of the globs matches. */
export const anyGlobMatches = (globs: readonly Glob[], name: string): boolean => globs.some((g) => globMatches(g, name));

/**
 * Whether a tag names a semantic-version pre-release: `MAJOR.MINOR.PATCH-PRERELEASE` with an
 * optional prefix (`v`, `release-`, `api/v`) and build metadata (`+build.5`), such as
 * `v5.0.0-beta.1`, `1.2.3-rc.1` or `v2.0.0-internal.0`. `v1.2.3`, `v1.2.3+build.5` and
 * `release-2026-03-01` are not.
 */
export function isPrerelease(name: string): boolean {
  return /(?:^|[^0-9.])\d+\.\d+\.\d+-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(name);
}

/** What makes a tag a release. */
export interface ReleaseRules {
  /** Globs a release tag matches (comma-separated): `v*` by default. */
  include: string;
  /** Globs of tags that are never releases, even when included. */
  exclude?: string;
  /** Count semantic-version pre-releases (`v2.0.0-rc.1`) too. */
  includePrereleases?: boolean;
  /** Count tags that the default branch does not reach (support branches) too. */
  allBranches?: boolean;
}

/** The rules, compiled: checked before anything is read or stored. `names` says which option or key each part came from. */
export interface CompiledRules {
  isRelease(name: string, reachable: boolean): TagVerdict;
  rules: ReleaseRules;
  names: { include: string; exclude: string };
}

/** Why a tag is or is not a release. */
export type TagVerdict = 'release' | 'not-included' | 'excluded' | 'prerelease' | 'off-branch';

export function compileRules(rules: ReleaseRules, names = { include: '--include', exclude: '--exclude' }): CompiledRules {
  const include = compileGlobs(names.include, rules.include);
  const exclude = rules.exclude === undefined ? [] : compileGlobs(names.exclude, rules.exclude);
  return {
    rules,
    names,
    isRelease(name, reachable) {
      if (!anyGlobMatches(include, name)) return 'not-included';
      if (anyGlobMatches(exclude, name)) return 'excluded';
      if (!rules.includePrereleases && isPrerelease(name)) return 'prerelease';
      if (!rules.allBranches && !reachable) return 'off-branch';
      return 'release';
    },
  };
}

/** How many tags each verdict got. */
export type TagCounts = Record<TagVerdict, number>;

/**
 * Sorts tags by verdict. When the include patterns matched some tags and the exclude patterns
 * took every one of them, the rules are a mistake, not a setting: a {@link TagRuleError}.
 */
export function classifyTags<T extends { name: string }>(
  tags: readonly T[],
  compiled: CompiledRules,
  reachable: (t: T) => boolean,
): { releases: T[]; counts: TagCounts } {
  const counts: TagCounts = { release: 0, 'not-included': 0, excluded: 0, prerelease: 0, 'off-branch': 0 };
  const releases: T[] = [];
  for (const t of tags) {
    const v = compiled.isRelease(t.name, reachable(t));
    counts[v]++;
    if (v === 'release') releases.push(t);
  }
  const included = tags.length - counts['not-included'];
  if (included > 0 && counts.excluded === included) {
    throw new TagRuleError(
      compiled.names.exclude,
      `"${compiled.rules.exclude}" excludes every tag that ${compiled.names.include} "${compiled.rules.include}" matches (${included}), so nothing would count as a release: narrow the exclude pattern (such as '*-rc*') or widen the include pattern.`,
    );
  }
  return { releases, counts };
}

/** Why no tag counted, in words: "12 tags: 3 not matching 'v*', 2 excluded, 4 pre-releases, 3 not on the default branch". */
export function describeCounts(counts: TagCounts, compiled: CompiledRules): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return 'the repository has no tags';
  const parts = [
    counts['not-included'] > 0 ? `${counts['not-included']} not matching ${compiled.names.include} '${compiled.rules.include}'` : '',
    counts.excluded > 0 ? `${counts.excluded} excluded by ${compiled.names.exclude} '${compiled.rules.exclude}'` : '',
    counts.prerelease > 0 ? `${counts.prerelease} pre-release${counts.prerelease === 1 ? '' : 's'}` : '',
    counts['off-branch'] > 0 ? `${counts['off-branch']} not on the default branch` : '',
  ].filter(Boolean);
  return `${total} tag${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

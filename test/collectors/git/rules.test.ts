import { describe, expect, it } from 'vitest';
import { compileGlobs, compileRules, globMatches, isPrerelease, TagRuleError } from '../../../collectors/git/rules';
import { hostLinks, parseRemote } from '../../../collectors/git/links';

const matches = (pattern: string, name: string) => compileGlobs('--include', pattern).some((g) => globMatches(g, name));

describe('release tag rules', () => {
  it.each([
    ['v*', 'v1.2.3', true],
    ['v*', 'nightly-1', false],
    ['v?.?', 'v1.2', true],
    ['v?.?', 'v1.22', false],
    ['release-*,v*', 'release-2026.03', true],
    ['1.*', '1x2', false],
    ['v[0-9]*', 'v2.0', true],
    ['v[0-9]*', 'vx', false],
    ['v[!0]*', 'v0.1', false],
    ['v[!0]*', 'v1.0', true],
    ['*-rc*', 'v2.0.0-rc.1', true],
    ['v\\*', 'v*', true],
    ['v\\*', 'v1', false],
    ['*a*b', 'xaxxb', true],
    ['*a*b', 'xabx', false],
  ])('%s matches %s: %s', (pattern, name, ok) => {
    expect(matches(pattern, name)).toBe(ok);
  });

  it('answers a pattern that makes a regular expression backtrack for hours', () => {
    // As ^(.*a){40}.*b$, this would not finish; the walk goes back only to the last *.
    expect(matches(`${'*a'.repeat(40)}*b`, 'a'.repeat(190))).toBe(false);
    expect(matches(`${'*a'.repeat(40)}*b`, `${'a'.repeat(40)}b`)).toBe(true);
  });

  it.each([
    ['v[1-', /the \[ at position 2 is not closed with \]/],
    ['v]', /closes no \[/],
    ['v[z-a]', /the range z-a runs backwards/],
    ['v\\', /ends with a lone \\/],
    ['v 1', /git does not allow " " in a tag name/],
    ['', /no pattern given/],
    ['v*,,x', /empty pattern between commas/],
  ])('refuses %j, naming the option and the fix', (pattern, message) => {
    expect(() => compileGlobs('--include', pattern)).toThrow(TagRuleError);
    expect(() => compileGlobs('--include', pattern)).toThrow(message);
    expect(() => compileGlobs('--include', pattern)).toThrow(/^--include: /);
  });

  it.each([
    ['v5.0.0-beta.1', true],
    ['1.2.3-rc.1', true],
    ['v2.0.0-internal.0', true],
    ['api/v1.0.0-alpha', true],
    ['v1.0.0-rc.1+build.7', true],
    ['v1.2.3', false],
    ['v1.2.3+build.5', false],
    ['release-2026-03-01', false],
    ['v1.2-hotfix', false],
    ['nightly-7', false],
  ])('%s is a semantic-version pre-release: %s', (name, yes) => {
    expect(isPrerelease(name)).toBe(yes);
  });

  it('says why a tag is not a release, in order: not included, excluded, pre-release, off the default branch', () => {
    const rules = compileRules({ include: 'v*', exclude: 'v0*' });
    expect(rules.isRelease('x1', true)).toBe('not-included');
    expect(rules.isRelease('v0.1.0', true)).toBe('excluded');
    expect(rules.isRelease('v1.0.0-rc.1', true)).toBe('prerelease');
    expect(rules.isRelease('v1.0.1', false)).toBe('off-branch');
    expect(rules.isRelease('v1.0.1', true)).toBe('release');
    expect(compileRules({ include: 'v*', includePrereleases: true, allBranches: true }).isRelease('v1.0.0-rc.1', false)).toBe('release');
  });
});

describe('links to the repository host', () => {
  it('reads GitHub and GitLab remotes in every form, never keeping credentials', () => {
    for (const remote of [
      'git@github.com:acme/app.git',
      'https://github.com/acme/app',
      'https://user:ghp_secret@github.com/acme/app.git',
      'ssh://git@github.com/acme/app.git',
    ]) {
      const links = hostLinks(remote);
      expect(links.commit!('abc')).toBe('https://github.com/acme/app/commit/abc');
      expect(links.tag!('v1.0.0')).toBe('https://github.com/acme/app/releases/tag/v1.0.0');
    }
    const gitlab = hostLinks('git@gitlab.com:group/sub/app.git');
    expect(gitlab.commit!('abc')).toBe('https://gitlab.com/group/sub/app/-/commit/abc');
    expect(gitlab.tag!('release/1 0')).toBe('https://gitlab.com/group/sub/app/-/tags/release/1%200');
    expect(hostLinks('https://git.example.gov/acme/app.git')).toEqual({});
    expect(hostLinks('/srv/repos/app')).toEqual({});
    expect(parseRemote('https://github.com/../../etc')).toBeNull();
  });

  it('takes configured patterns for any other host', () => {
    const links = hostLinks('https://git.example.gov/acme/app.git', {
      commitUrl: 'https://git.example.gov/acme/app/commit/{sha}',
      tagUrl: 'https://git.example.gov/acme/app/tag/{tag}',
    });
    expect(links.commit!('abc')).toBe('https://git.example.gov/acme/app/commit/abc');
    expect(links.tag!('v1?x')).toBe('https://git.example.gov/acme/app/tag/v1%3Fx');
  });
});

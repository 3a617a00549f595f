import { describe, expect, it } from 'vitest';
import { parseLog, parseTags, tagMatcher } from '../../../collectors/git/parse';
import { commitsToChanges, tagsToDeployments } from '../../../collectors/git/map';
import { cachePathOf, isGitUrl } from '../../../collectors/git/git';

const a = 'a'.repeat(40),
  b = 'b'.repeat(40),
  c = 'c'.repeat(40),
  t = 'd'.repeat(40);

describe('git output parsers', () => {
  it('reads commits with no, one and two parents, skipping noise', () => {
    expect(parseLog(`${a}\t\t1772323200\n${b}\t${a}\t1772409600\n${c}\t${b} ${a}\t1772496000\nwarning: something\n`)).toEqual([
      { sha: a, parents: [], committedAt: 1772323200_000 },
      { sha: b, parents: [a], committedAt: 1772409600_000 },
      { sha: c, parents: [b, a], committedAt: 1772496000_000 },
    ]);
  });

  it('dates an annotated tag by its tagger and a lightweight one by its commit; other targets are skipped', () => {
    expect(
      parseTags(
        [
          `v1.0\ttag\t${t}\tcommit\t${a}\t1772496000\t\t1772323200`,
          `v1.1\tcommit\t${b}\t\t\t\t1772409600\t`,
          `tree-tag\ttag\t${t}\ttree\t${c}\t1772496000\t\t`,
        ].join('\n'),
      ),
    ).toEqual([
      { name: 'v1.0', sha: a, at: 1772496000_000 },
      { name: 'v1.1', sha: b, at: 1772409600_000 },
    ]);
  });

  it.each([
    ['v*', 'v1.2.3', true],
    ['v*', 'nightly-1', false],
    ['v?.?', 'v1.2', true],
    ['v?.?', 'v1.22', false],
    ['release-*,v*', 'release-2026.03', true],
    ['1.*', '1x2', false],
  ])('matches %s against %s: %s', (pattern, name, ok) => {
    expect(tagMatcher(pattern)(name)).toBe(ok);
  });
});

describe('git mappers', () => {
  it('makes changes with parents and deployments named by their tag', () => {
    expect(commitsToChanges('acme/app', [{ sha: b, parents: [a], committedAt: 0 }])).toEqual([
      { type: 'change', source: 'git:acme/app', service: 'acme/app', sha: b, committedAt: '1970-01-01T00:00:00.000Z', parents: [a] },
    ]);
    expect(tagsToDeployments('acme/app', 'production', [{ name: 'v1', sha: a, at: 0 }])).toEqual([
      {
        type: 'deployment',
        source: 'git:acme/app',
        id: 'v1',
        service: 'acme/app',
        environment: 'production',
        status: 'success',
        sha: a,
        finishedAt: '1970-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('tells URLs from paths and keeps one cache folder per URL', () => {
    expect(['https://example.org/a/b.git', 'ssh://git@host/x', 'file:///tmp/x', 'git@gitlab.example:group/app.git'].every(isGitUrl)).toBe(
      true,
    );
    expect(['/srv/repos/app', './app', 'C:/repos/app'].some(isGitUrl)).toBe(false);
    expect(cachePathOf('/data/git-cache', 'https://example.org/group/app.git')).toMatch(/^\/data\/git-cache\/app-[0-9a-f]{12}\.git$/);
    expect(cachePathOf('/c', 'https://a.example/app.git')).not.toBe(cachePathOf('/c', 'https://b.example/app.git'));
  });
});

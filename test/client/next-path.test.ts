import { describe, expect, it } from 'vitest';
import { loginPath, safeNextPath } from '../../client/lib/next-path';

describe('safeNextPath', () => {
  it.each([
    ['/team/payments', '/team/payments'],
    ['/service/acme/api?from=2026-01-01&to=2026-02-01', '/service/acme/api?from=2026-01-01&to=2026-02-01'],
    ['/loops/team/x?loop=12#act', '/loops/team/x?loop=12#act'],
    ['/service/acme/%3Csvg%3E', '/service/acme/%3Csvg%3E'],
    ['/', '/'],
  ])('follows the path of this site %s', (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  it.each([
    ['another host, protocol-relative', '//evil.example'],
    ['another host, protocol-relative with a path', '//evil.example/team/x'],
    ['another origin', 'https://evil.example'],
    ['another origin, http', 'http://evil.example/'],
    ['a backslash read as a slash', '/\\evil.example'],
    ['backslashes both', '\\\\evil.example'],
    ['a backslash later on', '/team/\\evil'],
    ['a script', 'javascript:alert(1)'],
    ['a script, upper case', 'JavaScript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['a tab the URL parser drops', '/\t/evil.example'],
    ['a newline the URL parser drops', '/\n/evil.example'],
    ['a leading space', ' /team/x'],
    ['a relative path', 'team/x'],
    ['nothing', ''],
    ['absent', null],
    ['the login page itself', '/login?next=/team/x'],
    ['the login page, nested', '/login/'],
    ['dot segments climbing to another host', '/./\\evil.example'],
  ])('refuses %s', (_why, raw) => {
    expect(safeNextPath(raw)).toBe('/');
  });

  it('keeps what the URL parser would make of dot segments on this site', () => {
    expect(safeNextPath('/team/../org')).toBe('/org');
    expect(safeNextPath('/..//evil.example')).toBe('/');
  });
});

describe('loginPath', () => {
  it('asks the login page to come back to the page and its query', () => {
    expect(loginPath('/team/payments', '?from=2026-01-01')).toBe('/login?next=%2Fteam%2Fpayments%3Ffrom%3D2026-01-01');
    expect(safeNextPath(new URLSearchParams(loginPath('/team/payments', '?from=2026-01-01').split('?')[1]).get('next'))).toBe(
      '/team/payments?from=2026-01-01',
    );
  });

  it('needs no next for the summary or for a path that is not to be followed', () => {
    expect(loginPath('/')).toBe('/login');
    expect(loginPath('//evil.example')).toBe('/login');
  });
});

import { describe, expect, it } from 'vitest';
import { safeHref } from '../../client/lib/safe-href';

describe('safeHref', () => {
  it.each([
    ['https://github.com/acme/api/commit/abc123', 'https://github.com/acme/api/commit/abc123'],
    ['http://ci.example/runs/1?x=1#y', 'http://ci.example/runs/1?x=1#y'],
    ['HTTPS://Example.COM/a', 'https://example.com/a'],
    ['https://example.com/<img src=x onerror=alert(1)>', 'https://example.com/%3Cimg%20src=x%20onerror=alert(1)%3E'],
  ])('links to the http(s) URL %s', (url, expected) => {
    expect(safeHref(url)).toBe(expected);
  });

  it.each([
    ['javascript:alert(1)'],
    ['JAVASCRIPT:alert(1)'],
    [' javascript:alert(1)'],
    ['java\tscript:alert(1)'],
    ['java\nscript:alert(1)'],
    ['\u0000javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    ['file:///etc/passwd'],
    ['ftp://example.com/'],
    ['//evil.example/x'],
    ['/relative/path'],
    ['not a url'],
    [''],
    [null],
    [undefined],
  ])('shows %j as text, not a link', (url) => {
    expect(safeHref(url)).toBeNull();
  });
});

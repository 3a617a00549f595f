/**
 * Links built from event data (a commit's, deployment's or incident's `url`). The server accepts
 * only http(s) URLs, but the dashboard checks again: `javascript:` and every other scheme never
 * becomes an href.
 */

/** The URL as the browser would read it when it is an absolute http(s) URL; otherwise null (shown as text). */
export function safeHref(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url === '') return null;
  let parsed: URL;
  try {
    // No base: a relative URL or a bare word is not a link to follow.
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  // The parsed form, so what was checked is what is followed (the parser drops tabs, newlines, spaces around).
  return parsed.href;
}

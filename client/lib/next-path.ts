/**
 * Where to go after signing in: `/login?next=<path>`. Only a path of this site is followed, never
 * another origin, so a link to the login page cannot send a person elsewhere once signed in.
 */

export const LOGIN_PATH = '/login';

/** Any base will do: it only tells a path of this site from a URL that leaves it. */
const BASE = 'http://deming.invalid';

/**
 * The `next` parameter as a same-site path with its query and fragment, or `/`. Refused: anything
 * not starting with one `/` (`https://…`, `javascript:`), `//host` and `/\host` (which browsers
 * read as another host), backslashes, control characters and spaces (tabs and newlines are
 * dropped by URL parsers, turning `/\t/host` into `//host`), and the login page itself.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//')) return '/';
  if (/[\\\s\u0000-\u001f\u007f]/.test(raw)) return '/';
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // What the URL parser made of it must still be one path of this site.
  if (!path.startsWith('/') || path.startsWith('//')) return '/';
  return url.pathname === LOGIN_PATH || url.pathname.startsWith(`${LOGIN_PATH}/`) ? '/' : path;
}

/** The login page, asked to come back to `pathname` + `search` afterwards (`/` needs no `next`). */
export function loginPath(pathname: string, search = ''): string {
  const next = safeNextPath(`${pathname}${search}`);
  return next === '/' ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ next }).toString()}`;
}

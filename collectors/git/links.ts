/**
 * Links to a repository's commits and tags on its host (pure): GitHub and GitLab are known from
 * the remote's URL; any other host takes URL patterns (`--commit-url`, `--tag-url`). Credentials
 * in a remote URL never reach a link, and a remote that is not a recognisable host gives none.
 */
import { TagRuleError } from './rules';

/** Where a commit and a tag are shown; either may be absent. */
export interface HostLinks {
  commit?: (sha: string) => string;
  tag?: (name: string) => string;
}

/** URL patterns for another host: `{sha}` and `{tag}` are filled in. */
export interface LinkPatterns {
  commitUrl?: string;
  tagUrl?: string;
}

/** The host and path of a remote URL (`git@host:group/app.git`, `https://user:token@host/group/app`), without credentials or `.git`. */
export function parseRemote(remote: string): { host: string; path: string } | null {
  const text = remote.trim();
  let host: string, path: string;
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(text);
  if (scp) {
    [, host, path] = scp;
  } else {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(u.protocol)) return null;
    host = u.hostname;
    path = decodeURIComponent(u.pathname);
  }
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  // group/sub/project: plain names only, so nothing odd ends up in a link.
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(path) || path.split('/').some((s) => s === '.' || s === '..')) return null;
  if (!/^[A-Za-z0-9.-]+$/.test(host)) return null;
  return { host: host.toLowerCase(), path };
}

/** A tag name in a URL path: each `/`-separated part encoded. */
const encodeTag = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/** Checks a configured pattern: an http(s) URL holding its placeholder. */
function checkPattern(option: string, pattern: string, placeholder: string): string {
  const sample = pattern.replaceAll(placeholder, 'x');
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(sample).protocol);
  } catch {
    ok = false;
  }
  if (!ok || !pattern.includes(placeholder) || pattern.length > 1000) {
    throw new TagRuleError(
      option,
      `"${pattern.slice(0, 200)}" is not a link pattern: give an http(s) URL with ${placeholder} where the ${placeholder === '{sha}' ? 'commit id' : 'tag name'} goes, such as https://git.example.gov/acme/app/${placeholder === '{sha}' ? 'commit/{sha}' : 'tags/{tag}'}.`,
    );
  }
  return pattern;
}

/** Checks the configured patterns before anything is read; a wrong one is a TagRuleError naming the option. */
export function checkLinkPatterns(p: LinkPatterns): void {
  if (p.commitUrl !== undefined) checkPattern('--commit-url', p.commitUrl, '{sha}');
  if (p.tagUrl !== undefined) checkPattern('--tag-url', p.tagUrl, '{tag}');
}

/** The links of a repository: configured patterns win; else GitHub's or GitLab's, from the remote. */
export function hostLinks(remote: string | null, patterns: LinkPatterns = {}): HostLinks {
  const links: HostLinks = {};
  const r = remote ? parseRemote(remote) : null;
  if (r && r.host === 'github.com') {
    const base = `https://github.com/${r.path}`;
    links.commit = (sha) => `${base}/commit/${sha}`;
    links.tag = (name) => `${base}/releases/tag/${encodeTag(name)}`;
  } else if (r && (r.host === 'gitlab.com' || r.host.startsWith('gitlab.'))) {
    const base = `https://${r.host}/${r.path}`;
    links.commit = (sha) => `${base}/-/commit/${sha}`;
    links.tag = (name) => `${base}/-/tags/${encodeTag(name)}`;
  }
  if (patterns.commitUrl) {
    const p = patterns.commitUrl;
    links.commit = (sha) => p.replaceAll('{sha}', sha);
  }
  if (patterns.tagUrl) {
    const p = patterns.tagUrl;
    links.tag = (name) => p.replaceAll('{tag}', encodeTag(name));
  }
  return links;
}

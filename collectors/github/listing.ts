/**
 * Reads a GitHub list that is sorted newest first, page by page, down to the first item older
 * than a watermark. The first page is a conditional request: when nothing changed GitHub
 * answers 304, which costs no rate limit, and nothing more is asked.
 */
import type { z } from 'zod';
import { isNotModified, type GithubClient } from './client';

/**
 * A list read: unchanged (304), or its items newest first, the first page's ETag, whether it
 * stopped at an older item (rather than the list's end), and whether `finishPage` refused one.
 */
export type Listing<T> =
  { notModified: true } | { notModified: false; items: T[]; etag: string | null; stoppedAtOlder: boolean; refused: boolean };

export interface ListOptions<T> {
  /** The first page's ETag from the last complete read. */
  etag: string | null;
  /** True for the first item that is older than what is wanted: reading stops there. */
  isOlder: (item: T) => boolean;
  /** The list is only roughly in order (releases): read to the end of the page where older items begin. */
  loose?: boolean;
  /** On the page where older items begin, keep those after it that this accepts too (a page already paid for). */
  finishPage?: (item: T) => boolean;
  signal?: AbortSignal;
}

/** Reads newest-first pages until `isOlder`; answers the items newest first and the first page's ETag. */
export async function listNewestFirst<T>(
  client: GithubClient,
  route: string,
  params: Record<string, string | number>,
  item: z.ZodType<T>,
  opts: ListOptions<T>,
): Promise<Listing<T>> {
  const headers: Record<string, string> = opts.etag ? { 'if-none-match': opts.etag } : {};
  const pages = client.octokit.paginate.iterator(route, { ...params, per_page: 100, headers });
  const items: T[] = [];
  let etag: string | null = null;
  let first = true;
  let refused = false;
  try {
    for await (const page of pages) {
      if (first) etag = typeof page.headers.etag === 'string' ? page.headers.etag : null;
      first = false;
      const list = (item.array() as z.ZodType<T[]>).parse(page.data);
      let older = false;
      for (const x of list) {
        if (opts.isOlder(x) || (older && opts.finishPage)) {
          older = true;
          if (opts.finishPage?.(x)) items.push(x);
          else refused = true;
          if (opts.loose || opts.finishPage) continue;
          break;
        }
        items.push(x);
      }
      if (older) return { notModified: false, items, etag, stoppedAtOlder: true, refused };
      opts.signal?.throwIfAborted();
    }
  } catch (e) {
    if (first && isNotModified(e)) return { notModified: true };
    throw e;
  }
  return { notModified: false, items, etag, stoppedAtOlder: false, refused };
}

/** Splits a list into runs of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What a probe found: nothing changed (304), or the list's first page has changed (and whether it is empty). */
export type Probe = { notModified: true } | { notModified: false; etag: string | null; empty: boolean };

/**
 * Asks whether a newest-first list has changed since `etag`, with its first page of one item: a
 * conditional request, answered 304 (free) when nothing was added or updated, since whatever
 * changes goes to the top. What changed is then read through GraphQL.
 */
export async function probe(
  client: GithubClient,
  route: string,
  params: Record<string, string | number>,
  etag: string | null,
): Promise<Probe> {
  try {
    const res = await client.octokit.request(route, { ...params, per_page: 1, headers: etag ? { 'if-none-match': etag } : {} });
    const data = res.data as unknown;
    const items = Array.isArray(data) ? data : Object.values(data as object).find(Array.isArray);
    return { notModified: false, etag: typeof res.headers.etag === 'string' ? res.headers.etag : null, empty: !items?.length };
  } catch (e) {
    if (etag && isNotModified(e)) return { notModified: true };
    throw e;
  }
}

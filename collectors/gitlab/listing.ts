/**
 * Reading GitLab's lists from a watermark. REST lists are read oldest updated first
 * (`order_by=updated_at&sort=asc&updated_after=`), each next page asked from the last item's time
 * (a keyset on time: an item updated meanwhile moves to the end rather than shifting a page under
 * the reader), a second before it so an `updated_after` that is exclusive loses nothing, the
 * overlap dropped by id. `X-Next-Page` says whether there is more (a short page is not the end).
 */
import { z } from 'zod';
import type { GitlabClient, Query } from './client';

const PER_PAGE = 100;
/** Each next page is asked from a second before the last item, so ties at the boundary are not lost. */
const OVERLAP_MS = 1000;

export const before = (iso: string, ms = OVERLAP_MS): string => new Date(Date.parse(iso) - ms).toISOString();

/** Pages of items updated since `from` (inclusive, less a second), oldest first, each item once. */
export async function* updatedSince<T extends { id: number; updated_at: string }>(
  client: GitlabClient,
  path: string,
  query: Query,
  item: z.ZodType<T>,
  from: string,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  let after = before(from);
  let page = 1;
  const seen = new Set<string>();
  for (;;) {
    const res = await client.get(
      path,
      { ...query, updated_after: after, order_by: 'updated_at', sort: 'asc', per_page: PER_PAGE, page: page > 1 ? page : undefined },
      z.array(item),
    );
    const fresh = res.data.filter((x) => !seen.has(`${x.id} ${x.updated_at}`));
    for (const x of fresh) seen.add(`${x.id} ${x.updated_at}`);
    const sorted = [...fresh].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    yield sorted;
    if (!res.nextPage || res.data.length === 0) return;
    const last = res.data.reduce((m, x) => (Date.parse(x.updated_at) > Date.parse(m) ? x.updated_at : m), res.data[0].updated_at);
    const next = before(last);
    // No progress in time (a page of ties): take the next page of the same query instead.
    if (fresh.length === 0 || Date.parse(next) <= Date.parse(after)) page++;
    else {
      after = next;
      page = 1;
    }
    signal?.throwIfAborted();
  }
}

/** Every page of a plain list (`X-Next-Page`), for lists without a time filter. */
export async function listAll<T>(client: GitlabClient, path: string, query: Query, item: z.ZodType<T>, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let page: string | null = '1';
  while (page) {
    const res: Awaited<ReturnType<typeof client.get<T[]>>> = await client.get(
      path,
      { ...query, per_page: PER_PAGE, page: page === '1' ? undefined : page },
      z.array(item),
    );
    out.push(...res.data);
    page = res.nextPage;
    signal?.throwIfAborted();
  }
  return out;
}

/** A path segment for an id or a namespaced path (`health%2Fclinics%2Fbooking`). */
export const idOrPath = (v: string | number): string => encodeURIComponent(String(v));

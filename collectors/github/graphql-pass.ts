/**
 * A resource read through GraphQL newest first (merged pull requests, deployments), decided by a
 * REST probe: a conditional request for the list's first item, answered 304 when nothing
 * changed, so a run with nothing new costs no GraphQL query. When it changed, GraphQL pages are
 * read newest first down to the watermark and each page is stored as it comes, with the pass
 * (its newest time and the next page's cursor) in the cursor: recent history shows first, and a
 * run killed mid-pass goes on from the page after the last one stored. The watermark moves to
 * the pass's newest time only when the pass reaches it.
 */
import { z } from 'zod';
import type { NativeEventInput } from '../../common/events';
import type { GraphqlPage } from './graphql';
import { cursorRow } from './cursors';
import { probe } from './listing';
import { commit, etagFor, resourceOf, startFrom, type RepoSync } from './repo-sync';

/** A pass under way: the newest time it met, the next page's cursor, and the probe's ETag to keep when it ends. */
export const passState = z.object({ top: z.string().nullable(), after: z.string().nullable(), etag: z.string().nullable() });
export type PassState = z.infer<typeof passState>;

export interface PassOptions<T> {
  sync: RepoSync;
  /** The resource's short name (`pulls`), and the saved cursor's watermark, pass and ETag. */
  name: string;
  saved: { watermark: string | null; pass?: PassState | null; etag: string | null };
  /** The REST list that says whether anything changed, newest first. */
  probe: { route: string; params: Record<string, string | number> };
  page: (after: string | null) => Promise<GraphqlPage<T>>;
  /** The time the list is ordered by (newest first). */
  timeOf: (item: T) => string;
  adapt: (items: T[]) => NativeEventInput[] | Promise<NativeEventInput[]>;
  /** Events found before the pass (deployments that were still running), stored with the first commit. */
  pending?: NativeEventInput[];
  /** More of the cursor's state, as it is when each page is stored. */
  state?: () => Record<string, unknown>;
}

const later = (a: string | null, b: string | null): string | null => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

/** Reads what changed since the watermark, newest first, storing each page with the cursor it reaches. */
export async function newestFirstPass<T>(o: PassOptions<T>): Promise<void> {
  const { sync } = o;
  const resource = resourceOf(sync, o.name);
  const extra = () => o.state?.() ?? {};
  let pending = o.pending ?? [];
  let pass = sync.rewind ? null : (o.saved.pass ?? null);
  if (!pass) {
    const answer = await probe(sync.client, o.probe.route, o.probe.params, etagFor(sync, o.saved.etag));
    if (answer.notModified) {
      if (pending.length > 0)
        await commit(sync, o.name, pending, [cursorRow(resource, { watermark: o.saved.watermark, ...extra() }, o.saved.etag)]);
      return;
    }
    if (answer.empty) {
      await commit(sync, o.name, pending, [cursorRow(resource, { watermark: o.saved.watermark, ...extra() }, answer.etag)]);
      return;
    }
    pass = { top: null, after: null, etag: answer.etag };
  }
  const from = Date.parse(startFrom(sync, o.saved.watermark));
  for (;;) {
    const page = await o.page(pass.after);
    const fresh = page.items.filter((t) => Date.parse(o.timeOf(t)) >= from);
    const top: string | null = pass.top ?? (fresh[0] ? o.timeOf(fresh[0]) : null);
    const events = [...pending, ...(await o.adapt(fresh))];
    pending = [];
    if (fresh.length < page.items.length || !page.next) {
      const watermark = later(top, o.saved.watermark);
      await commit(sync, o.name, events, [cursorRow(resource, { watermark, ...extra() }, pass.etag)]);
      return;
    }
    pass = { top, after: page.next, etag: pass.etag };
    await commit(sync, o.name, events, [cursorRow(resource, { watermark: o.saved.watermark, pass, ...extra() }, null)]);
    sync.ctx.signal?.throwIfAborted();
  }
}

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

/**
 * History older than the first backfill's recent stage, still to read: everything from
 * `reached` (an ISO time) to the watermark is stored, and the next page to read is the one
 * after `after` (a GraphQL cursor, or null for REST lists read by time). Absent or null: the
 * resource is read down to the horizon.
 */
export const olderState = z.object({ after: z.string().nullable(), reached: z.string() });
export type OlderState = z.infer<typeof olderState>;

export interface PassOptions<T> {
  sync: RepoSync;
  /** The resource's short name (`pulls`), and the saved cursor's watermark, pass and ETag. */
  name: string;
  saved: { watermark: string | null; pass?: PassState | null; etag: string | null; older?: OlderState | null };
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
  // A first backfill (nothing stored yet) reads the recent months only, and leaves where it stopped for `olderPass`.
  const first = !sync.rewind && o.saved.watermark === null && !o.saved.older;
  let older = o.saved.older ?? null;
  const extra = () => ({ ...o.state?.(), ...(older ? { older } : {}) });
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
  const from = Date.parse(startFrom(sync, o.saved.watermark, true));
  for (;;) {
    const page = await o.page(pass.after);
    let fresh = page.items.filter((t) => Date.parse(o.timeOf(t)) >= from);
    const top: string | null = pass.top ?? (fresh[0] ? o.timeOf(fresh[0]) : null);
    const stopped = fresh.length < page.items.length;
    if (first && stopped && sync.recentFrom > sync.horizon) {
      // A first backfill stopped at its recent stage's start: the rest of this page (down to the
      // horizon) is stored too, and `olderPass` goes on from the next page, so no page is read twice.
      fresh = page.items.filter((t) => Date.parse(o.timeOf(t)) >= sync.horizon);
      const oldest = fresh.length ? o.timeOf(fresh[fresh.length - 1]) : new Date(sync.recentFrom).toISOString();
      older = fresh.length === page.items.length && page.next ? { after: page.next, reached: oldest } : null;
    }
    const events = [...pending, ...(await o.adapt(fresh))];
    pending = [];
    if (stopped || !page.next) {
      const watermark = later(top, o.saved.watermark);
      await commit(sync, o.name, events, [cursorRow(resource, { watermark, ...extra() }, pass.etag)]);
      return;
    }
    pass = { top, after: page.next, etag: pass.etag };
    await commit(sync, o.name, events, [cursorRow(resource, { watermark: o.saved.watermark, pass, ...extra() }, null)]);
    sync.ctx.signal?.throwIfAborted();
  }
}

/**
 * Reads the history older than the first backfill's recent stage, newest first from where it
 * stopped down to the horizon, storing each page with the cursor it reaches, so a run stopped
 * here goes on from the page after the last one stored. Answers whether there was any to read.
 */
export async function olderPass<T>(
  o: Pick<PassOptions<T>, 'sync' | 'name' | 'page' | 'timeOf' | 'adapt' | 'state'> & {
    saved: { watermark: string | null; etag: string | null; older?: OlderState | null };
  },
): Promise<boolean> {
  const { sync } = o;
  let older = sync.rewind ? null : (o.saved.older ?? null);
  if (!older) return false;
  const resource = resourceOf(sync, o.name);
  for (;;) {
    const page = await o.page(older.after);
    const kept = page.items.filter((t) => Date.parse(o.timeOf(t)) >= sync.horizon);
    const events = await o.adapt(kept);
    const oldest: string = kept.length ? o.timeOf(kept[kept.length - 1]) : older.reached;
    older = kept.length < page.items.length || !page.next ? null : { after: page.next, reached: earlier(oldest, older.reached) };
    const state = { watermark: o.saved.watermark, ...o.state?.(), ...(older ? { older } : {}) };
    await commit(sync, o.name, events, [cursorRow(resource, state, o.saved.etag)]);
    if (!older) return true;
    sync.ctx.signal?.throwIfAborted();
  }
}

const earlier = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);

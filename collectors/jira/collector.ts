/**
 * Pulls Jira issues as incidents incrementally (`npx deming collect jira`, and in the server on
 * `incidents.jira.interval`), by their `updated` time: a resolution, a priority changed or a
 * component added all move it, so no open incident needs reading again one by one.
 *
 * The cursor is the latest `updated` of the issues stored, committed with each page's rows. JQL
 * dates are read to the minute, in the searching account's time zone (from `/myself`), so every
 * search overlaps what was read: a run starts an hour before the cursor (Jira's index may show a
 * change late), and each page after one that brought something new searches again from the
 * minute of its latest issue (`updated >= "2026-03-02 11:30" ORDER BY updated, key`), rather than
 * trusting an offset that moves when an issue is updated meanwhile. What comes back twice is told
 * apart by issue id and `updated`: only a new state is stored, and the ingest path and the kept
 * records (newest `updated` wins) make even that idempotent. A page of nothing new follows the
 * search's own paging (Cloud's `nextPageToken`, Data Center's `startAt`), so many issues updated in
 * one minute are still all read. What is stored stays when a run fails half-way; the next resumes.
 */
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { incidentBatch, pullError } from '../incidents/apply';
import { reconcileIncidents } from '../incidents/reconcile';
import type { SourceIncident } from '../incidents/model';
import { fromJira } from './adapt';
import { createJiraClient, type ClientTiming, type JiraClient, type PageAt } from './client';
import type { JiraSettings } from './config';
import { jqlTime, knownTimeZone } from './dates';

const DAY_MS = 86_400_000;
/** How far before the cursor a run reads again: Jira's search index may show a change late. */
export const OVERLAP_MS = 3_600_000;
const PAGE = 100;
const CURSOR = { collector: 'jira', resource: 'issues' } as const;
/** When the JQL's issues were last listed whole (to withdraw those it no longer names). */
const LISTED = { collector: 'jira', resource: 'listed' } as const;
/** When Jira names no zone it knows: the zone furthest behind UTC, so the bound is never later than meant. */
const EARLIEST_ZONE = 'Etc/GMT+12';

export interface JiraCollectorOptions {
  settings: JiraSettings;
  timing?: Partial<ClientTiming>;
  /** Issues per page (100 by default). */
  pageSize?: number;
}

/** The search: the configured filter, from a time on, oldest change first. */
export const searchJql = (filter: string, since: number, zone: string) =>
  `(${filter}) AND updated >= "${jqlTime(since, zone)}" ORDER BY updated ASC, key ASC`;

export function createJiraCollector(o: JiraCollectorOptions): Collector {
  return {
    name: 'jira',
    async run(ctx: CollectorContext): Promise<CollectorRunResult> {
      const startedAt = ctx.now();
      const { settings } = o;
      const model = settings.model;
      const pageSize = o.pageSize ?? PAGE;
      const errors: CollectorRunResult['errors'] = [];
      let stored = 0;
      let unreadable = 0;
      let client: JiraClient | null = null;
      const read = (raw: unknown[]): SourceIncident[] =>
        raw.flatMap((x) => {
          const i = fromJira(x, settings);
          if ('error' in i) {
            unreadable++;
            if (unreadable <= 5) ctx.log(`jira: an issue was skipped: ${i.error}`);
            return [];
          }
          return [i];
        });
      try {
        if (!settings.token)
          throw new Error(
            settings.edition === 'cloud'
              ? 'incidents.jira has no API token: set JIRA_TOKEN (and JIRA_EMAIL) to an API token of an account with Browse projects.'
              : 'incidents.jira has no personal access token: set JIRA_TOKEN to the token of an account with Browse projects.',
          );
        const jira = (client = createJiraClient(settings, { timing: o.timing, signal: ctx.signal, log: ctx.log }));
        await reconcileIncidents(ctx.store, [model], (events, write) => ctx.ingest(events, [], { incidents: write }), ctx.now());
        let zone = await jira.timeZone();
        if (!knownTimeZone(zone)) {
          ctx.log(`jira: the account's time zone "${zone}" is not one Deming knows; searching from 12 hours earlier to be safe`);
          zone = EARLIEST_ZONE;
        }
        const cursor = await ctx.store.getCursor(CURSOR.collector, CURSOR.resource);
        const now = ctx.now();
        let latest = cursor ? Date.parse(cursor.cursor) : null;
        let since = latest !== null ? latest - OVERLAP_MS : (settings.since ?? now - settings.backfillDays * DAY_MS);
        const seen = new Map<string, number | null>();
        let at: PageAt = null;
        const progress = (done = false) =>
          ctx.progress?.({ resource: 'jira:issues', requests: jira.requests, stored, rateLimitRemaining: null, done });
        for (;;) {
          ctx.signal?.throwIfAborted();
          const page = await jira.search({ jql: searchJql(settings.jql, since, zone), fields: settings.fields, maxResults: pageSize, at });
          const incidents = read(page.issues);
          const fresh = incidents.filter((i) => !seen.has(i.id) || seen.get(i.id) !== i.updatedAt);
          let pageLatest: number | null = null;
          for (const i of incidents) {
            seen.set(i.id, i.updatedAt);
            if (i.updatedAt !== null && (pageLatest === null || i.updatedAt > pageLatest)) pageLatest = i.updatedAt;
          }
          const moved = pageLatest !== null && (latest === null || pageLatest > latest);
          if (moved) latest = pageLatest;
          if (fresh.length > 0 || moved) {
            const batch = incidentBatch(model, fresh, ctx.now());
            const r = await ctx.ingest(batch.events, moved ? [{ ...CURSOR, cursor: new Date(latest!).toISOString(), etag: null }] : [], {
              incidents: batch.write,
            });
            stored += r.accepted + r.updated;
          }
          progress();
          // An empty page that says more follows is taken as the end: a search never loops on nothing.
          if (!page.next || page.issues.length === 0) break;
          if (fresh.length > 0 && pageLatest !== null && pageLatest > since) {
            since = pageLatest;
            at = null;
          } else at = page.next;
        }
        // A withdrawal is a stored state like any other.
        if (settings.listEveryMs !== null) stored += await withdrawUnlisted(ctx, jira, settings, zone, pageSize);
        progress(true);
      } catch (e) {
        errors.push(pullError(ctx.signal, 'jira', e));
      }
      return {
        collector: 'jira',
        startedAt,
        finishedAt: ctx.now(),
        requests: client?.requests ?? 0,
        stored,
        errors,
        skipped: unreadable,
        rateLimitRemaining: null,
      };
    },
  };
}

/**
 * Withdraws the incidents Jira no longer names: deleted, moved out of the project, or changed so
 * the JQL leaves them out (a deletion or a move out of the query never shows in a search by
 * `updated`). Once every `listEvery` (a cursor holds when it last ran), it lists the ids the JQL
 * names among issues updated since the earliest one kept (the first run only starts the clock: it
 * has just read all of them), asking only for `updated` (a page of 100
 * ids is a few kilobytes), and sends each kept incident it did not list, last stored more than an
 * hour before the listing began (Jira's index may show a new issue late), through the one ingest
 * path as outcome `withdrawn`, one millisecond newer than its last state: it leaves the figures, its
 * record says why, and any later change in Jira (a move back) is newer and counts again.
 */
async function withdrawUnlisted(ctx: CollectorContext, jira: JiraClient, settings: JiraSettings, zone: string, pageSize: number) {
  const startedAt = ctx.now();
  const last = await ctx.store.getCursor(LISTED.collector, LISTED.resource);
  if (last && startedAt - Date.parse(last.cursor) < settings.listEveryMs!) return 0;
  const listedNow = [{ ...LISTED, cursor: new Date(startedAt).toISOString(), etag: null }];
  // The first run has just read everything the JQL names: the clock starts, the first listing is a period later.
  if (!last) return (await ctx.ingest([], listedNow, {}), 0);
  const kept = (await ctx.store.sourceIncidents('jira')).filter((r) => r.outcome !== 'withdrawn');
  const listed = new Set<string>();
  if (kept.length > 0) {
    const earliest = Math.min(...kept.map((r) => r.updatedAt ?? r.openedAt));
    let at: PageAt = null;
    for (;;) {
      ctx.signal?.throwIfAborted();
      const page = await jira.search({
        jql: searchJql(settings.jql, earliest - OVERLAP_MS, zone),
        fields: ['updated'],
        maxResults: pageSize,
        at,
      });
      for (const i of page.issues as { id?: unknown }[])
        if (i && (typeof i.id === 'string' || typeof i.id === 'number')) listed.add(String(i.id));
      if (!page.next || page.issues.length === 0) break;
      at = page.next;
    }
  }
  const gone: SourceIncident[] = kept
    .filter((r) => !listed.has(r.id) && (r.updatedAt ?? r.openedAt) < startedAt - OVERLAP_MS)
    .map((r) => ({ ...r, outcome: 'withdrawn', updatedAt: (r.updatedAt ?? r.openedAt) + 1 }));
  const batch = incidentBatch(settings.model, gone, ctx.now());
  await ctx.ingest(batch.events, listedNow, { incidents: batch.write });
  if (gone.length > 0) ctx.log(`jira: ${gone.length} incident(s) no longer named by the JQL (deleted or moved out of it) withdrawn`);
  return gone.length;
}

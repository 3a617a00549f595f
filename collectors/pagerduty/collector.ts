/**
 * Pulls PagerDuty incidents incrementally (`npx deming collect pagerduty`, and in the server on
 * `incidents.pagerduty.interval`). The cursor says up to when every incident created before it
 * is stored; a run reads, in windows of 30 days from the cursor (less an hour of overlap) to now,
 * every page of `GET /incidents`, and stores each page through the one ingest path with the
 * incident records; the window's last page moves the cursor in the same transaction. Then the
 * incidents still open that were created before the window are read one by one, so one resolved
 * since is resolved here too. What is stored stays when a run fails half-way; the next resumes.
 */
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { incidentBatch, pullError } from '../incidents/apply';
import { reconcileIncidents } from '../incidents/reconcile';
import type { SourceIncident } from '../incidents/model';
import { fromPagerduty } from './adapt';
import { createPagerdutyClient, type ClientTiming, type PagerdutyClient } from './client';
import type { PagerdutySettings } from './config';

const DAY_MS = 86_400_000;
const WINDOW_MS = 30 * DAY_MS;
const OVERLAP_MS = 3_600_000;
const PAGE = 100;
const CURSOR = { collector: 'pagerduty', resource: 'incidents' } as const;

export interface PagerdutyCollectorOptions {
  settings: PagerdutySettings;
  timing?: Partial<ClientTiming>;
  /** Incidents per page (PagerDuty's most, 100, by default). */
  pageSize?: number;
}

export function createPagerdutyCollector(o: PagerdutyCollectorOptions): Collector {
  return {
    name: 'pagerduty',
    async run(ctx: CollectorContext): Promise<CollectorRunResult> {
      const startedAt = ctx.now();
      const { settings } = o;
      const model = settings.model;
      const errors: CollectorRunResult['errors'] = [];
      let stored = 0;
      let unreadable = 0;
      let client: PagerdutyClient | null = null;
      const store = async (incidents: SourceIncident[], cursor: string | null) => {
        const batch = incidentBatch(model, incidents, ctx.now());
        const r = await ctx.ingest(batch.events, cursor ? [{ ...CURSOR, cursor, etag: null }] : [], { incidents: batch.write });
        stored += r.accepted + r.updated;
      };
      const read = (raw: unknown[]): SourceIncident[] =>
        raw.flatMap((x) => {
          const i = fromPagerduty(x);
          if ('error' in i) {
            unreadable++;
            if (unreadable <= 5) ctx.log(`pagerduty: an incident was skipped: ${i.error}`);
            return [];
          }
          return [i];
        });
      try {
        if (!settings.token)
          throw new Error(
            'incidents.pagerduty has no API key: set PAGERDUTY_TOKEN (or incidents.pagerduty.token) to a read-only REST API key.',
          );
        const pd = (client = createPagerdutyClient(
          { baseUrl: settings.baseUrl, token: settings.token },
          { timing: o.timing, signal: ctx.signal, log: ctx.log },
        ));
        // A mapping added since the last run moves the incidents it names first.
        await reconcileIncidents(ctx.store, [model], (events, write) => ctx.ingest(events, [], { incidents: write }), ctx.now());
        const now = ctx.now();
        const cursor = await ctx.store.getCursor(CURSOR.collector, CURSOR.resource);
        const from = cursor ? Date.parse(cursor.cursor) - OVERLAP_MS : (settings.since ?? now - settings.backfillDays * DAY_MS);
        const progress = (done = false) =>
          ctx.progress?.({
            resource: 'pagerduty:incidents',
            requests: pd.requests,
            stored,
            rateLimitRemaining: pd.rateLimitRemaining,
            done,
          });
        for (let since = from; since < now; since += WINDOW_MS) {
          const until = Math.min(since + WINDOW_MS, now);
          for (let offset = 0; ; offset += o.pageSize ?? PAGE) {
            ctx.signal?.throwIfAborted();
            const page = await pd.listIncidents({ since, until, offset, limit: o.pageSize ?? PAGE, serviceIds: settings.serviceIds });
            // The window's last page moves the cursor: every incident created before `until` is stored.
            await store(read(page.incidents), page.more ? null : new Date(until).toISOString());
            progress();
            if (!page.more || page.incidents.length === 0) break;
          }
        }
        // Open incidents from before the window: resolved since, maybe.
        const open = (await ctx.store.sourceIncidents(model.source)).filter((r) => r.resolvedAt === null && r.openedAt < from);
        for (const r of open) {
          ctx.signal?.throwIfAborted();
          const incident = await pd.getIncident(r.id);
          if (incident !== null) await store(read([incident]), null);
          progress();
        }
        progress(true);
      } catch (e) {
        errors.push(pullError(ctx.signal, 'pagerduty', e));
      }
      return {
        collector: 'pagerduty',
        startedAt,
        finishedAt: ctx.now(),
        requests: client?.requests ?? 0,
        stored,
        errors,
        skipped: unreadable,
        rateLimitRemaining: client?.rateLimitRemaining ?? null,
      };
    },
  };
}

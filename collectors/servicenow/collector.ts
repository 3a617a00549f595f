/**
 * Pulls ServiceNow incidents incrementally (`npx deming collect servicenow`, and in the server on
 * `incidents.servicenow.interval`), by `sys_updated_on`: every change to an incident (resolved,
 * reprioritised, cancelled, moved to another service) moves its `sys_updated_on`, so one read of
 * what changed since the cursor sees it, with no re-reading of open incidents.
 *
 * Pages are keyset pages on (sys_updated_on, sys_id), not `sysparm_offset` pages: under offsets, an
 * incident updated while the run pages moves from an early page to the end, every later row
 * shifts one place forward, and the row that slid into the page already read is never read
 * (skipped); one created or moved in behind the reader repeats a row. A keyset page asks for the
 * rows after the last one read, so a row that changes during paging only moves later (it is read
 * again, in its newer state) and no row that stays put is passed over. Each page is stored through
 * the one ingest path with the cursor (its last row's key) in the same transaction. A run starts
 * from the cursor's time less {@link OVERLAP_MS}: sys_updated_on is to the second, and an update
 * committed in the same second as the cursor but ordered before it by sys_id is read then.
 */
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { incidentBatch, pullError } from '../incidents/apply';
import { reconcileIncidents } from '../incidents/reconcile';
import type { SourceIncident } from '../incidents/model';
import { CHANGE_FIELDS, fromServicenow, fromServicenowChange, INCIDENT_FIELDS, servicenowTime, servicenowTimeText } from './adapt';
import { createServicenowClient, type ServicenowClient } from './client';
import type { ClientTiming } from '../shared/retry';
import type { ServicenowSettings } from './config';

const DAY_MS = 86_400_000;
export const OVERLAP_MS = 5 * 60_000;
const PAGE = 500;
const CURSOR = { collector: 'servicenow', resource: 'incident' } as const;
const CHANGE_CURSOR = { collector: 'servicenow', resource: 'change_request' } as const;

export interface ServicenowCollectorOptions {
  settings: ServicenowSettings;
  timing?: Partial<ClientTiming>;
  /** Rows per page (500 by default; the Table API allows up to 10,000). */
  pageSize?: number;
}

/** A keyset position: the rows after (time, sys_id); sys_id "" for every row at or after time. */
interface Key {
  time: string;
  sysId: string;
}

const keyText = (k: Key) => `${k.time}|${k.sysId}`;
const keyOf = (cursor: string): Key | null => {
  const [time, sysId] = cursor.split('|');
  return servicenowTime(time ?? '') !== null && sysId !== undefined ? { time, sysId } : null;
};

/** The encoded query of the page after `k`: the configured filter, the keyset, the order. */
export function keysetQuery(filter: string | null, k: Key): string {
  const f = filter ? `${filter}^` : '';
  const order = '^ORDERBYsys_updated_on^ORDERBYsys_id';
  if (k.sysId === '') return `${f}sys_updated_on>=${k.time}${order}`;
  return `${f}sys_updated_on>${k.time}^NQ${f}sys_updated_on=${k.time}^sys_id>${k.sysId}${order}`;
}

/** Pages through a table from `from`, handing each page's rows and the key after them to `store`. */
export async function pageThrough(
  sn: ServicenowClient,
  o: {
    table: string;
    fields: readonly string[];
    filter: string | null;
    from: Key;
    limit: number;
    signal?: AbortSignal;
    store: (rows: unknown[], next: Key) => Promise<void>;
  },
): Promise<void> {
  let k = o.from;
  for (;;) {
    o.signal?.throwIfAborted();
    const page = await sn.list(o.table, { query: keysetQuery(o.filter, k), fields: o.fields, limit: o.limit });
    if (page.rows.length === 0) break;
    const last = page.rows.at(-1) as { sys_updated_on?: unknown; sys_id?: unknown };
    const next: Key | null =
      typeof last.sys_updated_on === 'string' && servicenowTime(last.sys_updated_on) !== null && typeof last.sys_id === 'string'
        ? { time: last.sys_updated_on, sysId: last.sys_id }
        : null;
    if (next === null) throw new Error(`GET /api/now/table/${o.table}: a row has no sys_updated_on or sys_id; the page cannot be followed`);
    await o.store(page.rows, next);
    k = next;
    // ServiceNow's Link header says whether more rows follow (a page may be short where ACLs hide rows).
    if (page.more === false || (page.more === null && page.rows.length < o.limit)) break;
  }
}

export interface ServicenowRunResult extends CollectorRunResult {
  /** Change requests read (incidents.servicenow.changeRequests). */
  changeRequests: number;
}

export function createServicenowCollector(
  o: ServicenowCollectorOptions,
): Collector & { run(ctx: CollectorContext): Promise<ServicenowRunResult> } {
  return {
    name: 'servicenow',
    async run(ctx: CollectorContext): Promise<ServicenowRunResult> {
      const startedAt = ctx.now();
      const { settings } = o;
      const model = settings.model;
      const errors: CollectorRunResult['errors'] = [];
      let stored = 0;
      let unreadable = 0;
      let changeRequests = 0;
      let client: ServicenowClient | null = null;
      const read = (raw: unknown[]): SourceIncident[] =>
        raw.flatMap((x) => {
          const i = fromServicenow(x, settings.instanceUrl, settings.severityField);
          if ('error' in i) {
            unreadable++;
            if (unreadable <= 5) ctx.log(`servicenow: an incident was skipped: ${i.error}`);
            return [];
          }
          return [i];
        });
      try {
        if (!settings.auth) throw new Error(settings.authProblem ?? 'incidents.servicenow has no credentials.');
        const sn = (client = createServicenowClient(
          { instanceUrl: settings.instanceUrl, auth: settings.auth },
          { timing: o.timing, signal: ctx.signal, log: ctx.log },
        ));
        // A mapping added since the last run moves the incidents it names first.
        await reconcileIncidents(ctx.store, [model], (events, write) => ctx.ingest(events, [], { incidents: write }), ctx.now());
        /** Where a table's pull starts, and a page's cursor (never moved back: a run starts before it, by the overlap). */
        const resume = async (resource: string) => {
          const saved = await ctx.store.getCursor('servicenow', resource);
          const savedKey = saved ? keyOf(saved.cursor) : null;
          const start = savedKey
            ? servicenowTime(savedKey.time)! - OVERLAP_MS
            : (settings.since ?? ctx.now() - settings.backfillDays * DAY_MS);
          return {
            from: { time: servicenowTimeText(start), sysId: '' },
            cursor: (next: Key) => keyText(savedKey && keyText(savedKey) > keyText(next) ? savedKey : next),
          };
        };
        const progress = (resource: string, done = false) =>
          ctx.progress?.({ resource: `servicenow:${resource}`, requests: sn.requests, stored, rateLimitRemaining: null, done });
        const incidents = await resume(CURSOR.resource);
        await pageThrough(sn, {
          table: 'incident',
          fields: model.titles ? [...INCIDENT_FIELDS, 'short_description'] : INCIDENT_FIELDS,
          filter: settings.query,
          from: incidents.from,
          limit: o.pageSize ?? PAGE,
          signal: ctx.signal,
          store: async (rows, next) => {
            const batch = incidentBatch(model, read(rows), ctx.now());
            const r = await ctx.ingest(batch.events, [{ ...CURSOR, cursor: incidents.cursor(next), etag: null }], {
              incidents: batch.write,
            });
            stored += r.accepted + r.updated;
            progress(CURSOR.resource);
          },
        });
        if (settings.changeRequests) {
          // The change requests' times, for the deployments that carried them (their approval wait).
          const changes = await resume(CHANGE_CURSOR.resource);
          await pageThrough(sn, {
            table: 'change_request',
            fields: CHANGE_FIELDS,
            filter: null,
            from: changes.from,
            limit: o.pageSize ?? PAGE,
            signal: ctx.signal,
            store: async (rows, next) => {
              const items = rows.flatMap((x) => {
                const c = fromServicenowChange(x);
                if (!('error' in c)) return [c];
                unreadable++;
                if (unreadable <= 5) ctx.log(`servicenow: a change request was skipped: ${c.error}`);
                return [];
              });
              await ctx.ingest([], [{ ...CHANGE_CURSOR, cursor: changes.cursor(next), etag: null }], {
                changeRequests: { items, receivedAt: ctx.now() },
              });
              changeRequests += items.length;
              progress(CHANGE_CURSOR.resource);
            },
          });
        }
        progress(CURSOR.resource, true);
      } catch (e) {
        errors.push(pullError(ctx.signal, 'servicenow', e));
      }
      return {
        collector: 'servicenow',
        startedAt,
        finishedAt: ctx.now(),
        requests: client?.requests ?? 0,
        stored,
        errors,
        skipped: unreadable,
        rateLimitRemaining: null,
        changeRequests,
      };
    },
  };
}

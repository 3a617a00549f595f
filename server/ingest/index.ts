/**
 * The one way events come in, whoever sends them: the HTTP routes (native events, CDEvents,
 * test reports, webhooks), the collectors, the CLI and the demo. It validates the batch (the
 * schema, then timestamps in `[limits.earliest, now + 1 day]`), resolves each service's team
 * with the configured organisation (compiled once), stores the batch (with the group commit
 * when there is one, else in a transaction of its own) and, only after the commit, tells live
 * clients what moved.
 */
import { checkEvents, skippedSentence, timeRange, type CheckedEvents } from '../../common/validate-events';
import type { NativeEvent } from '../../common/events';
import type { Cursor, IngestOptions, IngestResult, Store } from '../../db/store';
import { teamResolver } from '../../common/org';
import { defaultLimits, type Config } from '../config';
import { HttpError } from '../errors';
import type { IngestQueue } from '../ingest-queue';
import type { LiveHub } from '../live';

/** One batch to take in, as it arrived (not yet validated). */
export interface IngestRequest {
  events: unknown[];
  /** How an event is named in errors (`line 3`, `push[0]`); `[i]` by default. */
  pathOf?: (index: number) => string;
  /** The source of events that name none. */
  defaultSource?: string;
  /**
   * An event with a timestamp out of range: `refuse` the batch with a 400 naming the field (the
   * HTTP API), or `skip` it, log it and count it (collectors, webhooks, the CLI: one commit dated
   * 1970 in an old repository does not stop a collection).
   */
  outOfRange?: 'refuse' | 'skip';
  /** Collector cursors to move in the same transaction as the rows they cover. */
  cursors?: Cursor[];
  /** Stored in the batch's transaction, or the batch is not (a webhook's delivery id). */
  alsoStore?: IngestOptions['alsoStore'];
  /** Who the log line about skipped events names (`collector`); `ingest` by default. */
  logAs?: string;
}

export type IngestOutcome = IngestResult & {
  /** Events left out for a timestamp out of range: how many, and the first few. */
  skipped: CheckedEvents['skipped'];
};

export interface Ingest {
  /**
   * Validates and stores a batch with the next group commit; resolves once it has committed and
   * live clients were told. For requests: more than `limits.eventsPerRequest` events is a 413.
   */
  submit(request: IngestRequest): Promise<IngestOutcome>;
  /** Validates and stores a batch in a transaction of its own, now (collectors and commands that hold the writer). */
  storeNow(request: IngestRequest): Promise<IngestOutcome>;
  /**
   * Validates a batch as {@link storeNow} does, then stores it with `unit`, a unit of work of the
   * store that takes the batch with more (the demo: its organisation, events and loops at once).
   */
  storeWith(request: IngestRequest, unit: (events: NativeEvent[], opts: IngestOptions) => Promise<IngestResult>): Promise<IngestOutcome>;
}

export interface IngestHost {
  store: Pick<Store, 'ingestBatch'>;
  config: Pick<Config, 'production' | 'organisation'> & Partial<Pick<Config, 'limits'>>;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  /** Live clients; told after each commit. */
  live?: () => LiveHub | undefined;
  /** The scopes the named services belong to, up to `org` (the organisation tree, server/org): the rooms live clients are told in. */
  rooms?: (services: readonly string[]) => Promise<string[]>;
  /** The group commit; without it, `submit` stores like `storeNow`. */
  queue?: IngestQueue;
}

/** 413 for a request of `count` events (null: more than counted) over `limits.eventsPerRequest`. */
export function tooManyEvents(count: number | null, max: number): HttpError {
  const limit = max.toLocaleString('en');
  const held = count === null ? `more than ${limit} events` : `${count.toLocaleString('en')} events, more than ${limit}`;
  return new HttpError(413, 'too_many_events', `The request holds ${held} (limits.eventsPerRequest): send smaller batches.`);
}

export function createIngest(host: IngestHost): Ingest {
  const resolveTeam = teamResolver(host.config.organisation);
  const limits = host.config.limits ?? defaultLimits;

  const check = (r: IngestRequest, at: number): CheckedEvents => {
    const checked = checkEvents(r.events, r.pathOf, {
      range: timeRange(limits.earliest, at),
      outOfRange: r.outOfRange ?? 'refuse',
      maxIssues: limits.validationErrors,
    });
    if (checked.skipped.count > 0) host.log(`${r.logAs ?? 'ingest'}: ${skippedSentence(checked.skipped)}`);
    return checked;
  };
  const options = (r: IngestRequest) => ({
    production: host.config.production,
    resolveTeam,
    defaultSource: r.defaultSource,
    cursors: r.cursors,
    alsoStore: r.alsoStore,
  });
  // The batch has committed: a failure to tell live clients is logged, never the batch's answer.
  const tell = async (at: number, result: IngestResult) => {
    const live = host.live?.();
    if (!live || !host.rooms || result.services.length === 0) return;
    try {
      live.ingested(at, result.counts, await host.rooms(result.services));
    } catch (e) {
      host.log('live: telling clients of a batch failed', e);
    }
  };

  const storeWith: Ingest['storeWith'] = async (r, unit) => {
    const at = host.now();
    const { events, skipped } = check(r, at);
    const result = await unit(events, { ...options(r), now: at });
    await tell(at, result);
    return { ...result, skipped };
  };

  const storeNow = (r: IngestRequest) => storeWith(r, (events, opts) => host.store.ingestBatch(events, opts));

  return {
    storeNow,
    storeWith,
    async submit(r) {
      if (r.events.length > limits.eventsPerRequest) throw tooManyEvents(r.events.length, limits.eventsPerRequest);
      if (!host.queue) return storeNow(r);
      // Refused with a 400 before anything is queued.
      const { events, skipped } = check(r, host.now());
      const { result, at } = await host.queue.submit(events, options(r));
      await tell(at, result);
      return { ...result, skipped };
    },
  };
}

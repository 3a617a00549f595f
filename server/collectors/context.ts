/**
 * The context a collector runs in, inside the server or the CLI: its `ingest` is the one
 * ingestion path, moving the collector's cursors in the same transaction as the rows they
 * cover, and telling live clients only after the commit. An event with a timestamp before
 * `limits.earliest` or more than a day ahead is skipped, logged and counted (one commit dated
 * 1970 in an old repository does not stop a collection).
 */
import type { CollectorContext } from '../../collectors/types';
import type { Store } from '../../db/store';
import { addSkipped, type CheckedEvents } from '../../common/validate-events';
import type { Config } from '../config';
import type { LiveHub } from '../live';
import { createIngest, type Ingest } from '../ingest';

/** What a collector context is built from: the server's context (with its ingest service), or the CLI's own. */
export interface CollectorHost {
  store: Store;
  /** Without `limits`, the defaults hold. */
  config: Pick<Config, 'production' | 'organisation'> & Partial<Pick<Config, 'limits'>>;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  live?: LiveHub;
  /** The server's ingest service; without it, one is made for this context. */
  ingest?: Ingest;
}

/** A collector's context, and what it skipped so far (for the run's summary). */
export type HostedCollectorContext = CollectorContext & { readonly skipped: CheckedEvents['skipped'] };

/** A context whose `ingest` stores a batch and its cursors in one transaction, then tells live clients. */
export function collectorContext(host: CollectorHost, opts: Pick<CollectorContext, 'progress' | 'signal'> = {}): HostedCollectorContext {
  const service = host.ingest ?? createIngest({ ...host, live: () => host.live });
  const skipped: CheckedEvents['skipped'] = { count: 0, first: [] };
  return {
    skipped,
    store: host.store,
    now: host.now,
    log: host.log,
    progress: opts.progress,
    signal: opts.signal,
    async ingest(events, cursors, alsoStore) {
      const r = await service.storeNow({ events, cursors, alsoStore, outOfRange: 'skip', logAs: 'collector' });
      addSkipped(skipped, r.skipped);
      return { accepted: r.accepted, updated: r.updated, unchanged: r.unchanged, skipped: r.skipped.count };
    },
  };
}

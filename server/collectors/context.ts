/**
 * The context a collector runs in, inside the server or the CLI: its `ingest` is the one
 * ingestion path, moving the collector's cursors in the same transaction as the rows they
 * cover, and telling live clients only after the commit. An event with a timestamp before
 * `limits.earliest` or more than a day ahead is skipped, logged and counted (one commit dated
 * 1970 in an old repository does not stop a collection).
 */
import type { CollectorContext } from '../../collectors/types';
import type { Db } from '../../db/connection';
import { addSkipped, checkEvents, ingestEvents, skippedSentence, timeRange, type CheckedEvents } from '../../db/ingest';
import { teamResolver } from '../../db/queries/org';
import { defaultLimits, type Config } from '../config';
import type { LiveHub } from '../live';
import { scopesOfServices } from '../scope';

/** What a collector context is built from: the server's context, or the CLI's own. */
export interface CollectorHost {
  db: Db;
  /** Without `limits`, the defaults hold. */
  config: Pick<Config, 'production' | 'organisation'> & Partial<Pick<Config, 'limits'>>;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  live?: LiveHub;
}

/** A collector's context, and what it skipped so far (for the run's summary). */
export type HostedCollectorContext = CollectorContext & { readonly skipped: CheckedEvents['skipped'] };

/** A context whose `ingest` stores a batch and its cursors in one transaction, then tells live clients. */
export function collectorContext(host: CollectorHost, opts: Pick<CollectorContext, 'progress' | 'signal'> = {}): HostedCollectorContext {
  const resolveTeam = teamResolver(host.config.organisation);
  const limits = host.config.limits ?? defaultLimits;
  const skipped: CheckedEvents['skipped'] = { count: 0, first: [] };
  return {
    skipped,
    db: host.db,
    now: host.now,
    log: host.log,
    progress: opts.progress,
    signal: opts.signal,
    ingest(events, cursors) {
      const at = host.now();
      const checked = checkEvents(events, undefined, { range: timeRange(limits.earliest, at), outOfRange: 'skip', maxIssues: limits.validationErrors });
      if (checked.skipped.count > 0) {
        addSkipped(skipped, checked.skipped);
        host.log(`collector: ${skippedSentence(checked.skipped)}`);
      }
      const r = ingestEvents(host.db, checked.events, { production: host.config.production, now: at, resolveTeam, cursors });
      if (host.live && r.services.length > 0) host.live.ingested(at, r.counts, scopesOfServices(host.db, r.services));
      return { accepted: r.accepted, updated: r.updated, unchanged: r.unchanged, skipped: checked.skipped.count };
    },
  };
}

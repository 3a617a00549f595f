/**
 * The context a collector runs in, inside the server or the CLI: its `ingest` is the one
 * ingestion path, moving the collector's cursors in the same transaction as the rows they
 * cover, and telling live clients only after the commit.
 */
import type { CollectorContext } from '../../collectors/types';
import type { Db } from '../../db/connection';
import { ingestEvents, validateEvents } from '../../db/ingest';
import { teamResolver } from '../../db/queries/org';
import type { Config } from '../config';
import type { LiveHub } from '../live';
import { scopesOfServices } from '../scope';

/** What a collector context is built from: the server's context, or the CLI's own. */
export interface CollectorHost {
  db: Db;
  config: Pick<Config, 'production' | 'organisation'>;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  live?: LiveHub;
}

/** A context whose `ingest` stores a batch and its cursors in one transaction, then tells live clients. */
export function collectorContext(host: CollectorHost, opts: Pick<CollectorContext, 'progress' | 'signal'> = {}): CollectorContext {
  const resolveTeam = teamResolver(host.config.organisation);
  return {
    db: host.db,
    now: host.now,
    log: host.log,
    progress: opts.progress,
    signal: opts.signal,
    ingest(events, cursors) {
      const parsed = validateEvents(events);
      const at = host.now();
      const r = ingestEvents(host.db, parsed, { production: host.config.production, now: at, resolveTeam, cursors });
      if (host.live && r.services.length > 0) host.live.ingested(at, r.counts, scopesOfServices(host.db, r.services));
      return { accepted: r.accepted, updated: r.updated, unchanged: r.unchanged };
    },
  };
}

/**
 * The one interface every collector implements. A collector reads a source and hands
 * normalized native events to `ingest`, together with the cursors they cover, so a crash
 * resumes where the last committed batch ended.
 */
import type { NativeEventInput } from '../common/events';
import type { Cursor } from '../db/queries/cursors';
import type { Store } from '../db/store';
import type { IngestOptions } from '../db/ingest';

/** The store's reads a collector uses (db/store.ts). */
export type CollectorStore = Pick<Store, 'getCursor' | 'findService' | 'productionDeploymentsFrom' | 'hasCommitGap' | 'sourceIncidents'>;

export interface CollectorIngestResult {
  accepted: number;
  updated: number;
  unchanged: number;
  /** Events left out for a timestamp before `limits.earliest` or more than a day ahead (DESIGN.md, "Security"). */
  skipped?: number;
}

export interface CollectorContext {
  /** What a collector reads of what is stored: its cursors, the services, the compare step's deployments. Writes go through `ingest`. */
  store: CollectorStore;
  /**
   * Validates and stores one batch and its cursors in one transaction (and tells live clients).
   * An event with a timestamp out of range is skipped and counted, not refused. `alsoStore` runs
   * in the same transaction after the events (what must be stored with them or not at all).
   */
  ingest(events: NativeEventInput[], cursors?: Cursor[], alsoStore?: IngestOptions['alsoStore']): Promise<CollectorIngestResult>;
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  /** Progress for the CLI's bars and the dashboard's collector status; `processed` of `total` events when the collector knows them ahead. */
  progress?: (p: {
    resource: string;
    requests?: number;
    stored?: number;
    rateLimitRemaining?: number | null;
    done?: boolean;
    processed?: number;
    total?: number;
    /** Waiting for a rate limit to reset until this time (epoch ms). */
    waitingUntil?: number;
  }) => void;
  signal?: AbortSignal;
}

export interface CollectorRunResult {
  collector: string;
  startedAt: number;
  finishedAt: number;
  requests: number;
  stored: number;
  /** One entry per resource (repository, path) that failed; the others went on. */
  errors: { resource: string; message: string }[];
  /** Events skipped for a timestamp out of range, when the collector counts them. */
  skipped?: number;
  rateLimitRemaining?: number | null;
}

export interface Collector {
  readonly name: string;
  run(ctx: CollectorContext): Promise<CollectorRunResult>;
}

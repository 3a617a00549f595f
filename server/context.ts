import type { LeadingScheduler } from './collectors/leader';
import type { Store } from '../db/store';
import type { Authenticator } from './auth';
import type { Config } from './config';
import type { LiveHub } from './live';
import type { SessionStore } from './sessions';
import type { IngestQueue } from './ingest-queue';
import type { Ingest } from './ingest';
import type { ReadState } from './read/state';
import type { StatusBoard } from './collectors/status';

/** What every route needs, passed in rather than imported, so tests can build their own. */
export interface AppContext {
  /** The storage (db/store.ts): every read and write of the database goes through it. */
  store: Store;
  config: Config;
  auth: Authenticator;
  /** The clock, injected. */
  now: () => number;
  log: (msg: string, err?: unknown) => void;
  live?: LiveHub;
  /** Group commit for ingest requests; without it, each request commits alone. */
  ingestQueue?: IngestQueue;
  /** The one ingest path: validate, store (with the group commit), tell live clients. */
  ingest: Ingest;
  /** What the read services keep (organisation tree, fact index, answer cache): made with the context, closed with it. */
  reads: ReadState;
  /** What the collectors and the webhook did, for health: made with the context. */
  collectorStatus: StatusBoard;
  /** Browser sessions; absent in tools that only read. */
  sessions?: SessionStore;
  /** Whether the database holds generated demo data. */
  demo: () => boolean;
  /** What the server still builds in the background after its start (absent: nothing). */
  building?: Set<'facts' | 'keys'>;
  /** The collectors' schedule, once started (health says whether this instance runs them). */
  collectors?: LeadingScheduler;
  /** Whether the server is stopping (health answers 503 from then on, so a load balancer sends nothing new). */
  stopping?: () => boolean;
}

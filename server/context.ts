import type { Db } from '../db/connection';
import type { Authenticator } from './auth';
import type { Config } from './config';
import type { LiveHub } from './live';
import type { SessionStore } from './sessions';
import type { IngestQueue } from './ingest-queue';
import type { Ingest } from './ingest';

/** What every route needs, passed in rather than imported, so tests can build their own. */
export interface AppContext {
  db: Db;
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
  /** Browser sessions; absent in tools that only read. */
  sessions?: SessionStore;
  /** Whether the database holds generated demo data. */
  demo: () => boolean;
  /** What the server still builds in the background after its start (absent: nothing). */
  building?: Set<'facts' | 'keys'>;
}

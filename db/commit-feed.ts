/**
 * Several instances on one database (PostgreSQL; issue 23): what one instance hears of the
 * commits every other instance (or command) makes, so that its caches drop what moved and its
 * live clients are told. On SQLite there is one instance, and the store has no feed (`null`).
 *
 * The PostgreSQL store sends a notice inside each writing transaction (`NOTIFY`, delivered only
 * when it commits) and listens on a connection of its own (db/postgres/commits.ts).
 */

/** One commit of another instance, as heard. */
export interface CommitNotice {
  /** The instance that committed (`CommitFeed.instance` there). */
  origin: string;
  /** When the batch was taken in (epoch ms), as the committing instance dated it. */
  at: number;
  /** The services whose facts may have moved. */
  serviceIds: number[];
  /** Their names, for the live rooms (the scopes they belong to). */
  services: string[];
  /** Stored events per type and service, for the live feed (`events:ingested`). */
  counts: { type: string; service: string; n: number }[];
  /** Scopes told directly (a loop planned, edited or deleted in one): live rooms besides those of `services`. */
  scopes: string[];
  /** The organisation (or other state the change feed does not describe) changed too. */
  organisation: boolean;
}

export interface CommitFeedState {
  /** Whether this instance hears the others now. */
  listening: boolean;
  /** Since when (epoch ms) it has (null: not listening). */
  since: number | null;
  /** How many times the connection was lost since the start. */
  lost: number;
  /** What the last loss or failed attempt said (null: none). */
  error: string | null;
}

export interface CommitFeed {
  /** This instance, as its notices name it. */
  readonly instance: string;
  /**
   * Calls `listener` with every commit of another instance once heard, after the store has told
   * its change feed's listeners (`onServicesChanged`) which services it touched. Returns the unsubscribe.
   */
  onCommit(listener: (notice: CommitNotice) => void): () => void;
  /**
   * Calls `listener` when the connection that hears the others is lost: commits may be missed
   * until it is back, so whatever is kept in memory from the database must be dropped. While it is
   * lost, the store's `dataVersion()` moves on every call (nothing read is kept), and once more
   * when it is back.
   */
  onLost(listener: (error: string, retryInMs: number) => void): () => void;
  state(): CommitFeedState;
}

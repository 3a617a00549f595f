/**
 * Group commit for ingest requests. Requests that arrive together are stored in one SQLite
 * transaction — one sync to disk for all of them — each inside its own savepoint, so one
 * refused batch leaves the others whole, and each is acknowledged only after the commit.
 * A full disk or a damaged file is not one batch's fault: SQLite may already have rolled the
 * whole transaction back, so the whole group is refused with it, and nothing of it is stored.
 */
import type { NativeEvent } from '../common/events';
import type { IngestOptions, IngestResult, Store } from '../db/store';

type JobOptions = Omit<IngestOptions, 'now'>;

interface Job {
  events: NativeEvent[];
  opts: JobOptions;
  resolve: (r: { result: IngestResult; at: number }) => void;
  reject: (e: unknown) => void;
}

export interface IngestQueue {
  /** Stores a validated batch with the next group; resolves once it has committed. */
  submit(events: NativeEvent[], opts: JobOptions): Promise<{ result: IngestResult; at: number }>;
}

/** At most this many events go into one transaction, so one group never holds the writer for long. */
export const GROUP_MAX_EVENTS = 20_000;

export function createIngestQueue(store: Pick<Store, 'ingestGroup'>, now: () => number): IngestQueue {
  let pending: Job[] = [];
  let scheduled = false;
  // One group at a time: a group waits for the one before it to commit (flush never rejects).
  let running: Promise<void> = Promise.resolve();

  const flush = async () => {
    scheduled = false;
    let size = 0,
      n = 0;
    while (n < pending.length && (n === 0 || size + pending[n].events.length <= GROUP_MAX_EVENTS)) size += pending[n++].events.length;
    const jobs = pending.slice(0, n);
    pending = pending.slice(n);
    if (pending.length > 0) schedule();
    const at = now();
    let outcomes;
    try {
      // Each job a savepoint of one transaction: one that is refused rolls back alone.
      outcomes = await store.ingestGroup(jobs.map((job) => ({ events: job.events, opts: { ...job.opts, now: at } })));
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      if ('result' in o) job.resolve({ result: o.result, at });
      else job.reject(o.error);
    });
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // After the current turn's I/O, so requests read in the same turn share the commit.
    setImmediate(() => {
      running = running.then(flush);
    });
  };

  return {
    submit(events, opts) {
      return new Promise((resolve, reject) => {
        pending.push({ events, opts, resolve, reject });
        schedule();
      });
    },
  };
}

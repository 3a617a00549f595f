/**
 * Collectors on one instance of several (issue 23). On PostgreSQL, the instance that holds the
 * collectors' lock (Store.collectorLock: a session advisory lock on a connection of its own)
 * runs the schedule of server/collectors/scheduler.ts; the others try to take the lock every
 * `retryMs` and start the schedule when they get it: when the holder dies its connection drops,
 * PostgreSQL releases the lock, and the next try of another instance takes over, resuming from
 * the committed cursors. The holder checks its connection on the same interval and stops its
 * schedule (aborting a run in progress) as soon as it finds the lock lost. On SQLite there is
 * no lock: the server runs its collectors as before.
 */
import { hostname } from 'node:os';
import type { CollectorRunResult } from '../../collectors/types';
import type { CollectorLock } from '../../db/store';
import { DEFAULT_COLLECTOR_RETRY_MS } from '../../db/postgres/settings';
import type { AppContext } from '../context';
import { configuredCollectors, startCollectors, type CollectorScheduler } from './scheduler';

export interface LeadingScheduler extends CollectorScheduler {
  /**
   * Whether this instance runs the collectors: true or false on PostgreSQL (it holds the lock or
   * not), null where there is no lock (SQLite, or no collector configured).
   */
  runsHere(): boolean | null;
  /** How often a standby instance tries to take the lock (ms), or null without a lock. */
  readonly retryMs: number | null;
}

/** The name the lock's holder is known by (a refused `collect` prints it): host, process and port. */
export function instanceName(port: number): string {
  return `${hostname()} pid ${process.pid} port ${port}`;
}

export function startLeadingCollectors(
  ctx: AppContext,
  opts: { owner: string; retryMs?: number; firstRunDelayMs?: number },
): LeadingScheduler {
  const lock: CollectorLock | null = configuredCollectors(ctx) > 0 ? ctx.store.collectorLock(opts.owner) : null;
  if (!lock) {
    const all = startCollectors(ctx, opts);
    return { ...all, runsHere: () => null, retryMs: null };
  }
  const retryMs = opts.retryMs ?? DEFAULT_COLLECTOR_RETRY_MS;
  let running: CollectorScheduler | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  const stopRunning = async () => {
    const r = running;
    running = null;
    await r?.stop();
  };
  lock.onLost(() => {
    if (stopped) return;
    ctx.log(
      "collectors: this instance lost the collectors' lock (its database connection dropped); stopping them here, another instance takes over",
    );
    void stopRunning();
  });

  /** One try: takes the lock when free (and starts the schedule), or checks that it is still held. */
  const attempt = async () => {
    try {
      const held = running ? await lock.check() : await lock.take();
      failing = false;
      if (held && !running && !stopped) {
        ctx.log(`collectors: this instance runs them (it holds the collectors' lock as ${opts.owner})`);
        running = startCollectors(ctx, opts);
      } else if (!held && running) await stopRunning();
    } catch (e) {
      if (!failing) ctx.log(`collectors: taking the collectors' lock failed; trying again every ${retryMs / 1000} s`, e);
      failing = true;
    }
  };
  const loop = async () => {
    await attempt();
    if (stopped) return;
    timer = setTimeout(() => void loop(), retryMs);
    timer.unref();
  };
  const first = loop();

  return {
    retryMs,
    runsHere: () => running !== null,
    async runNow(): Promise<CollectorRunResult[]> {
      await first;
      return running ? running.runNow() : [];
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await first;
      await stopRunning();
      await lock.release();
    },
  };
}

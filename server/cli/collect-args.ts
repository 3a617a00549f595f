/**
 * The options every `collect` of a code host takes: what to collect (`--repo` for GitHub,
 * `--project` for GitLab, given again for more), `--since` (a span such as 90d or a date) and
 * `--config`; and the number format of their reports.
 */
import { parseDuration } from '../../collectors/github/config';
import { CommandUsageError } from './local';
import { hostname } from 'node:os';
import type { CollectorLock, Store } from '../../db/store';
import { anotherDatabase, databaseName, openConfiguredStore } from '../../db/open';
import type { CheckedEvents } from '../../common/validate-events';
import type { CollectorContext, CollectorRunResult } from '../../collectors/types';
import type { Config } from '../config';
import { isDemo } from '../demo';
import { collectorContext } from '../collectors/context';
import { remapConfiguredSources } from '../collectors/declared';
import { saveLastRun } from '../collectors/status';

export interface CollectArgs {
  names: string[];
  since?: number;
  config?: string;
  /** `--plan`: estimate the backfill's requests and time from the rate limit, and collect nothing. */
  plan?: boolean;
}

/** `flag` names what to collect; `problem` says what is wrong with a value, or null. */
export function parseCollectArgs(
  args: string[],
  now: number,
  what: { flag: string; example: string; problem: (v: string) => string | null },
): CollectArgs {
  const out: CollectArgs = { names: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v.startsWith('--')) throw new CommandUsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag === what.flag) {
      const v = value();
      const problem = what.problem(v);
      if (problem) throw new CommandUsageError(`${what.flag}: ${problem}.`);
      out.names.push(v);
    } else if (flag === '--since') {
      const v = value();
      const asDate = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) : NaN;
      const span = Number.isNaN(asDate) && /^\d+[smhd]$/.test(v) ? parseDuration(v) : null;
      if (Number.isNaN(asDate) && span === null)
        throw new CommandUsageError(`--since: expected a span such as 90d or 12h, or a date such as 2026-01-01, got "${v}".`);
      out.since = Number.isNaN(asDate) ? now - span! : asDate;
    } else if (flag === '--config') {
      out.config = value();
    } else if (flag === '--plan' && inline === undefined) {
      out.plan = true;
    } else {
      throw new CommandUsageError(
        `unknown option "${args[i]}". Options: ${what.flag} ${what.example}, --since 90d, --config file, --plan.`,
      );
    }
  }
  return out;
}

/** Options every `collect` takes, read by the collect command before it picks the source (`--wait`). */
export const collectOptions = { waitForLock: false };

/** Takes `--wait` out of a collect command's arguments (it may come anywhere), into {@link collectOptions}. */
export function takeWaitOption(argv: string[]): string[] {
  collectOptions.waitForLock = argv.includes('--wait');
  return argv.filter((a) => a !== '--wait');
}

/** How often `collect --wait` asks again for the collectors' lock. */
const LOCK_WAIT_MS = 2000;

/**
 * Takes the collectors' lock, or says who holds it: refused at once (false), or with `wait`
 * waited for (saying so once, then taking it as soon as the holder stops or dies).
 */
async function takeCollectorLock(lock: CollectorLock, wait: boolean): Promise<boolean> {
  if (await lock.take()) return true;
  const holder = await lock.holder();
  const who = holder
    ? `${holder.owner}${holder.since !== null ? ` (connected since ${new Date(holder.since).toISOString().slice(0, 19)}Z)` : ''}`
    : 'another process';
  if (!wait) {
    console.error(
      `deming collect: the collectors already run on ${who}, which holds their lock on this database: it collects on its schedule. ` +
        'Run again with --wait to collect once it stops (or dies), or stop that instance first.',
    );
    return false;
  }
  console.error(`deming collect: waiting for the collectors' lock, held by ${who} (Ctrl-C to give up)...`);
  for (;;) {
    await new Promise((r) => setTimeout(r, LOCK_WAIT_MS));
    if (await lock.take()) {
      console.error("deming collect: took the collectors' lock; collecting.");
      return true;
    }
  }
}

export const thousands = (n: number | null | undefined) => (n === null || n === undefined ? '?' : n.toLocaleString('en'));

/**
 * One collection from the command line, as every `collect` command runs it: the store opened
 * (refused when it holds the demo), the organisation synced, Ctrl-C stopping after the current
 * request, the collector run in a context that stores through the one ingest path, its run
 * remembered for the dashboard's status, then `report` says what happened and gives the exit code.
 */
export async function runCollection<R extends CollectorRunResult>(
  config: Config,
  o: {
    collector: { run(ctx: CollectorContext): Promise<R> };
    progress?: CollectorContext['progress'];
    report: (r: R, skipped: CheckedEvents['skipped'], store: Store) => number | Promise<number>;
  },
): Promise<number> {
  const store = await openConfiguredStore(config);
  try {
    // On PostgreSQL, where several instances may run the collectors, the command takes their lock as a server does.
    const lock = store.collectorLock(`npx deming collect on ${hostname()} pid ${process.pid}`);
    if (lock && !(await takeCollectorLock(lock, collectOptions.waitForLock))) return 3;
    if (await isDemo(store))
      throw new CommandUsageError(
        `${databaseName(config)} holds the generated demo data: ${anotherDatabase(config)} before collecting real data.`,
      );
    if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
    const abort = new AbortController();
    process.once('SIGINT', () => {
      console.error('\nSIGINT: stopping after the current request; what was stored stays stored.');
      abort.abort();
    });
    const ctx = collectorContext(
      { store, config, now: Date.now, log: (msg) => console.error(msg) },
      { signal: abort.signal, progress: o.progress },
    );
    await remapConfiguredSources(
      store,
      config,
      (events) => ctx.ingest(events),
      (msg) => console.error(msg),
    );
    const r = await o.collector.run(ctx);
    await saveLastRun(store, r);
    return await o.report(r, ctx.skipped, store);
  } finally {
    await store.close();
  }
}

/**
 * What the read services keep for one app context: the organisation tree (server/org) and the
 * metrics' fact index, answer cache, day starts and workspace (server/metrics/state.ts), all
 * over the store's reads. Made when the app is built, passed in as `ctx.reads`, closed with it.
 */
import type { StoreReads } from '../../db/reads';
import { createMetricsState, type MetricsState } from '../metrics/state';
import { createOrganisation, type Organisation } from '../org';

export interface ReadState extends MetricsState {
  org: Organisation;
  /** The windows the executive summary was last asked for with a fixed end, kept for the next start (server/read/summary.ts). */
  summaryWindows: RecentWindows;
}

/** The last few distinct windows, most recent first. */
export class RecentWindows {
  private list: [number, number][] = [];
  /** How many times their summaries were computed again after a write (server/read/summary.ts). */
  prepared = 0;
  constructor(private readonly max: number) {}

  add(from: number, to: number): void {
    this.list = [[from, to] as [number, number], ...this.list.filter(([f, t]) => f !== from || t !== to)].slice(0, this.max);
  }

  get(): [number, number][] {
    return this.list.map(([f, t]) => [f, t]);
  }
}

/** How many summary windows are kept: each costs a summary's computation at the next start (seconds at government size). */
const SUMMARY_WINDOWS = 3;

const noStarts: ReadonlyMap<number, number> = new Map();

export function createReadState(store: StoreReads): ReadState {
  const org = createOrganisation(store);
  const metrics = createMetricsState(store, async (settings) =>
    !settings || settings.incidents.length === 0 ? noStarts : (await org.current()).configuredStarts(settings),
  );
  return {
    ...metrics,
    org,
    summaryWindows: new RecentWindows(SUMMARY_WINDOWS),
    close() {
      metrics.close();
      org.close();
    },
  };
}

/**
 * What the read services keep for one app context: the organisation tree (server/org) and the
 * metrics' fact index, answer cache, day starts and workspace (server/metrics/state.ts), all
 * over the store's reads. Made when the app is built, passed in as `ctx.reads`, closed with it.
 */
import type { StoreReads } from '../../db/reads';
import type { Store } from '../../db/store';
import { createMetricsState, type MetricsState } from '../metrics/state';
import { createOrganisation, type Organisation } from '../org';

export interface ReadState extends MetricsState {
  org: Organisation;
  /** The windows the executive summary was last asked for with a fixed end, kept for the next start (server/read/summary.ts). */
  summaryWindows: RecentWindows;
  /**
   * The collectors' cursors and the organisation's rows, for how far a backfill has reached
   * (server/read/backfill.ts); null over reads alone (benchmarks), which then say nothing of it.
   */
  cursors: Pick<Store, 'listCursors' | 'readOrganisation'> | null;
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

export function createReadState(store: StoreReads & Partial<Pick<Store, 'listCursors'>>): ReadState {
  const org = createOrganisation(store);
  const metrics = createMetricsState(store, async (settings) =>
    !settings || settings.incidents.length === 0 ? noStarts : (await org.current()).configuredStarts(settings),
  );
  return {
    ...metrics,
    org,
    summaryWindows: new RecentWindows(SUMMARY_WINDOWS),
    cursors: store.listCursors ? (store as StoreReads & Pick<Store, 'listCursors'>) : null,
    close() {
      metrics.close();
      org.close();
    },
  };
}

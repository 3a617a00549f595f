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
  /**
   * The collectors' cursors and the organisation's rows, for how far a backfill has reached
   * (server/read/backfill.ts); null over reads alone (benchmarks), which then say nothing of it.
   */
  cursors: Pick<Store, 'listCursors' | 'readOrganisation'> | null;
}

const noStarts: ReadonlyMap<number, number> = new Map();

export function createReadState(store: StoreReads & Partial<Pick<Store, 'listCursors'>>): ReadState {
  const org = createOrganisation(store);
  const metrics = createMetricsState(store, async (settings) =>
    !settings || settings.incidents.length === 0 ? noStarts : (await org.current()).configuredStarts(settings),
  );
  return {
    ...metrics,
    org,
    cursors: store.listCursors ? (store as StoreReads & Pick<Store, 'listCursors'>) : null,
    close() {
      metrics.close();
      org.close();
    },
  };
}

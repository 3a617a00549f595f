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
}

const noStarts: ReadonlyMap<number, number> = new Map();

export function createReadState(store: StoreReads): ReadState {
  const org = createOrganisation(store);
  const metrics = createMetricsState(store, async (settings) =>
    !settings || settings.incidents.length === 0 ? noStarts : (await org.current()).configuredStarts(settings),
  );
  return {
    ...metrics,
    org,
    close() {
      metrics.close();
      org.close();
    },
  };
}

/**
 * What the metrics keep in memory for one app context: the fact index, the answer cache, the
 * local day starts and the fast path's workspace. Made when the app is built (with the read
 * state, server/read/state.ts), passed to every read, and closed with the context.
 */
import type { StoreReads } from '../../db/reads';
import { DayStarts } from './calendar';
import type { EvidenceSettings } from './evidence';
import { FactIndex } from './fact-index';
import { ResultCache } from './result-cache';
import { createWorkspace, type Workspace } from './select';

/** How many answers the cache keeps. */
const ANSWERS = 256;

export interface MetricsState {
  store: StoreReads;
  days: DayStarts;
  workspace: Workspace;
  facts: FactIndex;
  answers: ResultCache;
  /** The `evidence` setting's start of each service it names (the earliest, where several do). */
  configuredStarts(settings: EvidenceSettings | undefined): Promise<ReadonlyMap<number, number>>;
  close(): void;
}

export function createMetricsState(store: StoreReads, configuredStarts: MetricsState['configuredStarts']): MetricsState {
  const days = new DayStarts();
  const facts = new FactIndex(store, days);
  return {
    store,
    days,
    workspace: createWorkspace(),
    facts,
    answers: new ResultCache(facts, ANSWERS),
    configuredStarts,
    close() {
      facts.close();
      days.clear();
    },
  };
}

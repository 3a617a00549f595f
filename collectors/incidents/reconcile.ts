/**
 * Decides again, under the configuration now, every stored incident of each configured source:
 * at the server's start and before each `collect` run, so an incident that mapped to no service
 * moves to its service once a rule names it, and one that no longer counts (a raised threshold)
 * leaves the figures. Nothing is lost: a source no longer configured keeps its records as they are.
 */
import type { SourceIncidentsWrite } from '../../db/queries/source-incidents';
import type { IncidentModel } from './config';
import { reconcileBatch, type Tally } from './apply';
import type { IncidentEventInput } from './model';
import type { IncidentReads } from './reads';

/** How a host stores a batch with its records: a collector's `ctx.ingest`, or the server's ingest service. */
export type StoreIncidents = (events: IncidentEventInput[], write: SourceIncidentsWrite) => Promise<unknown>;

/** What moved: records whose decision changed, by their new status. */
export async function reconcileIncidents(
  reads: Pick<IncidentReads, 'sourceIncidents'>,
  models: readonly IncidentModel[],
  store: StoreIncidents,
  now: number,
): Promise<Tally> {
  const total: Tally = { counted: 0, unmapped: 0, skipped: 0 };
  for (const model of models) {
    const batch = reconcileBatch(model, await reads.sourceIncidents(model.source), now);
    if (batch.write.items.length === 0 && batch.events.length === 0) continue;
    await store(batch.events, batch.write);
    for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += batch.tally[k];
  }
  return total;
}

/**
 * Incidents from a source, as one batch for the one ingest path: the counted ones as native
 * `incident` events, and, stored in the same transaction after them (`alsoStore.incidents`,
 * db/queries/source-incidents.ts), every record with what was decided of it, and the withdrawal
 * of an incident that counted before and no longer does (its row leaves `incidents`; its
 * idempotency key stays, so an older state arriving later changes nothing). An older state than
 * the one stored (by the source's `updatedAt`) is acknowledged and ignored: its record is not
 * stored, its event is `older` to the ingest path, and nothing is withdrawn.
 */
import type { SourceIncidentsWrite, StoredRecord } from '../../db/queries/source-incidents';
import type { IncidentModel } from './config';
import { decide, toRecord, type IncidentEventInput, type IncidentRecord, type SourceIncident } from './model';

export interface Tally {
  counted: number;
  unmapped: number;
  skipped: number;
}

/** A batch of incidents, ready for the ingest path. */
export interface IncidentBatch {
  events: IncidentEventInput[];
  /** Stored in the batch's transaction (`alsoStore.incidents`). */
  write: SourceIncidentsWrite;
  tally: Tally;
}

const emptyTally = (): Tally => ({ counted: 0, unmapped: 0, skipped: 0 });

function batchOf(items: SourceIncidentsWrite['items'], events: IncidentEventInput[], receivedAt: number): IncidentBatch {
  const tally = emptyTally();
  for (const { decision } of items) tally[decision.status]++;
  return { events, tally, write: { items, receivedAt } };
}

/** The newest state of each incident of a batch (a page boundary or a delivery may repeat one). */
function newestOnly(incidents: SourceIncident[]): SourceIncident[] {
  const byId = new Map<string, SourceIncident>();
  for (const i of incidents) {
    const prev = byId.get(i.id);
    if (!prev || prev.updatedAt === null || i.updatedAt === null || i.updatedAt >= prev.updatedAt) byId.set(i.id, i);
  }
  return [...byId.values()];
}

/** What a source's incidents become under its model, as one batch. */
export function incidentBatch(model: IncidentModel, incidents: SourceIncident[], receivedAt: number): IncidentBatch {
  const items: SourceIncidentsWrite['items'] = [];
  const events: IncidentEventInput[] = [];
  for (const i of newestOnly(incidents)) {
    const record = toRecord(model, i);
    const decision = decide(model, record);
    items.push({ record, decision });
    if (decision.event) events.push(decision.event);
  }
  return batchOf(items, events, receivedAt);
}

/**
 * The stored records of a source whose decision the model now changes (a mapping added, the
 * threshold or the titles setting changed), and every counted one (the ingest path finds those
 * unchanged at the cost of a hash), as one batch: unmapped incidents move to their service, and
 * incidents that no longer count leave the figures.
 */
export function reconcileBatch(model: IncidentModel, stored: StoredRecord[], receivedAt: number): IncidentBatch {
  const items: SourceIncidentsWrite['items'] = [];
  const events: IncidentEventInput[] = [];
  for (const s of stored) {
    const record: IncidentRecord = { ...s, title: model.titles ? s.title : null };
    const decision = decide(model, record);
    const same =
      decision.status === s.status &&
      decision.service === s.service &&
      decision.severity === s.severity &&
      decision.reason === s.reason &&
      record.title === s.title;
    if (decision.event) events.push(decision.event);
    if (!same) items.push({ record, decision, redecide: true });
  }
  return batchOf(items, events, receivedAt);
}

/** What a pull that stopped on `e` reports: a stop (Ctrl-C, the server closing) keeps what it stored. */
export function pullError(signal: AbortSignal | undefined, resource: string, e: unknown): { resource: string; message: string } {
  return { resource, message: signal?.aborted ? 'stopped; what was stored stays stored' : (e as Error).message };
}

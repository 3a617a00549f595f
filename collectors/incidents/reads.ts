/**
 * What the incident sources read of what they stored: one small interface, so these reads move
 * behind the store (db/store.ts, issue 14) by implementing it there; SQLite answers at once.
 */
import type { Db } from '../../db/connection';
import {
  countSourceIncidents, findOpenSourceIncident, listSourceIncidents, listSourceIncidentsOf, type RecordStatus, type StoredRecord,
} from '../../db/queries/source-incidents';

export type { RecordStatus, StoredRecord };

export interface IncidentReads {
  /** Every record of a source, to decide again. */
  sourceIncidents(source: string): Promise<StoredRecord[]>;
  /** Records of a status, newest first. */
  sourceIncidentList(status: RecordStatus, source: string | null, limit: number): Promise<StoredRecord[]>;
  /** The open incident of a source's group (Alertmanager), if any. */
  openSourceIncident(source: string, grouping: string): Promise<StoredRecord | undefined>;
  sourceIncidentCounts(): Promise<{ source: string; status: RecordStatus; n: number }[]>;
}

export function incidentReads(db: Db): IncidentReads {
  const run = <T>(f: () => T): Promise<T> => { try { return Promise.resolve(f()); } catch (e) { return Promise.reject(e); } };
  return {
    sourceIncidents: (source) => run(() => listSourceIncidentsOf(db, source)),
    sourceIncidentList: (status, source, limit) => run(() => listSourceIncidents(db, status, source, limit)),
    openSourceIncident: (source, grouping) => run(() => findOpenSourceIncident(db, source, grouping)),
    sourceIncidentCounts: () => run(() => countSourceIncidents(db)),
  };
}

/**
 * What the incident sources read of what they stored: the store's {@link IncidentReads}
 * (db/store.ts), or the same reads on a connection for code that holds one (a collector's `db`).
 */
export type { SourceIncidentReads as IncidentReads, RecordStatus, StoredRecord } from '../../db/queries/source-incidents';
export { sourceIncidentReads as incidentReads } from '../../db/queries/source-incidents';

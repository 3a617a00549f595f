/** What the incident sources read of what they stored: the store's reads (db/store.ts). */
export type { SourceIncidentReads as IncidentReads, RecordStatus, StoredRecord } from '../../db/queries/source-incidents';

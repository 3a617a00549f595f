/**
 * The incidents a source told that Deming keeps but does not count (collectors/incidents), as
 * `GET /api/v1/incidents/unmapped` and `/skipped` answer them and the dashboard shows them.
 */
export interface KeptIncidentItem {
  source: string;
  id: string;
  openedAt: string;
  resolvedAt: string | null;
  /** `sev1`…`sev5` after the source's scale, or null. */
  severity: string | null;
  /** The tool's own value (`P2`, `critical`). */
  sourceSeverity: string | null;
  /** The field a rule of `incidents.<source>.services` would map it by, and its value. */
  mapBy: { field: string; value: string | null };
  /** Every field a rule may match. */
  fields: Record<string, string>;
  /** The service it maps to (skipped ones), or null. */
  service: string | null;
  /** Why it does not count. */
  reason: string;
  title: string | null;
  url: string | null;
  /** Whether its source is configured now (one since removed keeps what it had). */
  configured: boolean;
}

export interface KeptIncidentsResponse {
  status: 'unmapped' | 'skipped';
  items: KeptIncidentItem[];
  /** How many each source keeps with this status (all of them, not only those listed). */
  counts: Record<string, number>;
}

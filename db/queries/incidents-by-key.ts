/** One incident by its source and id, as a native event, so a later report can update it. */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import type { NativeEventInput } from '../../common/events';
import { incidentEventOf, type StoredIncidentRow } from '../rows';

/** The stored incident with this source and id, or undefined; `updatedAt` is the newest its source gave. */
export function getIncidentByKey(db: Db, source: string, extId: string): Extract<NativeEventInput, { type: 'incident' }> | undefined {
  const row = prepared<[string, string], StoredIncidentRow>(
    db,
    `SELECT s.name AS service, i.opened_at AS openedAt, i.resolved_at AS resolvedAt, i.severity, i.deployment_ref AS deploymentRef,
      i.root_cause_sha AS rootCauseSha, i.change_request AS changeRequest, i.title, i.url, k.updated_at AS updatedAt
    FROM incidents i JOIN services s ON s.id = i.service_id
    LEFT JOIN event_keys k ON k.service_id = i.service_id AND k.type = 'incident' AND k.source = i.source AND k.event_id = i.ext_id
    WHERE i.source = ? AND i.ext_id = ?`,
  ).get(source, extId);
  return row ? incidentEventOf(row, source, extId) : undefined;
}

/** One incident by its source and id, as a native event, so a later report can update it. */
import type { Db } from '../connection';
import { prepared } from '../prepared';
import type { NativeEventInput } from '../../common/events';

type IncidentInput = Extract<NativeEventInput, { type: 'incident' }>;

const iso = (t: number | null) => (t === null ? undefined : new Date(t).toISOString());

/** The stored incident with this source and id, or undefined; `updatedAt` is the newest its source gave. */
export function getIncidentByKey(db: Db, source: string, extId: string): IncidentInput | undefined {
  const row = prepared<
    [string, string],
    {
      service: string;
      openedAt: number;
      resolvedAt: number | null;
      severity: string | null;
      deploymentRef: string | null;
      rootCauseSha: string | null;
      changeRequest: string | null;
      title: string | null;
      url: string | null;
      updatedAt: number | null;
    }
  >(
    db,
    `SELECT s.name AS service, i.opened_at AS openedAt, i.resolved_at AS resolvedAt, i.severity, i.deployment_ref AS deploymentRef,
      i.root_cause_sha AS rootCauseSha, i.change_request AS changeRequest, i.title, i.url, k.updated_at AS updatedAt
    FROM incidents i JOIN services s ON s.id = i.service_id
    LEFT JOIN event_keys k ON k.service_id = i.service_id AND k.type = 'incident' AND k.source = i.source AND k.event_id = i.ext_id
    WHERE i.source = ? AND i.ext_id = ?`,
  ).get(source, extId);
  if (!row) return undefined;
  return {
    type: 'incident',
    id: extId,
    source,
    service: row.service,
    openedAt: iso(row.openedAt)!,
    resolvedAt: iso(row.resolvedAt),
    severity: row.severity ?? undefined,
    deploymentId: row.deploymentRef ?? undefined,
    rootCauseSha: row.rootCauseSha ?? undefined,
    changeRequest: row.changeRequest ?? undefined,
    title: row.title ?? undefined,
    url: row.url ?? undefined,
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * The incidents Deming keeps but does not count (collectors/incidents): `GET
 * /api/v1/incidents/unmapped` lists those that map to no service yet, each with the field (and
 * value) a rule of `incidents.<source>.services` would map it by; `GET /api/v1/incidents/skipped`
 * those below the threshold, cancelled, duplicates or resolved before they opened, each with the
 * reason. `?source=` narrows to one source; CSV with `Accept: text/csv` or `?format=csv`.
 */
import { Router } from 'express';
import type { AppContext } from '../context';
import { requireRole } from '../auth';
import { parseLimit } from '../query';
import { columnsOf, sendRows } from '../csv';
import { HttpError } from '../errors';
import type { StoredRecord } from '../../collectors/incidents/reads';
import { mapHint } from '../../collectors/incidents/model';
import type { IncidentModel } from '../../collectors/incidents/config';
import type { KeptIncidentItem, KeptIncidentsResponse } from '../../common/kept-incidents';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function incidentSourcesRouter(ctx: AppContext): Router {
  const r = Router();
  const viewer = requireRole(ctx.auth, 'viewer');
  const reads = ctx.store;
  const models = (): IncidentModel[] => ctx.config.incidents?.models ?? [];
  const item = (s: StoredRecord): KeptIncidentItem => {
    const model = models().find((m) => m.source === s.source);
    return {
      source: s.source,
      id: s.id,
      openedAt: iso(s.openedAt)!,
      resolvedAt: iso(s.resolvedAt),
      severity: s.severity,
      sourceSeverity: s.severityValue,
      mapBy: model ? mapHint(model, s) : { field: Object.keys(s.fields)[0] ?? 'service', value: Object.values(s.fields)[0] ?? null },
      fields: s.fields,
      service: s.service,
      reason: s.reason ?? '',
      title: s.title,
      url: s.url,
      configured: model !== undefined,
    };
  };
  for (const status of ['unmapped', 'skipped'] as const) {
    r.get(`/api/v1/incidents/${status}`, viewer, async (req, res) => {
      const source = req.query.source;
      if (source !== undefined && (typeof source !== 'string' || !/^[a-z][a-z0-9_-]{0,49}$/.test(source))) {
        throw new HttpError(400, 'invalid_query', 'source: expected an incident source such as pagerduty or alertmanager.');
      }
      const limit = parseLimit(req.query.limit, 500, 10_000);
      const items = (await reads.sourceIncidentList(status, source ?? null, limit)).map(item);
      const counts = (await reads.sourceIncidentCounts()).filter((c) => c.status === status);
      const body: KeptIncidentsResponse = { status, items, counts: Object.fromEntries(counts.map((c) => [c.source, c.n])) };
      sendRows(
        req,
        res,
        body,
        items.map((i) => ({ ...i, fields: JSON.stringify(i.fields) })),
        `incidents-${status}`,
        columns,
      );
    });
  }
  return r;
}

const columns = columnsOf<KeptIncidentItem>(
  'source',
  'id',
  'openedAt',
  'resolvedAt',
  'severity',
  'sourceSeverity',
  'mapBy.field',
  'mapBy.value',
  'service',
  'reason',
  'title',
  'url',
  'configured',
);

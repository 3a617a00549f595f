/** The read API: organisation, metrics, series and the lists behind them. Thin: parse → authorize → query → respond. */
import { Router, type Request } from 'express';
import type { AppContext } from '../context';
import type { ChangeItem, HealthResponse, OrgResponse } from '../../common/api';
import { listDepartments, listServices, listTeams } from '../../db/queries/org';
import { listChangesByIds, type ChangeSort } from '../../db/queries/changes';
import { listDeployments, type DeploymentListRow } from '../../db/queries/deployments';
import { listDeploymentFacts } from '../../db/queries/metrics';
import { listIncidents, type IncidentListRow } from '../../db/queries/incidents';
import { listCiRuns, type CiRunListRow } from '../../db/queries/ci-runs';
import { countRawEvents } from '../../db/queries/events';
import { databaseFault, faultMessage, noteDatabaseError } from '../../db/faults';
import { requireRole } from '../auth';
import { parseScope, resolveScope } from '../scope';
import { parseBucket, parseEnum, parseLimit, parseWindow } from '../query';
import { readMetrics, readSeries } from '../metrics/read';
import { factIndex } from '../metrics/fact-index';
import { indexedChanges } from '../metrics/indexed';
import { pullRequestStages } from '../metrics/compute';
import { columnsOf, sendRows } from '../csv';
import { HttpError } from '../errors';
import { periods } from '../metrics/calendar';
import { collectorHealth } from '../collectors/status';
import { metricsOptions } from '../metrics/options';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const MAX_BUCKETS = 800;

export function readRouter(ctx: AppContext): Router {
  const r = Router();
  const viewer = requireRole(ctx.auth, 'viewer');
  const scoped = (req: Request) => {
    const resolved = resolveScope(ctx.db, parseScope(req.query.scope));
    return { resolved, ...parseWindow(req.query, ctx.now()) };
  };

  r.get('/api/v1/health', (req, res) => {
    let ok = true, events = 0, services = 0, error: string | undefined;
    try {
      events = countRawEvents(ctx.db);
      services = listServices(ctx.db).length;
    } catch (e) {
      ok = false;
      if (!noteDatabaseError(ctx.db, e, ctx.now())) {
        error = 'the database could not be read: the error is in the server log';
        ctx.log('health: reading the database failed', e);
      }
    }
    // A full disk leaves reads working (degraded, 200); a damaged or unreadable file does not (503).
    const fault = databaseFault(ctx.db);
    if (fault) error = `${fault.kind === 'disk_full' ? 'disk full' : 'damaged'} since ${new Date(fault.since).toISOString()}: ${faultMessage(fault.kind, fault.sqlite)}`;
    if (fault?.kind === 'damaged') ok = false;
    const status: HealthResponse['status'] = !ok ? 'error' : fault ? 'degraded' : 'ok';
    const body: HealthResponse = {
      status, version: '0.1.0', database: { ok, writable: ok && !fault, events, services, ...(error ? { error } : {}) },
      demo: ctx.demo(), building: [...(ctx.building ?? [])].sort(), collectors: collectorHealth(ctx, req),
    };
    res.status(ok ? 200 : 503).json(body);
  });

  r.get('/api/v1/org', viewer, (_req, res) => {
    const services = listServices(ctx.db);
    const teams = listTeams(ctx.db).filter((t) => t.id !== 'unassigned' || services.some((s) => s.teamId === t.id));
    const departments = listDepartments(ctx.db).filter((d) => teams.some((t) => t.departmentId === d.id));
    const body: OrgResponse = {
      departments: departments.map((d) => ({ ...d, teams: teams.filter((t) => t.departmentId === d.id).map((t) => t.id) })),
      teams: teams.map((t) => ({ ...t, services: services.filter((s) => s.teamId === t.id).map((s) => s.name) })),
      services: services.map((s) => ({ name: s.name, teamId: s.teamId })),
      demo: ctx.demo(),
    };
    res.json(body);
  });

  r.get('/api/v1/metrics', viewer, (req, res) => {
    const { resolved, from, to } = scoped(req);
    const body = readMetrics(ctx.db, resolved, from, to, metricsOptions(ctx.config, resolved.scope.key));
    sendRows(req, res, body, [body as unknown as Record<string, unknown>], 'metrics');
  });

  r.get('/api/v1/metrics/series', viewer, (req, res) => {
    const { resolved, from, to } = scoped(req);
    const bucket = parseBucket(req.query.bucket);
    if (periods(bucket, from, to, ctx.config.tz).length > MAX_BUCKETS) {
      throw new HttpError(400, 'invalid_query', `bucket: ${bucket} buckets over this window would be more than ${MAX_BUCKETS}; use a larger bucket or a shorter window.`);
    }
    const body = readSeries(ctx.db, resolved, from, to, bucket, metricsOptions(ctx.config, resolved.scope.key));
    sendRows(req, res, body, body.points as unknown as Record<string, unknown>[], 'series');
  });

  r.get('/api/v1/changes', viewer, (req, res) => {
    const { resolved, from, to } = scoped(req);
    const sort = parseEnum<ChangeSort>(req.query.sort, 'sort', ['slowest', 'fastest', 'newest', 'oldest'], 'slowest');
    const limit = parseLimit(req.query.limit, 100, 5000);
    const items: ChangeItem[] = listChangesByIds(ctx.db, indexedChanges(factIndex(ctx.db).all(resolved.serviceIds), { from, to, tz: ctx.config.tz }, sort, limit)).map((c) => ({
      service: c.service, sha: c.sha, committedAt: iso(c.committedAt)!, deployedAt: iso(c.deployedAt)!,
      leadTime: (c.deployedAt - c.committedAt) / 1000, url: c.url, deploymentId: c.deploymentId, deploymentUrl: c.deploymentUrl,
      pullRequest: c.prNumber === null ? null : { number: c.prNumber, url: c.prUrl },
      stages: c.prNumber === null || c.mergedAt === null ? null : (({ loop: _loop, ...s }) => s)(pullRequestStages({
        serviceId: 0, deployedAt: c.deployedAt, planStartedAt: c.planStartedAt, firstCommitAt: c.firstCommitAt,
        mergedAt: c.mergedAt, checkedAt: c.checkedAt, hasCi: c.hasCi === 1,
      })),
    }));
    sendRows(req, res, { scope: resolved.scope.key, from: iso(from), to: iso(to), items }, items as unknown as Record<string, unknown>[], 'changes', changeColumns);
  });

  const list = <T extends object>(path: string, name: string, columns: readonly string[], fetch: (ids: number[], from: number, to: number, limit: number) => T[], times: (keyof T)[]) => {
    r.get(path, viewer, (req, res) => {
      const { resolved, from, to } = scoped(req);
      const limit = parseLimit(req.query.limit, 500, 10_000);
      const items = fetch(resolved.serviceIds, from, to, limit).map((row) => {
        const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
        for (const k of times) out[k as string] = iso(row[k] as number | null);
        return out;
      });
      sendRows(req, res, { scope: resolved.scope.key, from: iso(from), to: iso(to), items }, items, name, columns);
    });
  };
  list('/api/v1/deployments', 'deployments', columnsOf<Omit<DeploymentListRow, 'rowId'> & { causedIncident: boolean; unplanned: boolean }>(
    'service', 'id', 'source', 'environment', 'production', 'status', 'sha', 'startedAt', 'finishedAt', 'rework', 'url', 'changes', 'causedIncident', 'unplanned',
  ), (ids, f, t, l) => {
    // Whether an incident is linked to a deployment is decided once, by the metrics' own query.
    const facts = new Map(listDeploymentFacts(ctx.db, ids, f, t).map((d) => [d.id, d]));
    return listDeployments(ctx.db, ids, f, t, l).map(({ rowId, ...d }) => ({
      ...d, production: d.production === 1, rework: d.rework === 1,
      causedIncident: facts.get(rowId)?.failed === 1, unplanned: facts.get(rowId)?.unplanned === 1,
    }));
  }, ['startedAt', 'finishedAt']);
  list('/api/v1/incidents', 'incidents', columnsOf<IncidentListRow>(
    'service', 'id', 'source', 'openedAt', 'resolvedAt', 'severity', 'deploymentId', 'rootCauseSha', 'title', 'url',
  ), (ids, f, t, l) => listIncidents(ctx.db, ids, f, t, l), ['openedAt', 'resolvedAt']);
  list('/api/v1/ci-runs', 'ci-runs', columnsOf<CiRunListRow>(
    'service', 'id', 'source', 'name', 'status', 'sha', 'branch', 'startedAt', 'finishedAt', 'testsPassed', 'testsFailed', 'testsSkipped', 'url',
  ), (ids, f, t, l) => listCiRuns(ctx.db, ids, f, t, l), ['startedAt', 'finishedAt']);
  return r;
}

/** The changes list's CSV columns, the same whatever its rows (a change without a pull request leaves those empty). */
const changeColumns = columnsOf<ChangeItem>(
  'service', 'sha', 'committedAt', 'deployedAt', 'leadTime', 'url', 'deploymentId', 'deploymentUrl',
  'pullRequest.number', 'pullRequest.url', 'stages.plan', 'stages.do', 'stages.check', 'stages.act',
);

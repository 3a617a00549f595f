/** `GET /api/v1/summary`: one row per department for executives, with a 12-month lead-time trend. */
import { Router } from 'express';
import type { AppContext } from '../context';
import type { ChildRow, ChildrenResponse, SummaryResponse } from '../../common/api';
import { listDepartments, listServices, listTeams } from '../../db/queries/org';
import { requireRole } from '../auth';
import { parseWindow } from '../query';
import { parseScope, resolveScope, type Scope } from '../scope';
import { readMetrics, readSeries } from '../metrics/read';
import { metricsOptions } from '../metrics/options';
import { startOf } from '../metrics/calendar';
import { sendRows } from '../csv';

const TEN_YEARS_MS = 3653 * 86_400_000;

export function summaryRouter(ctx: AppContext): Router {
  const r = Router();
  r.get('/api/v1/summary', requireRole(ctx.auth, 'viewer'), (req, res) => {
    const { from, to } = parseWindow(req.query, ctx.now());
    // The trend covers the 12 calendar months up to the end of the window.
    const trendTo = to;
    const end = new Date(startOf('month', to - 1, ctx.config.tz));
    const trendFrom = startOf('month', Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 15), ctx.config.tz);
    const departments = listDepartments(ctx.db).map((d) => ({ d, resolved: resolveScope(ctx.db, { kind: 'department', id: d.id, key: `department:${d.id}` }) }))
      .filter(({ resolved }) => resolved.serviceIds.length > 0);
    const body: SummaryResponse = {
      from: new Date(from).toISOString(), to: new Date(to).toISOString(), demo: ctx.demo(),
      org: readMetrics(ctx.db, resolveScope(ctx.db, { kind: 'org', key: 'org' }), from, to, metricsOptions(ctx.config, 'org')),
      departments: departments.map(({ d, resolved }) => {
        const opts = metricsOptions(ctx.config, resolved.scope.key);
        const metrics = readMetrics(ctx.db, resolved, from, to, opts);
        const monthly = (start: number) => readSeries(ctx.db, resolved, start, trendTo, 'month', opts).points.map((p) => ({
          from: p.from, to: p.to, leadTimeP50: p.leadTime.p50, deploymentsPerWeek: p.deploymentFrequency.perWeek,
        }));
        const baselineMonth = metrics.baseline ? startOf('month', Math.max(Date.parse(metrics.baseline.from), to - TEN_YEARS_MS), ctx.config.tz) : null;
        return {
          department: { id: d.id, name: d.name }, services: resolved.serviceIds.length, metrics,
          trend: monthly(trendFrom),
          sinceBaseline: baselineMonth !== null && baselineMonth < trendTo ? monthly(baselineMonth) : [],
        };
      }),
    };
    const rows = body.departments.map((row) => ({
      department: row.department.name, services: row.services,
      leadTimeP50: row.metrics.leadTime.p50, nowLeadTimeP50: row.metrics.now.leadTimeP50,
      baselineLeadTimeP50: row.metrics.baseline?.leadTimeP50 ?? null, baselineLeftOut: row.metrics.baseline?.leftOut ?? null, speedup: row.metrics.speedup,
      deploymentsPerWeek: row.metrics.deploymentFrequency.perWeek, changeFailureRate: row.metrics.changeFailureRate.rate,
      timeToRestoreP50: row.metrics.timeToRestore.p50, failedDeploymentRecoveryTimeP50: row.metrics.failedDeploymentRecoveryTime.p50,
      reworkRate: row.metrics.reworkRate.rate, band: row.metrics.band, bands: row.metrics.bands,
      benchmarkAverage: row.metrics.benchmark.average.score, aheadOfGovernment: row.metrics.benchmark.average.aheadOf.government,
    }));
    sendRows(req, res, body, rows, 'summary');
  });

  r.get('/api/v1/children', requireRole(ctx.auth, 'viewer'), (req, res) => {
    const parent = resolveScope(ctx.db, parseScope(req.query.scope));
    const { from, to } = parseWindow(req.query, ctx.now());
    const children: { scope: Scope; name: string }[] = [];
    const p = parent.scope;
    if (p.kind === 'org') for (const d of listDepartments(ctx.db)) children.push({ scope: { kind: 'department', id: d.id, key: `department:${d.id}` }, name: d.name });
    else if (p.kind === 'department') for (const t of listTeams(ctx.db).filter((t) => t.departmentId === p.id)) children.push({ scope: { kind: 'team', id: t.id, key: `team:${t.id}` }, name: t.name });
    else if (p.kind === 'team') for (const s of listServices(ctx.db).filter((s) => s.teamId === p.id)) children.push({ scope: { kind: 'service', id: s.name, key: `service:${s.name}` }, name: s.name });
    const items: ChildRow[] = children
      .map((c) => ({ c, resolved: resolveScope(ctx.db, c.scope) }))
      .filter(({ resolved }) => resolved.serviceIds.length > 0)
      .map(({ c, resolved }) => ({ scope: c.scope.key, name: c.name, services: resolved.serviceIds.length, metrics: readMetrics(ctx.db, resolved, from, to, metricsOptions(ctx.config, resolved.scope.key)) }));
    const body: ChildrenResponse = { scope: p.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(), items };
    sendRows(req, res, body, items.map((i) => ({ ...i.metrics, scope: i.scope, name: i.name, services: i.services })) as unknown as Record<string, unknown>[], 'children');
  });
  return r;
}

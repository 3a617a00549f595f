/** The read API: organisation, metrics, series and the lists behind them. Thin: parse → authorize → call a read service (server/read) → respond. */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import type { HealthResponse } from '../../common/api';
import { faultMessage, isDatabaseUnavailable, RETRY_AFTER_SECONDS, type IntegrityCheckState } from '../../db/store';
import { requireRole } from '../auth';
import { parseBucket, parseEnum, parseLimit } from '../query';
import { sendRows } from '../csv';
import { collectorHealth } from '../collectors/status';
import type { ChangeOrder } from '../metrics/indexed';
import {
  changesTable,
  ciRunsTable,
  deploymentsTable,
  incidentsTable,
  metricsTable,
  orgOf,
  scopedWindow,
  seriesTable,
  type Table,
} from '../read';
import { pullRequestsTable } from '../read/pull-requests';

/** Answers a read service's table: JSON, or its rows as CSV when asked. */
export function sendTable(req: Request, res: Response, t: Table): void {
  sendRows(req, res, t.body, t.rows, t.name, t.columns);
}

export function readRouter(ctx: AppContext): Router {
  const r = Router();
  const viewer = requireRole(ctx.auth, 'viewer');
  const scoped = (req: Request) => scopedWindow(ctx, req.query, ctx.now());

  r.get('/api/v1/health', async (req, res) => {
    let ok = true,
      events = 0,
      services = 0,
      error: string | undefined;
    try {
      ({ events, services } = await ctx.store.healthCounts());
    } catch (e) {
      ok = false;
      if (isDatabaseUnavailable(e)) {
        error = 'the database cannot be reached for now (it may be restarting): the server connects again by itself';
        res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      } else if (!(await ctx.store.noteError(e))) {
        error = 'the database could not be read: the error is in the server log';
        ctx.log('health: reading the database failed', e);
      }
    }
    // A full disk leaves reads working (degraded, 200); a damaged or unreadable file does not (503).
    const fault = await ctx.store.fault();
    if (fault)
      error = `${fault.kind === 'disk_full' ? 'disk full' : 'damaged'} since ${new Date(fault.since).toISOString()}: ${faultMessage(fault.kind, fault.sqlite)}`;
    if (fault?.kind === 'damaged') ok = false;
    // For a load balancer: can this instance serve (a full disk still reads: it can)?
    const feed = ctx.store.commits;
    const heard = feed?.state();
    const notReady = [
      ...(ok ? [] : ['the database cannot be read']),
      ...(heard && !heard.listening
        ? [
            "it does not hear the other instances' commits (the connection that listens is lost, or not up yet: the server log says why); trying again",
          ]
        : []),
      ...(ctx.stopping?.() ? ['it is stopping'] : []),
    ];
    const ready = notReady.length === 0;
    const status: HealthResponse['status'] = !ready ? 'error' : fault ? 'degraded' : 'ok';
    const body: HealthResponse = {
      status,
      version: '0.1.0',
      database: {
        ok,
        writable: ok && !fault,
        events,
        services,
        ...(error ? { error } : {}),
        check: checkOf(await ctx.store.integrityCheck()),
      },
      demo: ctx.demo(),
      building: [...(ctx.building ?? [])].sort(),
      collectors: await collectorHealth(ctx, req),
      ready,
      notReady,
      ...(feed && heard
        ? {
            instances: {
              instance: feed.instance,
              listening: heard.listening,
              since: heard.since === null ? null : new Date(heard.since).toISOString(),
              lost: heard.lost,
            },
          }
        : {}),
    };
    const here = ctx.collectors?.runsHere();
    if (here !== undefined && here !== null) body.collectorLock = { here, retrySeconds: ctx.collectors!.retryMs! / 1000 };
    // Not ready for any reason: a hint of when to ask again, as every 503 of the server gives.
    if (!ready) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(ready ? 200 : 503).json(body);
  });

  r.get('/api/v1/org', viewer, async (_req, res) => {
    res.json(await orgOf(ctx));
  });

  r.get('/api/v1/metrics', viewer, async (req, res) => {
    sendTable(req, res, await metricsTable(ctx, await scoped(req)));
  });

  r.get('/api/v1/metrics/series', viewer, async (req, res) => {
    const q = await scoped(req);
    sendTable(req, res, await seriesTable(ctx, q, parseBucket(req.query.bucket)));
  });

  r.get('/api/v1/changes', viewer, async (req, res) => {
    const q = await scoped(req);
    const sort = parseEnum<ChangeOrder>(req.query.sort, 'sort', ['slowest', 'fastest', 'newest', 'oldest'], 'slowest');
    const limit = parseLimit(req.query.limit, 100, 5000);
    const groupBy = parseEnum(req.query.groupBy, 'groupBy', ['change', 'pullRequest'], 'change');
    sendTable(req, res, groupBy === 'pullRequest' ? await pullRequestsTable(ctx, q, sort, limit) : await changesTable(ctx, q, sort, limit));
  });

  r.get('/api/v1/deployments', viewer, async (req, res) => {
    const q = await scoped(req);
    sendTable(req, res, await deploymentsTable(ctx, q, parseLimit(req.query.limit, 500, 10_000)));
  });
  r.get('/api/v1/incidents', viewer, async (req, res) => {
    const q = await scoped(req);
    sendTable(req, res, await incidentsTable(ctx, q, parseLimit(req.query.limit, 500, 10_000)));
  });
  r.get('/api/v1/ci-runs', viewer, async (req, res) => {
    const q = await scoped(req);
    sendTable(req, res, await ciRunsTable(ctx, q, parseLimit(req.query.limit, 500, 10_000)));
  });
  return r;
}

/** The integrity check beside the server, as health tells it (times as ISO strings). */
function checkOf(c: IntegrityCheckState | undefined): HealthResponse['database']['check'] {
  if (!c) return undefined;
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { mode: c.mode, state: c.state, startedAt: iso(c.startedAt), finishedAt: iso(c.finishedAt) };
}

/** PDCA loops: read for viewers; plan, act, edit and delete for editors. */
import express, { Router } from 'express';
import type { AppContext } from '../context';
import { actorOf, requireRole } from '../auth';
import { parseScope } from '../scope';
import { parseLimit, parseWindow } from '../query';
import { readLoop, readLoops, type LoopReads } from '../loops/list';
import { deleteLoop, patchLoop, planLoop, type LoopWrites } from '../loops/write';
import type { ResolvedScope } from '../scope';
import { readMetrics } from '../metrics/read';
import { indexedLeadTimes } from '../metrics/indexed';
import { HttpError } from '../errors';
import type { LoopAuditItem } from '../../common/api';
import { sendRows } from '../csv';
import { jsonBody } from '../body';
import { metricsOptions } from '../metrics/options';

export function loopsRouter(ctx: AppContext): Router {
  const r = Router();
  const viewer = requireRole(ctx.auth, 'viewer');
  const editor = requireRole(ctx.auth, 'editor');
  const json = jsonBody({ limit: '64kb', depth: ctx.config.limits.jsonDepth });
  const needJson: express.RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) return next(new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json.'));
    next();
  };
  const opts = () => ({ days: ctx.config.loops.cadenceDays, anchor: ctx.config.loops.anchor, now: ctx.now() });
  const notify = (scope: string) => ctx.live?.ingested(ctx.now(), [], [scope]);
  // Loops are written and read through the store's units of work and reads (db/store.ts).
  const writes: LoopWrites = ctx.store;
  const reads = (r: ResolvedScope): LoopReads => {
    const options = metricsOptions(ctx.config, r.scope.key);
    return {
      planned: (from, to) => ctx.store.listLoops(r.scope.key, from, to),
      count: () => ctx.store.countLoops(r.scope.key),
      loop: async (id) => {
        const row = await ctx.store.getLoop(id);
        return row?.scope === r.scope.key ? row : undefined;
      },
      audit: (ids) => ctx.store.listAuditOfLoops(ids),
      metrics: (from, to) => readMetrics(ctx.reads, r, from, to, options),
      leadTimes: async (from, to) =>
        indexedLeadTimes(ctx.reads.workspace, await ctx.reads.facts.all(r.serviceIds), { from, to, tz: 'UTC' }),
    };
  };

  r.get('/api/v1/loops', viewer, async (req, res) => {
    const resolved = await ctx.reads.org.resolve(parseScope(req.query.scope));
    const { from, to } = parseWindow(req.query, ctx.now());
    const body = await readLoops(reads(resolved), resolved.scope.key, from, to, opts());
    sendRows(req, res, body, body.items as unknown as Record<string, unknown>[], 'loops');
  });

  r.get('/api/v1/loops/audit', viewer, async (req, res) => {
    const scope = parseScope(req.query.scope);
    const items: LoopAuditItem[] = (await ctx.store.listLoopAudit(scope.key, parseLimit(req.query.limit, 200, 5000))).map((a) => ({
      loopId: String(a.loopId),
      name: a.name,
      action: a.action as LoopAuditItem['action'],
      actor: a.actor,
      at: new Date(a.at).toISOString(),
      before: a.before ? JSON.parse(a.before) : null,
      after: a.after ? JSON.parse(a.after) : null,
    }));
    sendRows(req, res, { scope: scope.key, items }, items as unknown as Record<string, unknown>[], 'loop-audit');
  });

  // One loop wherever it lies, with the one before it: what a retro link opens.
  r.get('/api/v1/loops/:id', viewer, async (req, res) => {
    const resolved = await ctx.reads.org.resolve(parseScope(req.query.scope));
    res.json(await readLoop(reads(resolved), resolved.scope.key, String(req.params.id), opts()));
  });

  r.post('/api/v1/loops', editor, needJson, json, async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body?.scope !== 'string')
      throw new HttpError(400, 'invalid_loop', 'scope: expected "org", "department:<id>", "team:<id>" or "service:<owner/name>".', [
        { path: 'scope', message: 'required' },
      ]);
    const scope = (await ctx.reads.org.resolve(parseScope(body.scope))).scope;
    const id = await planLoop(writes, scope.key, body, await actorOf(ctx.auth, req), ctx.now());
    notify(scope.key);
    res
      .status(201)
      .location(`/api/v1/loops/${id}`)
      .json({ id: String(id) });
  });

  r.patch('/api/v1/loops/:id', editor, needJson, json, async (req, res) => {
    const row = await patchLoop(writes, String(req.params.id), req.body, await actorOf(ctx.auth, req), ctx.now());
    notify(row.scope);
    res.json({ id: String(row.id) });
  });

  r.delete('/api/v1/loops/:id', editor, async (req, res) => {
    const before = await deleteLoop(writes, String(req.params.id), await actorOf(ctx.auth, req), ctx.now());
    notify(before.scope);
    res.status(204).end();
  });
  return r;
}

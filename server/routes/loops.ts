/** PDCA loops: read for viewers; plan, act, edit and delete for editors. */
import express, { Router } from 'express';
import type { AppContext } from '../context';
import { actorOf, requireRole } from '../auth';
import { parseScope, resolveScope } from '../scope';
import { parseLimit, parseWindow } from '../query';
import { readLoops } from '../loops/list';
import { deleteLoop, patchLoop, planLoop } from '../loops/write';
import { listLoopAudit, getLoop } from '../../db/queries/loops';
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
  const opts = () => ({ cadenceDays: ctx.config.loops.cadenceDays, anchor: ctx.config.loops.anchor, now: ctx.now() });
  const notify = (scope: string) => ctx.live?.ingested(ctx.now(), [], [scope]);

  r.get('/api/v1/loops', viewer, (req, res) => {
    const resolved = resolveScope(ctx.db, parseScope(req.query.scope));
    const { from, to } = parseWindow(req.query, ctx.now());
    const body = readLoops(ctx.db, resolved, from, to, { ...metricsOptions(ctx.config, resolved.scope.key), ...opts() });
    sendRows(req, res, body, body.items as unknown as Record<string, unknown>[], 'loops');
  });

  r.get('/api/v1/loops/audit', viewer, (req, res) => {
    const scope = parseScope(req.query.scope);
    const items: LoopAuditItem[] = listLoopAudit(ctx.db, scope.key, parseLimit(req.query.limit, 200, 5000)).map((a) => ({
      loopId: String(a.loopId), name: a.name, action: a.action as LoopAuditItem['action'], actor: a.actor,
      at: new Date(a.at).toISOString(), before: a.before ? JSON.parse(a.before) : null, after: a.after ? JSON.parse(a.after) : null,
    }));
    sendRows(req, res, { scope: scope.key, items }, items as unknown as Record<string, unknown>[], 'loop-audit');
  });

  r.post('/api/v1/loops', editor, needJson, json, (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body?.scope !== 'string') throw new HttpError(400, 'invalid_loop', 'scope: expected "org", "department:<id>", "team:<id>" or "service:<owner/name>".', [{ path: 'scope', message: 'required' }]);
    const scope = resolveScope(ctx.db, parseScope(body.scope)).scope;
    const id = planLoop(ctx.db, scope.key, body, actorOf(ctx.auth, req), ctx.now());
    notify(scope.key);
    res.status(201).location(`/api/v1/loops/${id}`).json({ id: String(id) });
  });

  r.patch('/api/v1/loops/:id', editor, needJson, json, (req, res) => {
    const row = patchLoop(ctx.db, String(req.params.id), req.body, actorOf(ctx.auth, req), ctx.now());
    notify(row.scope);
    res.json({ id: String(row.id) });
  });

  r.delete('/api/v1/loops/:id', editor, (req, res) => {
    const id = String(req.params.id);
    const scope = /^\d+$/.test(id) ? getLoop(ctx.db, Number(id))?.scope : undefined;
    deleteLoop(ctx.db, id, actorOf(ctx.auth, req), ctx.now());
    if (scope) notify(scope);
    res.status(204).end();
  });
  return r;
}

/** `GET /api/v1/summary` (one row per department for executives) and `GET /api/v1/children`: parse, authorise, call the read service, respond. */
import { Router } from 'express';
import type { AppContext } from '../context';
import { requireRole } from '../auth';
import { parseWindow } from '../query';
import { parseScope } from '../scope';
import { childrenTable, summaryTable } from '../read';
import { sendTable } from './read';

export function summaryRouter(ctx: AppContext): Router {
  const r = Router();
  r.get('/api/v1/summary', requireRole(ctx.auth, 'viewer'), async (req, res) => {
    const { from, to } = parseWindow(req.query, ctx.now());
    const table = await summaryTable(ctx, from, to);
    // A window with a fixed end is asked for again as it was (a link, a bookmark): the next start prepares it.
    if (req.query.to !== undefined) ctx.reads.summaryWindows.add(from, to);
    sendTable(req, res, table);
  });

  r.get('/api/v1/children', requireRole(ctx.auth, 'viewer'), async (req, res) => {
    const parent = await ctx.reads.org.resolve(parseScope(req.query.scope));
    const { from, to } = parseWindow(req.query, ctx.now());
    sendTable(req, res, await childrenTable(ctx, parent, from, to));
  });
  return r;
}

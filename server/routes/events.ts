/** `POST /api/v1/events`: native events as JSON, a JSON array or NDJSON; all or nothing. */
import express, { Router } from 'express';
import { ingestEvents, validateEvents, type IngestOptions, type IngestResult } from '../../db/ingest';
import { teamResolver } from '../../db/queries/org';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { requireRole } from '../auth';
import { scopesOfServices } from '../scope';

/** Splits an NDJSON body into values; a bad line is reported by its number. */
function parseNdjson(body: string): { values: unknown[]; lines: number[] } {
  const values: unknown[] = [];
  const lines: number[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      values.push(JSON.parse(line));
      lines.push(i + 1);
    } catch (e) {
      throw new HttpError(400, 'malformed_json', `line ${i + 1}: not valid JSON (${(e as Error).message.slice(0, 120)}); send one JSON object per line.`);
    }
  });
  return { values, lines };
}

const resolvers = new WeakMap<object, (service: string) => string | null>();
/** The configured organisation's team resolver, compiled once per configuration. */
function resolverOf(ctx: AppContext) {
  let r = resolvers.get(ctx.config);
  if (!r) resolvers.set(ctx.config, (r = teamResolver(ctx.config.organisation)));
  return r;
}

/**
 * Validates a batch (a 400 before anything is queued), stores it with the next group commit
 * and, once that has committed, tells the live clients. Shared by every ingest route.
 * `alsoStore` runs in the batch's transaction (see IngestOptions).
 */
export async function ingestAndNotify(ctx: AppContext, input: unknown[], pathOf?: (i: number) => string, defaultSource?: string, alsoStore?: IngestOptions['alsoStore']): Promise<IngestResult> {
  const events = validateEvents(input, pathOf);
  const opts = { production: ctx.config.production, resolveTeam: resolverOf(ctx), defaultSource, alsoStore };
  let result: IngestResult, at: number;
  if (ctx.ingestQueue) ({ result, at } = await ctx.ingestQueue.submit(events, opts));
  else { at = ctx.now(); result = ingestEvents(ctx.db, events, { ...opts, now: at }); }
  if (result.services.length > 0) ctx.live?.ingested(at, result.counts, scopesOfServices(ctx.db, result.services));
  return result;
}

export function eventsRouter(ctx: AppContext): Router {
  const r = Router();
  const json = express.json({ limit: ctx.config.bodyLimit, type: ['application/json', 'application/*+json'] });
  const ndjson = express.text({ limit: ctx.config.bodyLimit, type: ['application/x-ndjson', 'application/ndjson'] });
  r.post('/api/v1/events', requireRole(ctx.auth, 'ingest'), json, ndjson, async (req, res) => {
    let input: unknown[];
    let pathOf: ((i: number) => string) | undefined;
    if (req.is(['application/json', 'application/*+json'])) {
      input = Array.isArray(req.body) ? req.body : [req.body];
      if (!Array.isArray(req.body)) pathOf = () => '(body)';
    } else if (req.is(['application/x-ndjson', 'application/ndjson'])) {
      const parsed = parseNdjson(typeof req.body === 'string' ? req.body : '');
      input = parsed.values;
      pathOf = (i) => `line ${parsed.lines[i]}`;
    } else {
      throw new HttpError(415, 'unsupported_media_type', `Content-Type must be application/json or application/x-ndjson, not "${(req.get('content-type') ?? 'none').slice(0, 80)}".`);
    }
    const result = await ingestAndNotify(ctx, input, pathOf);
    res.status(200).json({ accepted: result.accepted, updated: result.updated, unchanged: result.unchanged });
  });
  return r;
}

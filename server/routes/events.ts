/** `POST /api/v1/events`: native events as JSON, a JSON array or NDJSON; all or nothing. */
import { Router } from 'express';
import { checkEvents, ingestEvents, skippedSentence, timeRange, type IngestOptions, type IngestResult } from '../../db/ingest';
import { teamResolver } from '../../db/queries/org';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { requireRole } from '../auth';
import { scopesOfServices } from '../scope';
import { jsonBody, textBody } from '../body';

/**
 * Parses an NDJSON body into values, line by line without splitting it first; a bad line is
 * reported by its number. Blank lines are skipped (they counted toward `limits.ndjsonLines`,
 * checked on the raw body); at most `maxEvents` values are read before refusing.
 */
function parseNdjson(body: string, maxEvents: number): { values: unknown[]; lines: number[] } {
  const values: unknown[] = [];
  const lines: number[] = [];
  for (let at = 0, n = 1; at < body.length; n++) {
    const nl = body.indexOf('\n', at);
    const line = body.slice(at, nl === -1 ? body.length : nl);
    at = nl === -1 ? body.length : nl + 1;
    if (line.trim() === '') continue;
    if (values.length === maxEvents) throw tooManyEvents(null, maxEvents);
    try {
      values.push(JSON.parse(line));
      lines.push(n);
    } catch (e) {
      throw new HttpError(400, 'malformed_json', `line ${n}: not valid JSON (${(e as Error).message.slice(0, 120)}); send one JSON object per line.`);
    }
  }
  return { values, lines };
}

/** 413 for a request of `count` events (null: more than counted) over `limits.eventsPerRequest`. */
function tooManyEvents(count: number | null, max: number): HttpError {
  const limit = max.toLocaleString('en');
  const held = count === null ? `more than ${limit} events` : `${count.toLocaleString('en')} events, more than ${limit}`;
  return new HttpError(413, 'too_many_events', `The request holds ${held} (limits.eventsPerRequest): send smaller batches.`);
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
export async function ingestAndNotify(
  ctx: AppContext, input: unknown[], pathOf?: (i: number) => string, defaultSource?: string, alsoStore?: IngestOptions['alsoStore'],
  outOfRange: 'refuse' | 'skip' = 'refuse',
): Promise<IngestResult & { skipped: number }> {
  const { limits } = ctx.config;
  if (input.length > limits.eventsPerRequest) throw tooManyEvents(input.length, limits.eventsPerRequest);
  // Timestamps in [limits.earliest, now + 1 day]: refused with a 400 naming the field, or (for a
  // source that cannot send a delivery again any better, such as a webhook) skipped and logged.
  const { events, skipped } = checkEvents(input, pathOf, { range: timeRange(limits.earliest, ctx.now()), outOfRange, maxIssues: limits.validationErrors });
  if (skipped.count > 0) ctx.log(`ingest: ${skippedSentence(skipped)}`);
  const opts = { production: ctx.config.production, resolveTeam: resolverOf(ctx), defaultSource, alsoStore };
  let result: IngestResult, at: number;
  if (ctx.ingestQueue) ({ result, at } = await ctx.ingestQueue.submit(events, opts));
  else { at = ctx.now(); result = ingestEvents(ctx.db, events, { ...opts, now: at }); }
  if (result.services.length > 0) ctx.live?.ingested(at, result.counts, scopesOfServices(ctx.db, result.services));
  return { ...result, skipped: skipped.count };
}

export function eventsRouter(ctx: AppContext): Router {
  const r = Router();
  const { limits } = ctx.config;
  const json = jsonBody({ limit: ctx.config.bodyLimit, type: ['application/json', 'application/*+json'], depth: limits.jsonDepth });
  const ndjson = textBody({ limit: ctx.config.bodyLimit, type: ['application/x-ndjson', 'application/ndjson'], ndjson: { lines: limits.ndjsonLines, depth: limits.jsonDepth } });
  r.post('/api/v1/events', requireRole(ctx.auth, 'ingest'), json, ndjson, async (req, res) => {
    let input: unknown[];
    let pathOf: ((i: number) => string) | undefined;
    if (req.is(['application/json', 'application/*+json'])) {
      input = Array.isArray(req.body) ? req.body : [req.body];
      if (!Array.isArray(req.body)) pathOf = () => '(body)';
    } else if (req.is(['application/x-ndjson', 'application/ndjson'])) {
      const parsed = parseNdjson(typeof req.body === 'string' ? req.body : '', limits.eventsPerRequest);
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

/** `POST /api/v1/events`: native events as JSON, a JSON array or NDJSON; all or nothing. */
import { Router } from 'express';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { requireRole } from '../auth';
import { tooManyEvents } from '../ingest';
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
      throw new HttpError(
        400,
        'malformed_json',
        `line ${n}: not valid JSON (${(e as Error).message.slice(0, 120)}); send one JSON object per line.`,
      );
    }
  }
  return { values, lines };
}

export function eventsRouter(ctx: AppContext): Router {
  const r = Router();
  const { limits } = ctx.config;
  const json = jsonBody({ limit: ctx.config.bodyLimit, type: ['application/json', 'application/*+json'], depth: limits.jsonDepth });
  const ndjson = textBody({
    limit: ctx.config.bodyLimit,
    type: ['application/x-ndjson', 'application/ndjson'],
    ndjson: { lines: limits.ndjsonLines, depth: limits.jsonDepth },
  });
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
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Content-Type must be application/json or application/x-ndjson, not "${(req.get('content-type') ?? 'none').slice(0, 80)}".`,
      );
    }
    const result = await ctx.ingest.submit({ events: input, pathOf });
    res.status(200).json({ accepted: result.accepted, updated: result.updated, unchanged: result.unchanged });
  });
  return r;
}

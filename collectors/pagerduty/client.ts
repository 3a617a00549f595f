/**
 * PagerDuty's REST API v2, the two reads the collector needs: `GET /incidents` (classic offset
 * pagination: `offset`, `limit`, `more`) and `GET /incidents/{id}`. Every request says
 * `Authorization: Token token=<key>` and `Accept: application/vnd.pagerduty+json;version=2`.
 * A 429 waits for `Retry-After` (or `ratelimit-reset`) seconds; a 5xx, a dropped connection or a
 * request with no answer in time is retried with an exponential back-off; a 401 or 403 stops
 * the run with what to do (an expired or revoked key is not retried).
 */
import { z } from 'zod';
import { defaultTiming, sendWithRetries, type ClientTiming } from '../shared/retry';

export { defaultTiming, type ClientTiming } from '../shared/retry';

export class PagerdutyHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PagerdutyHttpError';
  }
}

export interface PagerdutyClient {
  /** Requests sent, retries included. */
  readonly requests: number;
  /** Rate-limit requests left, when PagerDuty said (`ratelimit-remaining`). */
  readonly rateLimitRemaining: number | null;
  listIncidents(q: {
    since: number;
    until: number;
    offset: number;
    limit: number;
    serviceIds: string[];
  }): Promise<{ incidents: unknown[]; more: boolean }>;
  /** One incident, or null when PagerDuty no longer has it. */
  getIncident(id: string): Promise<unknown | null>;
}

const listSchema = z.object({ incidents: z.array(z.unknown()), more: z.boolean().optional() }).loose();
const oneSchema = z.object({ incident: z.unknown() }).loose();

const messageOf = (body: unknown): string => {
  const e = (body as { error?: { message?: unknown; errors?: unknown } } | null)?.error;
  if (!e) return '';
  return [typeof e.message === 'string' ? e.message : '', Array.isArray(e.errors) ? e.errors.join('; ') : '']
    .filter(Boolean)
    .join(': ')
    .slice(0, 300);
};

export function createPagerdutyClient(
  settings: { baseUrl: string; token: string },
  opts: { timing?: Partial<ClientTiming>; signal?: AbortSignal; log?: (m: string) => void } = {},
): PagerdutyClient {
  const timing = { ...defaultTiming, ...opts.timing };
  let requests = 0;
  let rateLimitRemaining: number | null = null;

  const get = async (path: string, query: URLSearchParams): Promise<{ status: number; body: unknown }> => {
    const { status, body } = await sendWithRetries({
      what: `GET ${path}`,
      url: `${settings.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`,
      tool: 'PagerDuty',
      host: settings.baseUrl,
      init: {
        method: 'GET',
        headers: {
          authorization: `Token token=${settings.token}`,
          accept: 'application/vnd.pagerduty+json;version=2',
          'user-agent': 'deming',
        },
      },
      timing,
      signal: opts.signal,
      log: opts.log,
      messageOf,
      waitHeader: 'ratelimit-reset',
      seen: (headers) => {
        const remaining = Number(headers.get('ratelimit-remaining') ?? NaN);
        if (Number.isFinite(remaining)) rateLimitRemaining = remaining;
      },
      error: (code, message) => new PagerdutyHttpError(code, message),
      sent: () => requests++,
    });
    if (status === 401)
      throw new PagerdutyHttpError(
        401,
        'PagerDuty refused the API key (401): it may have expired or been revoked; create a read-only REST API key and set PAGERDUTY_TOKEN (or incidents.pagerduty.token).',
      );
    if (status === 403)
      throw new PagerdutyHttpError(
        403,
        `GET ${path}: the API key may not read incidents (403 ${messageOf(body)}): give Deming a read-only key of an account that sees these services.`.trim(),
      );
    return { status, body };
  };

  return {
    get requests() {
      return requests;
    },
    get rateLimitRemaining() {
      return rateLimitRemaining;
    },
    async listIncidents(q) {
      const query = new URLSearchParams({
        since: new Date(q.since).toISOString(),
        until: new Date(q.until).toISOString(),
        offset: String(q.offset),
        limit: String(q.limit),
        time_zone: 'UTC',
        sort_by: 'created_at:asc',
      });
      for (const s of ['triggered', 'acknowledged', 'resolved']) query.append('statuses[]', s);
      for (const id of q.serviceIds) query.append('service_ids[]', id);
      const { status, body } = await get('/incidents', query);
      if (status !== 200) throw new PagerdutyHttpError(status, `GET /incidents: PagerDuty answered ${status} ${messageOf(body)}`.trim());
      const parsed = listSchema.safeParse(body);
      if (!parsed.success)
        throw new PagerdutyHttpError(
          status,
          `GET /incidents: the answer is not PagerDuty's (no incidents list): check incidents.pagerduty.baseUrl (${settings.baseUrl})`,
        );
      return { incidents: parsed.data.incidents, more: parsed.data.more === true };
    },
    async getIncident(id) {
      const { status, body } = await get(`/incidents/${encodeURIComponent(id)}`, new URLSearchParams());
      if (status === 404) return null;
      if (status !== 200)
        throw new PagerdutyHttpError(status, `GET /incidents/${id}: PagerDuty answered ${status} ${messageOf(body)}`.trim());
      const parsed = oneSchema.safeParse(body);
      return parsed.success ? parsed.data.incident : null;
    },
  };
}

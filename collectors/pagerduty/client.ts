/**
 * PagerDuty's REST API v2, the two reads the collector needs: `GET /incidents` (classic offset
 * pagination: `offset`, `limit`, `more`) and `GET /incidents/{id}`. Every request says
 * `Authorization: Token token=<key>` and `Accept: application/vnd.pagerduty+json;version=2`.
 * A 429 waits for `Retry-After` (or `ratelimit-reset`) seconds; a 5xx, a dropped connection or a
 * request with no answer in time is retried with an exponential back-off; a 401 or 403 stops
 * the run with what to do (an expired or revoked key is not retried).
 */
import { z } from 'zod';

export interface ClientTiming {
  /** Multiplies Retry-After seconds and the back-off (1000 in production; small in tests). */
  retryBaseMs: number;
  retries: number;
  /** A 429 asking to wait longer than this gives up (the next run goes on). */
  maxWaitSeconds: number;
  timeoutMs: number;
}

export const defaultTiming: ClientTiming = { retryBaseMs: 1000, retries: 5, maxWaitSeconds: 300, timeoutMs: 60_000 };

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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

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
    const url = `${settings.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const backoff = timing.retryBaseMs * 2 ** attempt;
      requests++;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: {
            authorization: `Token token=${settings.token}`,
            accept: 'application/vnd.pagerduty+json;version=2',
            'user-agent': 'deming',
          },
          signal: opts.signal
            ? AbortSignal.any([opts.signal, AbortSignal.timeout(timing.timeoutMs)])
            : AbortSignal.timeout(timing.timeoutMs),
        });
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        // A reset, a refused connection or no answer in time: retried like a 5xx.
        if (attempt >= timing.retries)
          throw new PagerdutyHttpError(
            0,
            `GET ${path}: no answer from ${settings.baseUrl} after ${attempt + 1} tries (${(e as Error).message})`,
          );
        opts.log?.(`pagerduty: GET ${path} failed (${(e as Error).message}); trying again`);
        await sleep(backoff, opts.signal);
        continue;
      }
      const remaining = Number(res.headers.get('ratelimit-remaining') ?? NaN);
      if (Number.isFinite(remaining)) rateLimitRemaining = remaining;
      let body: unknown = null;
      let cut = false;
      try {
        const text = await res.text();
        body = text ? JSON.parse(text) : null;
      } catch {
        cut = true;
      }
      if (res.status === 429) {
        const wait = Number(res.headers.get('retry-after') ?? res.headers.get('ratelimit-reset') ?? 2 ** attempt);
        const seconds = Number.isFinite(wait) && wait >= 0 ? wait : 2 ** attempt;
        if (attempt >= timing.retries || seconds > timing.maxWaitSeconds)
          throw new PagerdutyHttpError(
            429,
            `GET ${path}: PagerDuty's rate limit is spent (it asks to wait ${seconds} s); the next run goes on`,
          );
        opts.log?.(`pagerduty: rate limited; waiting ${seconds} s`);
        await sleep(seconds * timing.retryBaseMs, opts.signal);
        continue;
      }
      if (res.status >= 500 || (cut && res.ok)) {
        if (attempt >= timing.retries)
          throw new PagerdutyHttpError(
            res.status,
            `GET ${path}: PagerDuty answered ${res.status} ${messageOf(body)} after ${attempt + 1} tries`.trim(),
          );
        await sleep(backoff, opts.signal);
        continue;
      }
      if (res.status === 401)
        throw new PagerdutyHttpError(
          401,
          'PagerDuty refused the API key (401): it may have expired or been revoked; create a read-only REST API key and set PAGERDUTY_TOKEN (or incidents.pagerduty.token).',
        );
      if (res.status === 403)
        throw new PagerdutyHttpError(
          403,
          `GET ${path}: the API key may not read incidents (403 ${messageOf(body)}): give Deming a read-only key of an account that sees these services.`.trim(),
        );
      return { status: res.status, body };
    }
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

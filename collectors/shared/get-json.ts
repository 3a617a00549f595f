/**
 * A GET of a JSON resource that retries what is worth retrying, as the incident sources' clients
 * (PagerDuty, Jira) need it: a reset, a refused connection or no answer in time, a 5xx, or a body
 * cut short are retried with an exponential back-off; a 429 (or a 503 saying `Retry-After`) waits
 * as long as the server asks, up to a limit. Any other answer is returned for the caller to judge
 * (a 401 is expired credentials, never retried).
 */

export interface ClientTiming {
  /** Multiplies Retry-After seconds and the back-off (1000 in production; small in tests). */
  retryBaseMs: number;
  retries: number;
  /** A 429 asking to wait longer than this gives up (the next run goes on). */
  maxWaitSeconds: number;
  timeoutMs: number;
}

export const defaultTiming: ClientTiming = { retryBaseMs: 1000, retries: 5, maxWaitSeconds: 300, timeoutMs: 60_000 };

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
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

export interface GetJsonOptions {
  /** The tool as people name it, for messages (`PagerDuty`). */
  tool: string;
  /** The path asked for, for messages. */
  path: string;
  baseUrl: string;
  headers: Record<string, string>;
  timing: ClientTiming;
  signal?: AbortSignal;
  log?: (m: string) => void;
  /** The tool's error text of a body. */
  messageOf: (body: unknown) => string;
  /** Seconds a 429 asks to wait when `Retry-After` does not say (PagerDuty's `ratelimit-reset`). */
  waitHeader?: string;
  /** Sees every answer's headers (a rate limit left). */
  seen?: (headers: Headers) => void;
  /** The error to throw, with the status (0: no answer). */
  error: (status: number, message: string) => Error;
  /** Counts each request sent, retries included. */
  counted: () => void;
}

export async function getJson(url: string, o: GetJsonOptions): Promise<{ status: number; body: unknown }> {
  const { timing } = o;
  for (let attempt = 0; ; attempt++) {
    const backoff = timing.retryBaseMs * 2 ** attempt;
    o.counted();
    let res: Response;
    try {
      res = await fetch(url, {
        headers: o.headers,
        signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(timing.timeoutMs)]) : AbortSignal.timeout(timing.timeoutMs),
      });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      if (attempt >= timing.retries)
        throw o.error(0, `GET ${o.path}: no answer from ${o.baseUrl} after ${attempt + 1} tries (${(e as Error).message})`);
      o.log?.(`${o.tool.toLowerCase()}: GET ${o.path} failed (${(e as Error).message}); trying again`);
      await sleep(backoff, o.signal);
      continue;
    }
    o.seen?.(res.headers);
    let body: unknown = null;
    let cut = false;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      cut = true;
    }
    const asked = Number(res.headers.get('retry-after') ?? (o.waitHeader ? res.headers.get(o.waitHeader) : null) ?? NaN);
    if (res.status === 429 || (res.status === 503 && Number.isFinite(asked))) {
      const seconds = Number.isFinite(asked) && asked >= 0 ? asked : 2 ** attempt;
      if (attempt >= timing.retries || seconds > timing.maxWaitSeconds)
        throw o.error(res.status, `GET ${o.path}: ${o.tool}'s rate limit is spent (it asks to wait ${seconds} s); the next run goes on`);
      o.log?.(`${o.tool.toLowerCase()}: rate limited; waiting ${seconds} s`);
      await sleep(seconds * timing.retryBaseMs, o.signal);
      continue;
    }
    if (res.status >= 500 || (cut && res.ok)) {
      if (attempt >= timing.retries)
        throw o.error(res.status, `GET ${o.path}: ${o.tool} answered ${res.status} ${o.messageOf(body)} after ${attempt + 1} tries`.trim());
      await sleep(backoff, o.signal);
      continue;
    }
    return { status: res.status, body };
  }
}

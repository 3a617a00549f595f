/**
 * What the API clients of incident sources (PagerDuty, Jira, ServiceNow) share: one request (a GET,
 * or a POST with a body) retried where that is worth it, how long they wait and how often they try
 * again, and a wait that a stop (Ctrl-C, the server closing) cuts short.
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

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
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

export interface RetriedRequest {
  /** The request in messages: `GET /incidents`. */
  what: string;
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
  /** The tool's name in messages (`PagerDuty`); lower-cased in the log. */
  tool: string;
  /** Where it is (a base URL), in messages. */
  host: string;
  timing: ClientTiming;
  signal?: AbortSignal;
  log?: (m: string) => void;
  /** Seconds a 429 asks to wait when `Retry-After` does not say (PagerDuty's `ratelimit-reset`). */
  waitHeader?: string;
  /** The tool's error message in a body, for messages. */
  messageOf: (body: unknown) => string;
  /** The client's error type. */
  error: (status: number, message: string) => Error;
  /** Called before each request is sent (a count of requests, retries included). */
  sent: () => void;
  /** Called with each response's headers (rate-limit figures). */
  seen?: (headers: Headers) => void;
}

/**
 * One request, with an API's usual faults handled: a 429 (or a 503 saying `Retry-After`) waits for
 * the seconds it asks (given up past `maxWaitSeconds` or the retries), any other 5xx, a body cut short, a dropped connection or no answer
 * in time is tried again with an exponential back-off. Any other answer is returned, its body
 * parsed as JSON (null when empty), for the client to judge.
 */
export async function sendWithRetries(r: RetriedRequest): Promise<{ status: number; headers: Headers; body: unknown }> {
  const { timing, signal } = r;
  for (let attempt = 0; ; attempt++) {
    const backoff = timing.retryBaseMs * 2 ** attempt;
    r.sent();
    let res: Response;
    try {
      const timeout = AbortSignal.timeout(timing.timeoutMs);
      res = await fetch(r.url, { ...r.init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      if (signal?.aborted) throw e;
      // A reset, a refused connection or no answer in time: retried like a 5xx.
      if (attempt >= timing.retries)
        throw r.error(0, `${r.what}: no answer from ${r.host} after ${attempt + 1} tries (${(e as Error).message})`);
      r.log?.(`${r.tool.toLowerCase()}: ${r.what} failed (${(e as Error).message}); trying again`);
      await sleep(backoff, signal);
      continue;
    }
    r.seen?.(res.headers);
    let body: unknown = null;
    let cut = false;
    try {
      const text = await res.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      cut = true;
    }
    const asked = Number(res.headers.get('retry-after') ?? (r.waitHeader ? res.headers.get(r.waitHeader) : null) ?? NaN);
    if (res.status === 429 || (res.status === 503 && Number.isFinite(asked))) {
      const seconds = Number.isFinite(asked) && asked >= 0 ? asked : 2 ** attempt;
      if (attempt >= timing.retries || seconds > timing.maxWaitSeconds)
        throw r.error(res.status, `${r.what}: ${r.tool}'s rate limit is spent (it asks to wait ${seconds} s); the next run goes on`);
      r.log?.(`${r.tool.toLowerCase()}: rate limited; waiting ${seconds} s`);
      await sleep(seconds * timing.retryBaseMs, signal);
      continue;
    }
    if (res.status >= 500 || (cut && res.ok)) {
      if (attempt >= timing.retries)
        throw r.error(res.status, `${r.what}: ${r.tool} answered ${res.status} ${r.messageOf(body)} after ${attempt + 1} tries`.trim());
      await sleep(backoff, signal);
      continue;
    }
    return { status: res.status, headers: res.headers, body };
  }
}

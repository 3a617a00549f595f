/**
 * A small GitLab API client over Node's own http/https, with the manners of octokit's throttling
 * and retry plugins: every request counted (per endpoint), GitLab's `RateLimit-*` headers read
 * and respected (a spent limit is waited out when it resets soon, else reported), 429 and 5xx
 * retried after `Retry-After` or an exponential back-off, a dropped connection or a body cut short
 * retried like a 5xx; a private CA bundle and an HTTP(S) proxy from the environment
 * (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`). Why not @gitbeaker/rest: README, "Collecting from GitLab".
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import type { GitlabSettings } from './config';

/** GitLab's rate limit as its headers give it; `resetAt` in epoch ms. */
export interface RateLimit {
  limit: number;
  remaining: number;
  resetAt: number;
}

export interface RequestStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests per endpoint (`GET /projects/:id/merge_requests`), retries included. */
  byEndpoint: Record<string, number>;
  /** The latest rate-limit headers, or null before the first answer that had them. */
  rateLimit: RateLimit | null;
}

export interface ClientTiming {
  /** Multiplies Retry-After seconds and the back-off (1 s in production; small in tests). */
  retryBaseMs: number;
  retries: number;
  /** Longest wait for a spent rate limit to reset before the request gives up. */
  maxWaitSeconds: number;
  /** A request with no answer after this long is abandoned (and retried). */
  timeoutMs: number;
}

export const defaultTiming: ClientTiming = { retryBaseMs: 1000, retries: 4, maxWaitSeconds: 300, timeoutMs: 60_000 };

export interface ClientOptions {
  timing?: Partial<ClientTiming>;
  signal?: AbortSignal;
  log?: (msg: string) => void;
  /** The environment to read proxy settings from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  userAgent?: string;
}

/** GitLab answered with an error status; `body` is its JSON (or text) answer. */
export class GitlabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly endpoint: string,
    readonly body: unknown,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`${endpoint}: ${status} ${messageOf(body)}`.trim());
    this.name = 'GitlabHttpError';
  }
}

/** The answer was not GitLab's (HTML, another API): the base URL is wrong. */
export class NotGitlabError extends Error {}

const messageOf = (body: unknown): string => {
  if (typeof body === 'string')
    return body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
  const b = body as { message?: unknown; error?: unknown; error_description?: unknown } | null;
  const m = b?.message ?? b?.error_description ?? b?.error;
  return typeof m === 'string' ? m.slice(0, 300) : m ? JSON.stringify(m).slice(0, 300) : '';
};

export type Query = Record<string, string | number | boolean | (string | number)[] | undefined | null>;

export interface Page<T> {
  data: T;
  headers: IncomingHttpHeaders;
  nextPage: string | null;
}

export interface GitlabClient {
  stats: RequestStats;
  readonly baseUrl: string;
  /** A GET of the REST API; `path` as GitLab documents it, with ids already in it. */
  get<T>(path: string, query: Query, schema: z.ZodType<T>): Promise<Page<T>>;
  /** A GraphQL query; GraphQL errors beside no data throw. */
  graphql<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T>;
  rateLimitRemaining(): number | null;
  close(): void;
}

/** `/projects/12/merge_requests/3/commits` → `/projects/:id/merge_requests/:iid/commits`, for counting. */
export function endpointOf(method: string, path: string): string {
  const p = path
    .replace(/^\/(projects|groups)\/[^/]+/, '/$1/:id')
    .replace(/\/(merge_requests|issues|pipelines|deployments|environments)\/\d+/, '/$1/:iid');
  return `${method} ${p}`;
}

/** The proxy to use for a URL, from HTTPS_PROXY / HTTP_PROXY and NO_PROXY (lower case wins, as curl reads them). */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  const raw = url.protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY) : (env.http_proxy ?? env.HTTP_PROXY);
  if (!raw) return null;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const host = url.hostname.toLowerCase();
  for (const entry of noProxy) {
    if (entry === '*') return null;
    const [name, port] = entry.replace(/^\*?\./, '.').split(':');
    if (port && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) continue;
    if (host === name.replace(/^\./, '') || (name.startsWith('.') ? host.endsWith(name) : host.endsWith(`.${name}`))) return null;
  }
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return null;
  }
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Thrown for a connection dropped or a body cut short: retried like a 5xx. */
class TransportError extends Error {}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Builds a client for the configured GitLab. */
export function createGitlabClient(settings: Pick<GitlabSettings, 'baseUrl' | 'token' | 'ca'>, opts: ClientOptions = {}): GitlabClient {
  const timing = { ...defaultTiming, ...opts.timing };
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const stats: RequestStats = { requests: 0, byEndpoint: {}, rateLimit: null };
  const base = new URL(settings.baseUrl.replace(/\/+$/, ''));
  const graphqlUrl = new URL(base.toString().replace(/\/api\/v4$/, '/api/graphql'));
  const ca = settings.ca ?? undefined;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ca }) };

  /** A socket through the proxy's CONNECT tunnel, then TLS with the configured CA. */
  const tunnel = (proxy: URL, target: URL): Promise<Duplex> =>
    new Promise((resolve, reject) => {
      const auth = proxy.username
        ? {
            'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
          }
        : {};
      const port = target.port || '443';
      const req = http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method: 'CONNECT',
        path: `${target.hostname}:${port}`,
        headers: { host: `${target.hostname}:${port}`, ...auth },
        signal: opts.signal,
      });
      req.once('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          reject(new TransportError(`the proxy ${proxy.host} refused the tunnel to ${target.host} (${res.statusCode})`));
          return;
        }
        const secure = tls.connect({ socket, servername: target.hostname, ca });
        secure.once('secureConnect', () => resolve(secure));
        secure.once('error', reject);
      });
      req.once('error', reject);
      req.end();
    });

  const send = async (method: string, url: URL, headers: Record<string, string>, body?: string): Promise<RawAnswer> => {
    const proxy = proxyFor(url, env);
    let options: https.RequestOptions;
    if (proxy && url.protocol === 'https:') {
      const socket = await tunnel(proxy, url);
      options = {
        host: url.hostname,
        port: url.port || 443,
        path: url.pathname + url.search,
        createConnection: () => socket as never,
        agent: false,
      };
    } else if (proxy) {
      const auth = proxy.username
        ? {
            'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
          }
        : {};
      options = { host: proxy.hostname, port: proxy.port || 80, path: url.toString(), agent: agents.http };
      Object.assign(headers, { host: url.host }, auth);
    } else {
      options = {
        host: url.hostname,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: url.pathname + url.search,
        agent: url.protocol === 'https:' ? agents.https : agents.http,
      };
    }
    const lib = url.protocol === 'https:' && !(proxy && url.protocol !== 'https:') ? https : http;
    return new Promise<RawAnswer>((resolve, reject) => {
      const req = (proxy && url.protocol === 'http:' ? http : lib).request(
        { ...options, method, headers, ca, signal: opts.signal, timeout: timing.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('aborted', () => reject(new TransportError('the connection was dropped in the middle of the answer')));
          res.on('error', (e) => reject(new TransportError(`the answer was cut short (${e.message})`)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const length = Number(header(res.headers, 'content-length'));
            if (Number.isFinite(length) && Buffer.byteLength(text) < length) {
              reject(new TransportError('the answer was cut short'));
              return;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
          });
        },
      );
      req.on('timeout', () => req.destroy(new TransportError(`no answer in ${timing.timeoutMs} ms`)));
      req.on('error', (e) => reject(opts.signal?.aborted ? e : e instanceof TransportError ? e : new TransportError(e.message)));
      req.end(body);
    });
  };

  const readRateLimit = (h: IncomingHttpHeaders) => {
    const remaining = header(h, 'ratelimit-remaining');
    if (remaining === undefined) return;
    stats.rateLimit = {
      remaining: Number(remaining),
      limit: Number(header(h, 'ratelimit-limit') ?? 0),
      resetAt: Number(header(h, 'ratelimit-reset') ?? 0) * 1000,
    };
  };

  /** Sends with retries; answers the parsed JSON and headers of a 2xx. */
  const request = async (
    method: string,
    url: URL,
    endpoint: string,
    body?: string,
  ): Promise<{ json: unknown; headers: IncomingHttpHeaders }> => {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': opts.userAgent ?? 'deming/0.1.0' };
    if (settings.token) headers['private-token'] = settings.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      // Spent: wait for the reset when it is near, as octokit's throttling does; else let GitLab say so.
      const limit = stats.rateLimit;
      if (limit && limit.remaining <= 0 && limit.resetAt > Date.now()) {
        const wait = limit.resetAt - Date.now();
        if (wait <= timing.maxWaitSeconds * 1000) {
          log(`GitLab rate limit spent; waiting ${Math.ceil(wait / 1000)} s for it to reset`);
          await sleep(wait, opts.signal);
        }
      }
      stats.requests++;
      stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
      let answer: RawAnswer;
      try {
        answer = await send(method, url, { ...headers }, body);
      } catch (e) {
        if (opts.signal?.aborted || !(e instanceof TransportError) || attempt >= timing.retries) throw e;
        log(`${endpoint}: ${e.message}; retrying`);
        await sleep(timing.retryBaseMs * 2 ** attempt, opts.signal);
        continue;
      }
      readRateLimit(answer.headers);
      const type = header(answer.headers, 'content-type') ?? '';
      let json: unknown = answer.text;
      if (type.includes('json')) {
        try {
          json = JSON.parse(answer.text);
        } catch {
          if (attempt < timing.retries) {
            await sleep(timing.retryBaseMs * 2 ** attempt, opts.signal);
            continue;
          }
          throw new TransportError(`${endpoint}: the answer is not valid JSON`);
        }
      }
      if (answer.status >= 200 && answer.status < 300) {
        if (!type.includes('json'))
          throw new NotGitlabError(
            `${url.origin}${url.pathname} answered ${type || 'no content type'}, not GitLab's JSON: check that sources.gitlab.baseUrl is the API root, such as https://gitlab.example.gov/api/v4.`,
          );
        return { json, headers: answer.headers };
      }
      const retryable = answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt >= timing.retries) throw new GitlabHttpError(answer.status, endpoint, json, answer.headers);
      const after = Number(header(answer.headers, 'retry-after'));
      const reset = Number(header(answer.headers, 'ratelimit-reset')) * 1000;
      const waitMs =
        Number.isFinite(after) && after >= 0
          ? after * timing.retryBaseMs
          : answer.status === 429 && reset > Date.now()
            ? reset - Date.now()
            : timing.retryBaseMs * 2 ** attempt;
      if (waitMs > timing.maxWaitSeconds * 1000) throw new GitlabHttpError(answer.status, endpoint, json, answer.headers);
      log(`${endpoint}: ${answer.status}; retrying in ${Math.ceil(waitMs)} ms`);
      await sleep(waitMs, opts.signal);
    }
  };

  return {
    stats,
    baseUrl: base.toString(),
    async get<T>(path: string, query: Query, schema: z.ZodType<T>): Promise<Page<T>> {
      const url = new URL(`${base.pathname}${path}`, base);
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(`${k}[]`, String(x)));
        else url.searchParams.set(k, String(v));
      }
      const endpoint = endpointOf('GET', path);
      const { json, headers } = await request('GET', url, endpoint);
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new NotGitlabError(
          `${endpoint}: the answer is not shaped as GitLab's (${i.path.join('.') || '(body)'}: ${i.message}): check that sources.gitlab.baseUrl is a GitLab API root, such as https://gitlab.example.gov/api/v4.`,
        );
      }
      const next = header(headers, 'x-next-page');
      return { data: parsed.data, headers, nextPage: next ? next : null };
    },
    async graphql<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
      const { json } = await request('POST', graphqlUrl, 'POST /graphql', JSON.stringify({ query, variables }));
      const answer = json as { data?: unknown; errors?: { message: string }[] };
      if (answer.errors?.length && !answer.data)
        throw new Error(
          `GitLab GraphQL: ${answer.errors
            .map((e) => e.message)
            .join('; ')
            .slice(0, 300)}`,
        );
      const parsed = schema.safeParse(answer.data);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new NotGitlabError(`POST /graphql: the answer is not shaped as GitLab's (${i.path.join('.')}: ${i.message})`);
      }
      return parsed.data;
    },
    rateLimitRemaining: () => stats.rateLimit?.remaining ?? null,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The HTTP status of a client error, if it has one. */
export const statusOf = (e: unknown): number | undefined => (e instanceof GitlabHttpError ? e.status : undefined);

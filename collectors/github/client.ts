/**
 * The GitHub API client: octokit with the throttling, retry and pagination plugins, token or
 * GitHub App auth, and a fetch that counts every request, reads the rate-limit headers and
 * turns a body cut short into a retried network error rather than a silently empty page.
 */
import { Octokit } from '@octokit/core';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { createAppAuth } from '@octokit/auth-app';
import type { GithubSettings } from './config';

const GithubOctokit = Octokit.plugin(throttling, retry, paginateRest);
export type GithubOctokit = InstanceType<typeof GithubOctokit>;

/** One GitHub rate limit as its headers give it; `resetAt` in epoch ms. */
export interface RateLimit {
  limit: number;
  remaining: number;
  resetAt: number;
}

/** What a client has done so far; the numbers behind progress bars, reports and health. */
export interface RequestStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Of those, answered 304 Not Modified (free: GitHub does not count them). */
  notModified: number;
  /** The latest rate-limit headers per GitHub resource (`core`, `graphql`, ...). */
  rateLimit: Record<string, RateLimit>;
}

export interface ClientTiming {
  /** Multiplies retry-after seconds and the retry back-off (1 s in production; small in tests). */
  retryBaseMs: number;
  /** Spacing between GraphQL requests (GitHub asks for one at a time). */
  graphqlIntervalMs: number;
  retries: number;
  /** Longest wait for a secondary rate limit's retry-after before the run gives up on it. */
  maxWaitSeconds: number;
  /**
   * Longest wait for a spent primary rate limit to reset (GitHub resets it hourly); a run that
   * would wait longer gives up on the rest. Unset: `maxWaitSeconds`. The collector waits an hour.
   */
  resetWaitSeconds?: number;
}

/** GitHub.com's manners: a second between GraphQL requests, back-off in seconds. */
export const defaultTiming: ClientTiming = { retryBaseMs: 1000, graphqlIntervalMs: 1000, retries: 4, maxWaitSeconds: 300 };

/** An octokit and what it has done. */
export interface GithubClient {
  octokit: GithubOctokit;
  stats: RequestStats;
  /** The core rate limit left, or null before the first answer. */
  rateLimitRemaining(): number | null;
}

/** Per-client options; `timing` is for tests and the webhook route. */
export interface ClientOptions {
  timing?: Partial<ClientTiming>;
  signal?: AbortSignal;
  log?: (msg: string) => void;
  userAgent?: string;
  /** Told when the client waits for a rate limit: until when (epoch ms), and why. */
  onWait?: (until: number, why: 'rate limit' | 'secondary rate limit') => void;
}

/** Stands in for a Bottleneck group: paces GraphQL requests at most one per interval. */
function pacer(intervalMs: number): NonNullable<ThrottlingOptions['write']> {
  let next = 0;
  const schedule = async (...args: unknown[]): Promise<unknown> => {
    const at = args.findIndex((a) => typeof a === 'function');
    const fn = args[at] as (...a: unknown[]) => unknown;
    const wait = Math.max(0, next - Date.now());
    next = Math.max(Date.now(), next) + intervalMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return fn(...args.slice(at + 1));
  };
  return { key: () => ({ schedule }) } as unknown as NonNullable<ThrottlingOptions['write']>;
}

let clients = 0;

/** Builds a client for the configured GitHub (github.com or an Enterprise Server `baseUrl`). */
export function createGithubClient(
  settings: Pick<GithubSettings, 'auth' | 'baseUrl'> & { graphqlIntervalMs?: number },
  opts: ClientOptions = {},
): GithubClient {
  const timing = { ...defaultTiming, graphqlIntervalMs: settings.graphqlIntervalMs ?? defaultTiming.graphqlIntervalMs, ...opts.timing };
  const log = opts.log ?? (() => {});
  const stats: RequestStats = { requests: 0, notModified: 0, rateLimit: {} };

  const countingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    stats.requests++;
    const res = await fetch(input, init);
    const resource = res.headers.get('x-ratelimit-resource') ?? 'core';
    const remaining = res.headers.get('x-ratelimit-remaining');
    if (remaining !== null) {
      stats.rateLimit[resource] = {
        remaining: Number(remaining),
        limit: Number(res.headers.get('x-ratelimit-limit') ?? 0),
        resetAt: Number(res.headers.get('x-ratelimit-reset') ?? 0) * 1000,
      };
    }
    if (res.status === 304) {
      stats.notModified++;
      return res;
    }
    if (!(res.headers.get('content-type') ?? '').includes('json')) return res;
    // Read the whole body here, so a page cut short fails like a dropped connection (and is retried).
    let text: string;
    try {
      text = await res.text();
      if (res.ok) JSON.parse(text);
    } catch (e) {
      throw new TypeError('fetch failed', { cause: new Error(`the response was cut short (${(e as Error).message})`) });
    }
    const copy = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    Object.defineProperty(copy, 'url', { value: res.url });
    return copy;
  };

  const common = {
    baseUrl: settings.baseUrl,
    userAgent: opts.userAgent ?? 'deming/0.1.0',
    request: { fetch: countingFetch, signal: opts.signal },
    log: { debug: () => {}, info: () => {}, warn: log, error: log },
    throttle: {
      id: `deming-${++clients}`,
      retryAfterBaseValue: timing.retryBaseMs,
      write: pacer(timing.graphqlIntervalMs),
      onRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, count: number) => {
        const wait = count < 2 && after <= (timing.resetWaitSeconds ?? timing.maxWaitSeconds);
        log(`GitHub rate limit reached on ${o.method} ${o.url}; it resets in ${after} s${wait ? ': waiting for it' : ''}`);
        if (wait) opts.onWait?.(Date.now() + after * timing.retryBaseMs, 'rate limit');
        return wait;
      },
      onSecondaryRateLimit: (after: number, o: { method: string; url: string }, _k: unknown, count: number) => {
        const wait = count < timing.retries && after <= timing.maxWaitSeconds;
        log(`GitHub secondary rate limit on ${o.method} ${o.url}; retrying in ${after} s`);
        if (wait) opts.onWait?.(Date.now() + after * timing.retryBaseMs, 'secondary rate limit');
        return wait;
      },
    },
    retry: { retries: timing.retries, retryAfterBaseValue: timing.retryBaseMs },
  };
  const auth = settings.auth;
  const octokit =
    auth?.kind === 'app'
      ? new GithubOctokit({
          ...common,
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
        })
      : new GithubOctokit({ ...common, auth: auth?.token });
  return { octokit, stats, rateLimitRemaining: () => stats.rateLimit.core?.remaining ?? null };
}

/** Whether an error is GitHub answering 304 Not Modified to a conditional request. */
export const isNotModified = (e: unknown): boolean => (e as { status?: number } | null)?.status === 304;

/** The HTTP status of an octokit error, if it has one. */
export const statusOf = (e: unknown): number | undefined => {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
};

/**
 * Collector status for the dashboard (`GET /api/v1/health` → `collectors`): each collector's
 * schedule, its run in progress, its last run with its errors, and the rate limit left; and
 * the GitHub and GitLab webhooks' deliveries. The last run is also kept in the database, so a run of
 * `npx deming collect` shows too.
 */
import type { Request } from 'express';
import type { CollectorRunResult } from '../../collectors/types';
import type { Store } from '../../db/store';
import type { AppContext } from '../context';
import type { Config } from '../config';
import { checkToken } from '../rate-limit';

const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : new Date(t).toISOString());

/** One run as the dashboard shows it. */
export interface RunStatus {
  startedAt: string;
  finishedAt: string;
  requests: number;
  notModified: number | null;
  stored: number;
  rateLimitRemaining: number | null;
  errors: { resource: string; message: string }[];
}

/** A pulling collector's entry in `collectors`. */
export interface PullStatus {
  name: string;
  kind: 'pull';
  state: 'idle' | 'running';
  intervalSeconds: number | null;
  nextRunAt: string | null;
  progress: { resource: string; requests: number; stored: number } | null;
  lastRun: RunStatus | null;
  rateLimitRemaining: number | null;
}

/** The webhook's entry in `collectors`. */
export interface WebhookStatus {
  name: string;
  kind: 'webhook';
  configured: boolean;
  deliveries: number;
  stored: number;
  ignored: number;
  rejected: number;
  lastDeliveryAt: string | null;
  lastEvent: string | null;
  lastError: string | null;
}

export type CollectorStatus = PullStatus | WebhookStatus;

/** Where the scheduler and the webhook route record what they do, and health reads it. */
export interface StatusBoard {
  scheduled(name: string, intervalMs: number | null, nextRunAt: number | null): void;
  started(name: string): void;
  progress(name: string, p: { resource: string; requests?: number; stored?: number; rateLimitRemaining?: number | null }): void;
  /** Resolves once the run's summary is stored. */
  finished(name: string, result: CollectorRunResult & { notModified?: number }): Promise<void>;
  /** A webhook delivery: GitHub's (`github-webhook`, the default) or GitLab's (`gitlab-webhook`). */
  delivery(d: {
    hook?: WebhookName;
    event: string;
    at: number;
    stored: number;
    ignored: boolean;
    error?: string;
    rejected?: boolean;
  }): void;
  list(): Promise<CollectorStatus[]>;
}

/** The webhooks the board follows. */
export type WebhookName = 'github-webhook' | 'gitlab-webhook';

const lastRunKey = (name: string) => `collector:${name}:last-run`;

/** Keeps a run's summary in the database (the CLI and the server both write it). */
export async function saveLastRun(store: Pick<Store, 'putSetting'>, result: CollectorRunResult & { notModified?: number }): Promise<void> {
  const run: RunStatus = {
    startedAt: iso(result.startedAt)!,
    finishedAt: iso(result.finishedAt)!,
    requests: result.requests,
    notModified: result.notModified ?? null,
    stored: result.stored,
    rateLimitRemaining: result.rateLimitRemaining ?? null,
    errors: result.errors.slice(0, 100),
  };
  await store.putSetting(lastRunKey(result.collector), JSON.stringify(run));
}

async function loadLastRun(store: Pick<Store, 'getSetting'>, name: string): Promise<RunStatus | null> {
  const raw = await store.getSetting(lastRunKey(name));
  try {
    return raw ? (JSON.parse(raw) as RunStatus) : null;
  } catch {
    return null;
  }
}

/** The status board of one running server (made with its context, {@link createStatusBoard}). */
export function statusBoard(ctx: Pick<AppContext, 'collectorStatus'>): StatusBoard {
  return ctx.collectorStatus;
}

/** A board for one app context: the database its last runs are kept in, and the configuration. */
export function createStatusBoard(ctx: {
  store: Pick<Store, 'getSetting' | 'putSetting'>;
  config: Pick<Config, 'githubWebhookSecret'> & Partial<Pick<Config, 'gitlabWebhookSecret'>>;
}): StatusBoard {
  const pulls = new Map<string, PullStatus>();
  const webhook = (name: WebhookName): WebhookStatus => ({
    name,
    kind: 'webhook',
    configured: false,
    deliveries: 0,
    stored: 0,
    ignored: 0,
    rejected: 0,
    lastDeliveryAt: null,
    lastEvent: null,
    lastError: null,
  });
  const hooks = { 'github-webhook': webhook('github-webhook'), 'gitlab-webhook': webhook('gitlab-webhook') };
  const secrets = {
    'github-webhook': () => ctx.config.githubWebhookSecret,
    'gitlab-webhook': () => ctx.config.gitlabWebhookSecret ?? null,
  };
  const entry = (name: string): PullStatus => {
    let s = pulls.get(name);
    if (!s) {
      s = {
        name,
        kind: 'pull',
        state: 'idle',
        intervalSeconds: null,
        nextRunAt: null,
        progress: null,
        lastRun: null,
        rateLimitRemaining: null,
      };
      pulls.set(name, s);
    }
    return s;
  };
  return {
    scheduled(name, intervalMs, nextRunAt) {
      const s = entry(name);
      s.intervalSeconds = intervalMs === null ? null : intervalMs / 1000;
      s.nextRunAt = iso(nextRunAt);
    },
    started(name) {
      const s = entry(name);
      s.state = 'running';
      s.progress = null;
    },
    progress(name, p) {
      const s = entry(name);
      s.progress = { resource: p.resource, requests: p.requests ?? s.progress?.requests ?? 0, stored: p.stored ?? s.progress?.stored ?? 0 };
      if (p.rateLimitRemaining !== undefined && p.rateLimitRemaining !== null) s.rateLimitRemaining = p.rateLimitRemaining;
    },
    async finished(name, result) {
      const s = entry(name);
      s.state = 'idle';
      s.progress = null;
      if (result.rateLimitRemaining !== undefined && result.rateLimitRemaining !== null) s.rateLimitRemaining = result.rateLimitRemaining;
      await saveLastRun(ctx.store, result);
    },
    delivery(d) {
      const hook = hooks[d.hook ?? 'github-webhook'];
      hook.lastDeliveryAt = iso(d.at);
      hook.lastEvent = d.event;
      if (d.rejected) {
        hook.rejected++;
        hook.lastError = d.error ?? null;
        return;
      }
      hook.deliveries++;
      if (d.ignored) hook.ignored++;
      hook.stored += d.stored;
      hook.lastError = d.error ?? null;
    },
    async list() {
      const out: CollectorStatus[] = [];
      for (const s of pulls.values()) {
        const lastRun = await loadLastRun(ctx.store, s.name);
        out.push({ ...s, lastRun, rateLimitRemaining: s.rateLimitRemaining ?? lastRun?.rateLimitRemaining ?? null });
      }
      for (const hook of Object.values(hooks)) {
        hook.configured = secrets[hook.name as WebhookName]() !== null;
        if (hook.configured || hook.deliveries + hook.rejected > 0) out.push({ ...hook });
      }
      return out;
    },
  };
}

/**
 * The `collectors` of the health answer. Health is open to load balancers, so only clients
 * that may read (viewers) see repository names and errors; others see names and states.
 */
export async function collectorHealth(
  ctx: AppContext,
  req: Request,
): Promise<(CollectorStatus | { name: string; kind: string; ok: boolean })[]> {
  const all = await statusBoard(ctx).list();
  const presented = ctx.auth.present(req);
  // A token counts here as anywhere (no guessing through health); from a locked address it shows no detail, and health still answers.
  const { token } = presented;
  if (token && (await checkToken(ctx.auth.signIn, req.ip, () => ctx.auth.rolesOf(token).length > 0))) presented.token = undefined;
  if (await ctx.auth.allows('viewer', presented)) return all;
  return all.map((s) => ({
    name: s.name,
    kind: s.kind,
    ok: s.kind === 'pull' ? (s.lastRun?.errors.length ?? 0) === 0 : s.lastError === null,
  }));
}

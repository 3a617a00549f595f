/**
 * The GitLab collector: checks the base URL and the token's scope, lists the projects of the
 * configured groups and the configured projects, and collects each one (collectors/gitlab/sync.ts).
 * One project failing is reported and skipped; the others go on, unless the failure means every
 * request would fail (a spent rate limit, a token that cannot read).
 */
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { createGitlabClient, type ClientOptions } from './client';
import type { GitlabSettings } from './config';
import { describeError, isRunWide, SkippedProject } from './errors';
import { checkAccess, listTargets, projectRefOf } from './projects';
import type { ProjectPayload } from './payloads';
import { syncProject } from './sync';

const DAY_MS = 86_400_000;

export interface GitlabCollectorOptions {
  settings: GitlabSettings;
  /** Only these projects (`collect gitlab --project`), by path or id, configured or not. */
  only?: string[];
  /** Read everything from this time (epoch ms) again (`--since`), whatever the cursors say. */
  since?: number;
  client?: Omit<ClientOptions, 'signal' | 'log'>;
  /** Told as each project is done, for a line per project. */
  onProject?: (report: ProjectReport) => void;
  /** Told once the projects are listed, for "projects done of total". */
  onTargets?: (total: number) => void;
}

/** One project's share of a run. */
export interface ProjectReport {
  name: string;
  requests: number;
  stored: number;
  rateLimitRemaining: number | null;
  error?: string;
}

export interface GitlabRunResult extends CollectorRunResult {
  projects: ProjectReport[];
  /** Requests per endpoint, retries included. */
  byEndpoint: Record<string, number>;
}

export interface GitlabCollector extends Collector {
  run(ctx: CollectorContext): Promise<GitlabRunResult>;
}

export function createGitlabCollector(opts: GitlabCollectorOptions): GitlabCollector {
  return { name: 'gitlab', run: (ctx) => runGitlab(opts, ctx) };
}

async function runGitlab(opts: GitlabCollectorOptions, ctx: CollectorContext): Promise<GitlabRunResult> {
  const startedAt = ctx.now();
  const client = createGitlabClient(opts.settings, { ...opts.client, signal: ctx.signal, log: (m) => ctx.log(`gitlab: ${m}`) });
  const errors: { resource: string; message: string }[] = [];
  const projects: ProjectReport[] = [];
  const horizon = opts.since ?? startedAt - opts.settings.backfillDays * DAY_MS;
  try {
    let targets: ProjectPayload[] = [];
    try {
      await checkAccess(client);
      targets = await listTargets(client, ctx, opts.settings, opts.only, errors, describeError);
    } catch (e) {
      errors.push({ resource: 'gitlab', message: describeError(e) });
    }
    opts.onTargets?.(targets.length);
    let spent: string | null = null;
    for (const [i, target] of targets.entries()) {
      if (ctx.signal?.aborted) break;
      const before = client.stats.requests;
      const { ref, save } = await projectRefOf(ctx.store, opts.settings, target);
      const report: ProjectReport = { name: ref.service, requests: 0, stored: 0, rateLimitRemaining: null };
      if (spent) report.error = spent;
      else {
        try {
          if (save) await ctx.ingest([], [save]);
          report.stored = await syncProject({
            client,
            ctx,
            settings: opts.settings,
            project: ref,
            path: target.path_with_namespace,
            horizon,
            rewind: opts.since !== undefined,
            startedAt,
            stored: 0,
          });
        } catch (e) {
          if (ctx.signal?.aborted) break;
          report.error = describeError(e);
          ctx.log(`gitlab: ${ref.service}: ${report.error}`, e instanceof SkippedProject ? undefined : e);
          if (isRunWide(e)) spent = `skipped: ${report.error}`;
        }
      }
      report.requests = client.stats.requests - before;
      report.rateLimitRemaining = client.rateLimitRemaining();
      if (report.error) errors.push({ resource: ref.service, message: report.error });
      projects.push(report);
      opts.onProject?.(report);
      ctx.progress?.({
        resource: `${ref.service}:done ${i + 1}/${targets.length}`,
        requests: client.stats.requests,
        stored: report.stored,
        rateLimitRemaining: client.rateLimitRemaining(),
        done: true,
      });
    }
  } finally {
    client.close();
  }
  return {
    collector: 'gitlab',
    startedAt,
    finishedAt: ctx.now(),
    requests: client.stats.requests,
    stored: projects.reduce((n, p) => n + p.stored, 0),
    errors,
    rateLimitRemaining: client.rateLimitRemaining(),
    projects,
    byEndpoint: { ...client.stats.byEndpoint },
  };
}

/**
 * The GitHub collector: for every configured repository, merged pull requests, deployments (or
 * releases, or a deployment workflow's runs), Actions runs and incident issues, incrementally,
 * then the compare API where the commit graph has gaps. A repository that fails for a passing
 * cause (5xx, a dropped connection) is tried again once the others are done; one that fails for
 * good (not found, no access, archived) is reported and skipped; the others go on. A spent rate
 * limit is waited for until it resets (within the hour), shown on the progress line.
 */
import type { Collector, CollectorContext, CollectorRunResult } from '../types';
import { createGithubClient, type ClientOptions, type GithubClient } from './client';
import type { GithubSettings } from './config';
import { describeError, isRateLimitSpent, isTransient, SkippedRepository } from './errors';
import { fetchRepoInfo, listTargets, type Target } from './repositories';
import type { RepoSync } from './repo-sync';
import { syncCompare } from './sync-compare';
import { syncDeployments } from './sync-deployments';
import { syncIssues } from './sync-issues';
import { syncPulls } from './sync-pulls';
import { syncReleases } from './sync-releases';
import { syncRuns } from './sync-runs';

const DAY_MS = 86_400_000;

/** What to collect and how: the settings, and the `collect` command's narrowing. */
export interface GithubCollectorOptions {
  settings: GithubSettings;
  /** Only these repositories (`collect --repo`), configured or not. */
  only?: string[];
  /** Read everything from this time (epoch ms) again (`collect --since`), whatever the cursors say. */
  since?: number;
  client?: Omit<ClientOptions, 'signal' | 'log'>;
  /** Told as each repository is done, for a line per repository. */
  onRepository?: (report: RepositoryReport) => void;
}

/** One repository's share of a run. */
export interface RepositoryReport {
  name: string;
  requests: number;
  notModified: number;
  stored: number;
  rateLimitRemaining: number | null;
  error?: string;
}

/** A run's result, with 304s and a report per repository. */
export interface GithubRunResult extends CollectorRunResult {
  notModified: number;
  repositories: RepositoryReport[];
}

/** The GitHub collector: a {@link Collector} whose run reports per repository. */
export interface GithubCollector extends Collector {
  run(ctx: CollectorContext): Promise<GithubRunResult>;
}

/** Creates the collector; each `run` makes its own client, so runs share nothing but the database. */
export function createGithubCollector(opts: GithubCollectorOptions): GithubCollector {
  return { name: 'github', run: (ctx) => runGithub(opts, ctx) };
}

/** A spent primary rate limit resets within the hour: a run waits for it rather than stopping. */
const RESET_WAIT_SECONDS = 3900;

async function runGithub(opts: GithubCollectorOptions, ctx: CollectorContext): Promise<GithubRunResult> {
  const startedAt = ctx.now();
  const client = createGithubClient(opts.settings, {
    ...opts.client,
    timing: { resetWaitSeconds: RESET_WAIT_SECONDS, ...opts.client?.timing },
    signal: ctx.signal,
    log: (m) => ctx.log(`github: ${m}`),
    onWait: (until) =>
      ctx.progress?.({ resource: 'github:waiting', requests: client.stats.requests, rateLimitRemaining: 0, waitingUntil: until }),
  });
  const errors: { resource: string; message: string }[] = [];
  const repositories: RepositoryReport[] = [];
  const horizon = opts.since ?? startedAt - opts.settings.backfillDays * DAY_MS;
  const targets = await listTargets(client, ctx, opts.settings, opts.only, errors, describeError).catch((e: unknown) => {
    errors.push({ resource: 'github', message: describeError(e) });
    return [] as Target[];
  });

  let spent: string | null = null;
  const later: Target[] = [];
  const attempt = async (target: Target, last: boolean): Promise<void> => {
    const before = { requests: client.stats.requests, notModified: client.stats.notModified };
    const report: RepositoryReport = { name: target.name, requests: 0, notModified: 0, stored: 0, rateLimitRemaining: null };
    if (spent) {
      report.error = spent;
    } else {
      try {
        report.stored = await syncRepository(client, ctx, opts.settings, target, horizon, opts.since !== undefined);
      } catch (e) {
        ctx.signal?.throwIfAborted();
        report.error = describeError(e);
        if (isRateLimitSpent(e)) spent = `skipped: ${report.error}`;
        else if (!last && isTransient(e)) {
          // What it stored stays stored; the rest is asked again once the others are done.
          ctx.log(`github: ${target.name}: ${report.error}; it is tried again at the end of the run`);
          later.push(target);
          return;
        }
        ctx.log(`github: ${target.name}: ${report.error}`, e instanceof SkippedRepository ? undefined : e);
      }
    }
    report.requests = client.stats.requests - before.requests;
    report.notModified = client.stats.notModified - before.notModified;
    report.rateLimitRemaining = client.rateLimitRemaining();
    if (report.error) errors.push({ resource: target.name, message: report.error });
    repositories.push(report);
    opts.onRepository?.(report);
    ctx.progress?.({
      resource: target.name,
      requests: client.stats.requests,
      stored: report.stored,
      rateLimitRemaining: client.rateLimitRemaining(),
      done: true,
      processed: repositories.length,
      total: targets.length,
    });
  };
  try {
    for (const target of targets) {
      if (ctx.signal?.aborted) break;
      await attempt(target, false);
    }
    for (const target of later) {
      if (ctx.signal?.aborted) break;
      await attempt(target, true);
    }
  } catch (e) {
    if (!ctx.signal?.aborted) throw e;
  }
  return {
    collector: 'github',
    startedAt,
    finishedAt: ctx.now(),
    requests: client.stats.requests,
    notModified: client.stats.notModified,
    stored: repositories.reduce((n, r) => n + r.stored, 0),
    errors,
    rateLimitRemaining: client.rateLimitRemaining(),
    repositories,
  };
}

/** Collects one repository; answers the events it stored. */
async function syncRepository(
  client: GithubClient,
  ctx: CollectorContext,
  settings: GithubSettings,
  target: Target,
  horizon: number,
  rewind: boolean,
): Promise<number> {
  const info = await fetchRepoInfo(client, ctx, target.name, rewind);
  if (info.archived) throw new SkippedRepository('archived: skipped (remove it from sources.github.repositories, or unarchive it).');
  const sync: RepoSync = { client, ctx, repo: info, settings, source: target.source, horizon, rewind, stored: 0 };
  await syncPulls(sync);
  if (target.source.from === 'deployments') await syncDeployments(sync);
  if (target.source.from === 'releases') await syncReleases(sync);
  await syncRuns(sync);
  for (const label of settings.incidentLabels) await syncIssues(sync, label);
  await syncCompare(sync);
  return sync.stored;
}

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
import { fetchRepoInfo, listTargets, savedRepoInfo, type Target } from './repositories';
import type { RepoSync } from './repo-sync';
import { syncCompare } from './sync-compare';
import { syncDeployments, syncOlderDeployments } from './sync-deployments';
import { syncIssues } from './sync-issues';
import { syncOlderPulls, syncPulls } from './sync-pulls';
import { syncReleases } from './sync-releases';
import { syncOlderRuns, syncRuns } from './sync-runs';

const DAY_MS = 86_400_000;
/**
 * A first backfill reads this many recent days of every repository first, then the older
 * history of each: an organisation's recent months show within minutes, not after the last
 * repository's last year.
 */
export const RECENT_DAYS = 90;

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

/** One repository's share of a run: its recent stage, or (`older`) its history before that. */
export interface RepositoryReport {
  name: string;
  stage: 'recent' | 'older';
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
  const report = (target: Target, stage: RepositoryReport['stage']) =>
    repositories.findLast((r) => r.name === target.name && r.stage === stage);
  // Repositories whose recent stage failed or waits to be tried again: their older history waits for a later run.
  const failed = new Set<string>();
  const horizon = opts.since ?? startedAt - opts.settings.backfillDays * DAY_MS;
  const recentFrom = Math.max(horizon, startedAt - RECENT_DAYS * DAY_MS);
  const targets = await listTargets(client, ctx, opts.settings, opts.only, errors, describeError).catch((e: unknown) => {
    errors.push({ resource: 'github', message: describeError(e) });
    return [] as Target[];
  });

  let spent: string | null = null;
  const later: { target: Target; stage: RepositoryReport['stage'] }[] = [];
  const attempt = async (target: Target, stage: RepositoryReport['stage'], last: boolean): Promise<void> => {
    const before = { requests: client.stats.requests, notModified: client.stats.notModified };
    const report: RepositoryReport = { name: target.name, stage, requests: 0, notModified: 0, stored: 0, rateLimitRemaining: null };
    if (spent) {
      report.error = spent;
    } else {
      try {
        const span = { horizon, recentFrom, rewind: opts.since !== undefined };
        const stored = await (stage === 'recent' ? syncRepository : syncOlder)(client, ctx, opts.settings, target, span);
        // A repository with no older history to read is not reported twice.
        if (stored === null) return;
        report.stored = stored;
      } catch (e) {
        ctx.signal?.throwIfAborted();
        report.error = describeError(e);
        if (isRateLimitSpent(e)) spent = `skipped: ${report.error}`;
        else if (!last && isTransient(e)) {
          // What it stored stays stored; the rest is asked again once the others are done.
          ctx.log(`github: ${target.name}: ${report.error}; it is tried again at the end of the run`);
          failed.add(target.name);
          later.push({ target, stage });
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
      processed: new Set(repositories.filter((r) => r.stage === stage).map((r) => r.name)).size,
      total: targets.length,
    });
  };
  try {
    // Every repository's recent months first, then each one's older history.
    for (const stage of ['recent', 'older'] as const)
      for (const target of targets) {
        if (ctx.signal?.aborted) break;
        if (stage === 'older' && failed.has(target.name)) continue;
        await attempt(target, stage, false);
        if (report(target, stage)?.error && stage === 'recent') failed.add(target.name);
      }
    for (const { target, stage } of later) {
      if (ctx.signal?.aborted) break;
      await attempt(target, stage, true);
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

/** How far back a run reads: the horizon, where a first backfill's recent stage starts, and `--since`. */
interface Span {
  horizon: number;
  recentFrom: number;
  rewind: boolean;
}

/** Collects one repository (on a first backfill, its recent months); answers the events it stored. */
async function syncRepository(
  client: GithubClient,
  ctx: CollectorContext,
  settings: GithubSettings,
  target: Target,
  span: Span,
): Promise<number> {
  const info = await fetchRepoInfo(client, ctx, target.name, span.rewind);
  if (info.archived) throw new SkippedRepository('archived: skipped (remove it from sources.github.repositories, or unarchive it).');
  const sync: RepoSync = { client, ctx, repo: info, settings, source: target.source, ...span, stored: 0 };
  await syncPulls(sync);
  if (target.source.from === 'deployments') await syncDeployments(sync);
  if (target.source.from === 'releases') await syncReleases(sync);
  await syncRuns(sync);
  for (const label of settings.incidentLabels) await syncIssues(sync, label);
  await syncCompare(sync);
  return sync.stored;
}

/**
 * Reads one repository's history older than its first backfill's recent stage, where any is
 * left; answers the events it stored, or null when there was none to read (then it asked
 * nothing: the repository is as its recent stage stored it).
 */
async function syncOlder(
  client: GithubClient,
  ctx: CollectorContext,
  settings: GithubSettings,
  target: Target,
  span: Span,
): Promise<number | null> {
  if (span.rewind || span.recentFrom <= span.horizon) return null;
  const info = await savedRepoInfo(ctx, target.name);
  if (!info) return null;
  const sync: RepoSync = { client, ctx, repo: info, settings, source: target.source, ...span, stored: 0 };
  let read = await syncOlderPulls(sync);
  if (target.source.from === 'deployments') read = (await syncOlderDeployments(sync)) || read;
  read = (await syncOlderRuns(sync)) || read;
  if (!read) return null;
  await syncCompare(sync);
  return sync.stored;
}

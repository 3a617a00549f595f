/**
 * Runs the collectors inside the server: the first run shortly after the start, then one every
 * `interval` after the previous run ended (never two at once), and a stop that aborts a run in
 * progress and waits for it. A table of jobs with a matching stop.
 */
import { createGithubCollector } from '../../collectors/github/collector';
import { createPagerdutyCollector } from '../../collectors/pagerduty/collector';
import { createJiraCollector } from '../../collectors/jira/collector';
import { createServicenowCollector } from '../../collectors/servicenow/collector';
import { createGitlabCollector } from '../../collectors/gitlab/collector';
import type { Collector, CollectorRunResult } from '../../collectors/types';
import type { AppContext } from '../context';
import { collectorContext } from './context';
import { statusBoard } from './status';

export interface CollectorScheduler {
  /** Runs every collector now (waits for a run already going instead of starting another). */
  runNow(): Promise<CollectorRunResult[]>;
  stop(): Promise<void>;
}

interface Job {
  collector: Collector;
  intervalMs: number | null;
}

/** The collectors the configuration asks for. */
function jobsOf(ctx: AppContext): Job[] {
  const jobs: Job[] = [];
  const gh = ctx.config.github;
  if (gh && gh.auth && (gh.repositories.length > 0 || gh.organisations.length > 0))
    jobs.push({ collector: createGithubCollector({ settings: gh }), intervalMs: gh.intervalMs });
  const gl = ctx.config.gitlab;
  if (gl && gl.token && (gl.groups.length > 0 || gl.projects.length > 0))
    jobs.push({ collector: createGitlabCollector({ settings: gl }), intervalMs: gl.intervalMs });
  const pd = ctx.config.incidents?.pagerduty;
  if (pd && pd.token) jobs.push({ collector: createPagerdutyCollector({ settings: pd }), intervalMs: pd.intervalMs });
  const jira = ctx.config.incidents?.jira;
  if (jira && jira.token) jobs.push({ collector: createJiraCollector({ settings: jira }), intervalMs: jira.intervalMs });
  const sn = ctx.config.incidents?.servicenow;
  if (sn && sn.auth) jobs.push({ collector: createServicenowCollector({ settings: sn }), intervalMs: sn.intervalMs });
  return jobs;
}

/** How many collectors the configuration asks for. */
export const configuredCollectors = (ctx: AppContext): number => jobsOf(ctx).length;

/** Starts the configured collectors' schedule (none when nothing is configured). */
export function startCollectors(ctx: AppContext, opts: { firstRunDelayMs?: number } = {}): CollectorScheduler {
  const board = statusBoard(ctx);
  const jobs = jobsOf(ctx);
  const timers = new Map<Job, NodeJS.Timeout>();
  const running = new Map<Job, Promise<CollectorRunResult>>();
  const abort = new AbortController();
  let stopped = false;

  const schedule = (job: Job, delayMs: number | null) => {
    if (stopped || delayMs === null) {
      board.scheduled(job.collector.name, job.intervalMs, null);
      return;
    }
    board.scheduled(job.collector.name, job.intervalMs, Date.now() + delayMs);
    const timer = setTimeout(() => {
      void run(job).catch(() => {});
    }, delayMs);
    timer.unref();
    timers.set(job, timer);
  };

  const run = (job: Job): Promise<CollectorRunResult> => {
    const going = running.get(job);
    if (going) return going;
    clearTimeout(timers.get(job));
    const name = job.collector.name;
    board.started(name);
    const context = collectorContext(ctx, { signal: abort.signal, progress: (p) => board.progress(name, p) });
    const started = ctx.now();
    const promise = job.collector
      .run(context)
      .catch((e: unknown): CollectorRunResult => {
        ctx.log(`${name}: the run failed`, e);
        return {
          collector: name,
          startedAt: started,
          finishedAt: ctx.now(),
          requests: 0,
          stored: 0,
          errors: [{ resource: name, message: (e as Error).message }],
        };
      })
      .then(async (result) => {
        await board.finished(name, result).catch((e: unknown) => ctx.log(`${name}: storing the run's summary failed`, e));
        running.delete(job);
        schedule(job, job.intervalMs);
        return result;
      });
    running.set(job, promise);
    return promise;
  };

  for (const job of jobs) schedule(job, job.intervalMs === null ? null : (opts.firstRunDelayMs ?? 1000));

  return {
    runNow: () => Promise.all(jobs.map(run)),
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      abort.abort();
      await Promise.allSettled(running.values());
    },
  };
}

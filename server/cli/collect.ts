/**
 * `npx deming collect [--repo owner/name]... [--since 90d] [--config file] [--plan]`: runs the
 * GitHub collector once, with the server's configuration and database, printing a line per
 * repository (requests, events stored, rate limit left), how many of how many with the time left,
 * any wait for a rate limit's reset, and a summary. Plain text: a terminal sees the current step
 * update in place; a pipe or a log gets whole lines. `--plan` estimates the backfill's requests
 * and time from the rate limit the credentials have, and collects nothing.
 */
import { skippedSentence, type CheckedEvents } from '../../common/validate-events';
import { createGithubCollector, type GithubRunResult } from '../../collectors/github/collector';
import { ConfigError, loadConfig, type Config } from '../config';
import { planGithub, type GithubPlan } from '../../collectors/github/plan';
import type { GithubSettings } from '../../collectors/github/config';
import { openStore } from '../../db/store';
import { collectorContext } from '../collectors/context';
import type { CollectorContext } from '../../collectors/types';
import type { CliCommand } from './index';
import { CommandUsageError } from './local';
import { parseCollectArgs, runCollection, takeWaitOption, thousands } from './collect-args';

interface Args {
  repos: string[];
  since?: number;
  config?: string;
  plan?: boolean;
}

function parseArgs(args: string[], now: number): Args {
  const a = parseCollectArgs(args, now, {
    flag: '--repo',
    example: 'owner/name',
    problem: (r) => (/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(r) ? null : `expected owner/name, got "${r}"`),
  });
  return { repos: a.names, since: a.since, config: a.config, plan: a.plan };
}

type Progress = Parameters<NonNullable<CollectorContext['progress']>>[0];

const clock = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;
/** A duration as people say it: 40 s, 12 min, 3.5 h. */
export const duration = (seconds: number) =>
  seconds < 90 ? `${Math.round(seconds)} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;

/**
 * Prints progress: the current step in place on a terminal; everywhere, one line per finished
 * repository with how many of how many, and the time left at the pace so far; and a line when
 * the run waits for a rate limit to reset.
 */
function progressPrinter(out: NodeJS.WriteStream, now: () => number = Date.now) {
  const tty = out.isTTY === true;
  const started = now();
  let repoStart = 0;
  let current = '';
  let lastRequests = 0;
  let done = 0;
  let total = 0;
  return {
    progress(p: Progress) {
      if (p.waitingUntil) {
        const line = `waiting for GitHub's rate limit to reset at ${clock(p.waitingUntil)} (${duration((p.waitingUntil - now()) / 1000)}); ${thousands(lastRequests)} requests so far`;
        out.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
        return;
      }
      if (p.done && p.total) [done, total] = [p.processed ?? done, p.total];
      const [repo, step] = p.resource.split(':');
      if (repo !== current) {
        current = repo;
        repoStart = lastRequests;
      }
      lastRequests = p.requests ?? lastRequests;
      if (!p.done && tty)
        out.write(
          `\r\x1b[2K${repo.padEnd(32)} ${(step ?? '').padEnd(12)} ${thousands(lastRequests - repoStart)} requests, ${thousands(p.stored)} stored`,
        );
    },
    repository(r: GithubRunResult['repositories'][number]) {
      if (tty) out.write('\r\x1b[2K');
      const name = r.stage === 'older' ? `${r.name} (older)` : r.name;
      const line = r.error
        ? `${name.padEnd(32)} failed: ${r.error}`
        : `${name.padEnd(32)} ${thousands(r.requests).padStart(6)} requests (${thousands(r.notModified)} answered 304)  ${thousands(r.stored).padStart(7)} stored  rate limit ${thousands(r.rateLimitRemaining)} left`;
      out.write(`${line}\n`);
    },
    /** After each repository: how far the run is, and the time left at its pace. */
    pace() {
      if (total < 2 || done === 0 || done >= total) return;
      const left = (((now() - started) / done) * (total - done)) / 1000;
      out.write(`  ${done} of ${total} repositories, ${thousands(lastRequests)} requests; about ${duration(left)} left\n`);
    },
  };
}

const command: CliCommand = {
  summary: 'Collect from GitHub once (sources.github in the config), then print what was collected.',
  usage:
    'collect [--repo owner/name]... [--since 90d|2026-01-01] [--config deming.config.yaml] [--plan] [--wait]\n       npx deming collect git <path-or-url> --service <name> (see collect git --help)',
  help: async (args) =>
    args[0] === 'git'
      ? (await import('./collect-git')).COLLECT_GIT_HELP
      : (await import('./collect-incidents')).INCIDENT_SOURCE_HELP[args[0]],
  async run(all) {
    const argv = takeWaitOption(all);
    if (argv[0] === 'git') return (await import('./collect-git')).collectGit(argv.slice(1));
    if (argv[0] === 'pagerduty') return (await import('./collect-pagerduty')).collectPagerduty(argv.slice(1));
    if (argv[0] === 'jira') return (await import('./collect-jira')).collectJira(argv.slice(1));
    if (argv[0] === 'servicenow') return (await import('./collect-servicenow')).collectServicenow(argv.slice(1));
    if (argv[0] === 'gitlab') return (await import('./collect-gitlab')).collectGitlab(argv.slice(1));
    const args = parseArgs(argv, Date.now());
    const config = loadConfig(process.env, args.config);
    const gh = config.github;
    if (!gh)
      throw new CommandUsageError(
        `there is no sources.github in ${config.configFile ?? 'the configuration (no deming.config.yaml)'}: add one (see "Collecting from GitHub" in the README).`,
      );
    if (!gh.auth)
      throw new CommandUsageError(
        'sources.github has no token: set GITHUB_TOKEN, or sources.github.token or sources.github.app in the config.',
      );
    if (args.repos.length === 0 && gh.repositories.length === 0 && gh.organisations.length === 0) {
      throw new CommandUsageError(
        'nothing to collect: list sources.github.repositories or sources.github.organisations, or pass --repo owner/name.',
      );
    }
    const only = args.repos.length > 0 ? args.repos : undefined;
    if (args.plan) return planCommand(config, gh, only, args.since);
    const printer = progressPrinter(process.stdout);
    const collector = createGithubCollector({ settings: gh, only, since: args.since, onRepository: printer.repository });
    return runCollection(config, {
      collector,
      progress: (p) => {
        printer.progress(p);
        if (p.done) printer.pace();
      },
      report: (result, skipped) => {
        summary(result, skipped);
        return result.errors.length > 0 ? 1 : 0;
      },
    });
  },
};

/** `collect --plan`: the plan printed, nothing collected (only the organisations' lists, as a run would). */
async function planCommand(config: Config, gh: GithubSettings, only: string[] | undefined, since: number | undefined): Promise<number> {
  const store = openStore(config.dbFile, { check: 'off' });
  try {
    const ctx = collectorContext({ store, config, now: Date.now, log: (msg) => console.error(msg) });
    const plan = await planGithub(gh, ctx, { only, since });
    console.log(formatPlan(plan, since ?? Date.now() - gh.backfillDays * 86_400_000, gh.graphqlIntervalMs));
    return plan.errors.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** The plan as the command prints it. */
export function formatPlan(p: GithubPlan, since: number, graphqlIntervalMs: number): string {
  const n = (x: number | null, what: string) => (x === null ? `? ${what}` : `${thousands(x)} ${what}`);
  const lines = [
    `Plan: ${p.repositories} ${p.repositories === 1 ? 'repository' : 'repositories'}, since ${new Date(since).toISOString().slice(0, 10)}`,
  ];
  for (const c of p.counts.slice(0, 20))
    lines.push(
      `  ${c.name.padEnd(32)} ${n(c.pulls, 'merged pull requests')}, ${n(c.deployments, 'deployments')}, ${c.runs === null ? 'runs not sampled' : n(c.runs, 'runs')}`,
    );
  if (p.counts.length > 20)
    lines.push(`  ... and ${p.counts.length - 20} more (runs estimated from a sample of ${Math.min(20, p.counts.length)})`);
  lines.push(
    `Estimated: ${thousands(p.requests.total)} requests (${thousands(p.requests.rest)} REST, ${thousands(p.requests.graphql)} GraphQL costing about ${thousands(p.graphqlPoints)} points).`,
  );
  const limit = (name: string, l: GithubPlan['rateLimit']['core']) =>
    l ? `${name} ${thousands(l.remaining)} of ${thousands(l.limit)} left, resets at ${clock(l.resetAt)}` : `${name} unknown`;
  lines.push(`Rate limit: ${limit('REST', p.rateLimit.core)}; ${limit('GraphQL', p.rateLimit.graphql)}.`);
  lines.push(
    p.resets === 0
      ? `It fits in what is left: about ${duration(p.seconds)}${graphqlIntervalMs > 0 ? ` (GraphQL requests ${graphqlIntervalMs} ms apart)` : ''}.`
      : `It needs ${p.resets} more ${p.resets === 1 ? 'hour' : 'hours'} of rate limit: about ${duration(p.seconds)}, waiting for each reset (a GitHub App installation has a higher limit: see the README).`,
  );
  lines.push(`The plan cost ${thousands(p.planRequests)} requests (GET /rate_limit is free).`);
  for (const e of p.errors) lines.push(`  ${e.resource}: ${e.message}`);
  return lines.join('\n');
}

function summary(r: GithubRunResult, skipped: CheckedEvents['skipped']): void {
  const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
  const failed = r.errors.length;
  // A first backfill reports a repository twice: its recent months, then its older history.
  const repositories = new Set(r.repositories.map((x) => x.name)).size;
  console.log(
    `\nCollected ${repositories} ${repositories === 1 ? 'repository' : 'repositories'} in ${seconds} s: ` +
      `${thousands(r.requests)} requests (${thousands(r.notModified)} answered 304), ${thousands(r.stored)} events stored, ` +
      `rate limit ${thousands(r.rateLimitRemaining)} left${failed > 0 ? `; ${failed} failed:` : '.'}`,
  );
  for (const e of r.errors) console.log(`  ${e.resource}: ${e.message}`);
  if (skipped.count > 0) console.log(`${skippedSentence(skipped)}.`);
}

export default command;

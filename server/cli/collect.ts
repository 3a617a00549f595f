/**
 * `npx deming collect [--repo owner/name]... [--since 90d] [--config file]`: runs the GitHub
 * collector once, with the server's configuration and database, printing a line per
 * repository (requests, events stored, rate limit left) and a summary. Plain text: a terminal
 * sees the current step update in place; a pipe or a log gets one line per repository.
 */
import { skippedSentence, type CheckedEvents } from '../../common/validate-events';
import { createGithubCollector, type GithubRunResult } from '../../collectors/github/collector';
import { ConfigError, loadConfig } from '../config';
import type { CliCommand } from './index';
import { CommandUsageError } from './local';
import { parseCollectArgs, runCollection, thousands } from './collect-args';

interface Args {
  repos: string[];
  since?: number;
  config?: string;
}

function parseArgs(args: string[], now: number): Args {
  const a = parseCollectArgs(args, now, {
    flag: '--repo',
    example: 'owner/name',
    problem: (r) => (/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(r) ? null : `expected owner/name, got "${r}"`),
  });
  return { repos: a.names, since: a.since, config: a.config };
}

/** Prints progress: the current step in place on a terminal, one line per finished repository everywhere. */
function progressPrinter(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  let repoStart = 0;
  let current = '';
  let lastRequests = 0;
  return {
    progress(p: { resource: string; requests?: number; stored?: number; rateLimitRemaining?: number | null; done?: boolean }) {
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
      const line = r.error
        ? `${r.name.padEnd(32)} failed: ${r.error}`
        : `${r.name.padEnd(32)} ${thousands(r.requests).padStart(6)} requests (${thousands(r.notModified)} answered 304)  ${thousands(r.stored).padStart(7)} stored  rate limit ${thousands(r.rateLimitRemaining)} left`;
      out.write(`${line}\n`);
    },
  };
}

const command: CliCommand = {
  summary: 'Collect from GitHub once (sources.github in the config), then print what was collected.',
  usage:
    'collect [--repo owner/name]... [--since 90d|2026-01-01] [--config deming.config.yaml]\n       npx deming collect git <path-or-url> --service <name> (see collect git --help)',
  help: async (args) => (args[0] === 'git' ? (await import('./collect-git')).COLLECT_GIT_HELP : undefined),
  async run(argv) {
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
    const printer = progressPrinter(process.stdout);
    const collector = createGithubCollector({
      settings: gh,
      only: args.repos.length > 0 ? args.repos : undefined,
      since: args.since,
      onRepository: printer.repository,
    });
    return runCollection(config, {
      collector,
      progress: printer.progress,
      report: (result, skipped) => {
        summary(result, skipped);
        return result.errors.length > 0 ? 1 : 0;
      },
    });
  },
};

function summary(r: GithubRunResult, skipped: CheckedEvents['skipped']): void {
  const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
  const failed = r.errors.length;
  console.log(
    `\nCollected ${r.repositories.length} ${r.repositories.length === 1 ? 'repository' : 'repositories'} in ${seconds} s: ` +
      `${thousands(r.requests)} requests (${thousands(r.notModified)} answered 304), ${thousands(r.stored)} events stored, ` +
      `rate limit ${thousands(r.rateLimitRemaining)} left${failed > 0 ? `; ${failed} failed:` : '.'}`,
  );
  for (const e of r.errors) console.log(`  ${e.resource}: ${e.message}`);
  if (skipped.count > 0) console.log(`${skippedSentence(skipped)}.`);
}

export default command;

/**
 * `npx deming collect gitlab [--project group/project]... [--since 90d] [--config file]`: runs the
 * GitLab collector once, with the server's configuration and database: on a terminal the current
 * project and step update in place (projects done of total, requests, rate limit left); a pipe or
 * a log gets one line per project; then a summary. Exits 1 when a project failed.
 */
import { skippedSentence } from '../../common/validate-events';
import { createGitlabCollector, type GitlabRunResult, type ProjectReport } from '../../collectors/gitlab/collector';
import { loadConfig } from '../config';
import { CommandUsageError } from './local';
import { parseCollectArgs, runCollection, thousands } from './collect-args';

export const COLLECT_GITLAB_USAGE = 'collect gitlab [--project group/project]... [--since 90d|2026-01-01] [--config deming.config.yaml]';

const PROJECT = /^(\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+)$/;

/** The current step in place on a terminal; one line per finished project everywhere. */
function printer(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  let total = 0;
  let done = 0;
  return {
    targets(n: number) {
      total = n;
    },
    progress(p: { resource: string; requests?: number; stored?: number; rateLimitRemaining?: number | null; done?: boolean }) {
      if (p.done || !tty) return;
      const at = p.resource.lastIndexOf(':');
      const [project, step] = [p.resource.slice(0, at), p.resource.slice(at + 1)];
      out.write(
        `\r\x1b[2K[${done + 1}/${total}] ${project.padEnd(36)} ${step.padEnd(16)} ${thousands(p.requests)} requests, ${thousands(p.stored)} stored, rate limit ${thousands(p.rateLimitRemaining)} left`,
      );
    },
    project(r: ProjectReport) {
      done++;
      if (tty) out.write('\r\x1b[2K');
      const line = r.error
        ? `${r.name.padEnd(36)} failed: ${r.error}`
        : `${r.name.padEnd(36)} ${thousands(r.requests).padStart(6)} requests  ${thousands(r.stored).padStart(7)} stored  rate limit ${thousands(r.rateLimitRemaining)} left`;
      out.write(`${line}\n`);
    },
  };
}

export async function collectGitlab(argv: string[]): Promise<number> {
  const { names: projects, ...args } = parseCollectArgs(argv, Date.now(), {
    flag: '--project',
    example: 'group/project',
    problem: (p) => (PROJECT.test(p) ? null : `expected a project path such as health/clinics/booking, or its id, got "${p}"`),
  });
  if (args.plan) throw new CommandUsageError('--plan estimates a GitHub backfill only, for now: run npx deming collect --plan.');
  const config = loadConfig(process.env, args.config);
  const gl = config.gitlab;
  if (!gl)
    throw new CommandUsageError(
      `there is no sources.gitlab in ${config.configFile ?? 'the configuration (no deming.config.yaml)'}: add one (see "Collecting from GitLab" in the README).`,
    );
  if (!gl.token)
    throw new CommandUsageError(
      'sources.gitlab has no token: set GITLAB_TOKEN (a token with the read_api scope), or sources.gitlab.token in the config.',
    );
  if (projects.length === 0 && gl.groups.length === 0 && gl.projects.length === 0) {
    throw new CommandUsageError(
      'nothing to collect: list sources.gitlab.groups or sources.gitlab.projects, or pass --project group/project.',
    );
  }
  const print = printer(process.stdout);
  const collector = createGitlabCollector({
    settings: gl,
    only: projects.length > 0 ? projects : undefined,
    since: args.since,
    onProject: print.project,
    onTargets: print.targets,
  });
  return runCollection(config, {
    collector,
    progress: print.progress,
    report: (r: GitlabRunResult, skipped) => {
      const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
      console.log(
        `\nCollected ${r.projects.length} ${r.projects.length === 1 ? 'project' : 'projects'} in ${seconds} s: ${thousands(r.requests)} requests, ` +
          `${thousands(r.stored)} events stored, rate limit ${thousands(r.rateLimitRemaining)} left${r.errors.length > 0 ? `; ${r.errors.length} failed:` : '.'}`,
      );
      for (const e of r.errors) console.log(`  ${e.resource}: ${e.message}`);
      if (skipped.count > 0) console.log(`${skippedSentence(skipped)}.`);
      return r.errors.length > 0 ? 1 : 0;
    },
  });
}

/**
 * `npx deming collect <incident source> [--config file]` (PagerDuty, Jira): pulls the source's
 * incidents once, with the server's configuration and database. On a terminal the requests and
 * incidents stored update in place; a pipe or a log gets the summary alone. It says how many
 * incidents are kept unmapped or skipped, and where to see them. Exits 1 when the run failed
 * (what was stored stays; the next run resumes).
 */
import type { CollectorContext, CollectorRunResult } from '../../collectors/types';
import { loadConfig, type Config } from '../config';
import { CommandUsageError } from './local';
import { runCollection, thousands } from './collect-args';

const plural = (n: number, one: string) => `${thousands(n)} ${n === 1 ? one : `${one}s`}`;

export interface IncidentSourceCommand {
  /** The command's word and the source's name (`pagerduty`, `jira`). */
  source: string;
  /** As people write it (`PagerDuty`). */
  label: string;
  /** The README's section that says how to configure it. */
  readme: string;
  /** The collector of the configured source, or a usage error saying what to set. */
  collector(config: Config): { run(ctx: CollectorContext): Promise<CollectorRunResult> };
}

export async function collectIncidentSource(argv: string[], c: IncidentSourceCommand): Promise<number> {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--config')
      throw new CommandUsageError(`unknown option "${argv[i]}". Usage: npx deming collect ${c.source} [--config deming.config.yaml]`);
    configFile = inline ?? argv[++i];
    if (!configFile) throw new CommandUsageError('--config needs a value.');
  }
  const config = loadConfig(process.env, configFile);
  if (!(config.incidents as unknown as Record<string, unknown>)[c.source])
    throw new CommandUsageError(
      `there is no incidents.${c.source} in ${config.configFile ?? 'the configuration (no deming.config.yaml)'}: add one (see "${c.readme}" in the README).`,
    );
  const collector = c.collector(config);
  const tty = process.stdout.isTTY === true;
  return runCollection(config, {
    collector,
    progress: (p) => {
      if (tty && !p.done)
        process.stdout.write(
          `\r\x1b[2K${c.source}  ${thousands(p.requests)} requests, ${thousands(p.stored)} incidents stored${p.rateLimitRemaining === null || p.rateLimitRemaining === undefined ? '' : `, rate limit ${thousands(p.rateLimitRemaining)} left`}`,
        );
    },
    report: async (r, _skipped, store) => {
      if (tty) process.stdout.write('\r\x1b[2K');
      const counts = await store.sourceIncidentCounts();
      const of = (status: string) => counts.find((x) => x.source === c.source && x.status === status)?.n ?? 0;
      const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
      const limit =
        r.rateLimitRemaining === null || r.rateLimitRemaining === undefined ? '' : `, rate limit ${thousands(r.rateLimitRemaining)} left`;
      console.log(
        `Collected ${c.label} in ${seconds} s: ${plural(r.requests, 'request')}, ${plural(r.stored, 'incident')} stored${limit}.`,
      );
      console.log(
        `${c.label} incidents kept: ${thousands(of('counted'))} counted, ${thousands(of('unmapped'))} unmapped (GET /api/v1/incidents/unmapped), ${thousands(of('skipped'))} skipped (GET /api/v1/incidents/skipped).`,
      );
      if ((r.skipped ?? 0) > 0) console.log(`${plural(r.skipped ?? 0, 'incident')} could not be read and were skipped (the log says why).`);
      for (const e of r.errors) console.log(`failed: ${e.message}`);
      return r.errors.length > 0 ? 1 : 0;
    },
  });
}

/** `npx deming collect <source> --help` for the incident sources: what it reads, from where, and what to set. */
export const INCIDENT_SOURCE_HELP: Record<string, string> = {
  servicenow: `Usage: npx deming collect servicenow [--config deming.config.yaml]

Pull ServiceNow incidents once (incidents.servicenow in the config), with the server's database:
what changed since the last run, by sys_updated_on; with changeRequests: true, the change_request
table too (approval and work times beside the deployments that name them).

Needs in the config: incidents.servicenow.instanceUrl, and username (password in
SERVICENOW_PASSWORD) or clientId (OAuth client credentials, secret in SERVICENOW_CLIENT_SECRET).
The user needs read access only: the roles sn_incident_read (and sn_change_read with
changeRequests). See "ServiceNow" in the README.

Exits 0 when the run finished, 1 when it failed (what was stored stays; the next run resumes),
2 when the configuration or the options are wrong (the message names the key and the fix).`,
  jira: `Usage: npx deming collect jira [--config deming.config.yaml]

Pull Jira Service Management (or Jira) issues as incidents once (incidents.jira in the config),
with the server's database: the issues the JQL names (issuetype = Incident by default) that
changed since the last run, by updated; once a day (listEvery) it also lists what the JQL still
names, to withdraw issues deleted or moved out of it.

Needs in the config: incidents.jira.baseUrl; Cloud: JIRA_EMAIL and JIRA_TOKEN (an API token);
Data Center: JIRA_TOKEN (a personal access token). The account needs Browse projects on the
incident projects and nothing else. See "Jira Service Management" in the README.

Exits 0 when the run finished, 1 when it failed (what was stored stays; the next run resumes),
2 when the configuration or the options are wrong (the message names the key and the fix).`,
};

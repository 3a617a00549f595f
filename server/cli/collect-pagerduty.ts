/**
 * `npx deming collect pagerduty [--config file]`: pulls PagerDuty incidents once
 * (`incidents.pagerduty`), with the server's configuration and database. On a terminal the
 * requests and incidents stored update in place; a pipe or a log gets the summary alone. It
 * says how many incidents are kept unmapped or skipped, and where to see them. Exits 1 when the
 * run failed (what was stored stays; the next run resumes).
 */
import { createPagerdutyCollector } from '../../collectors/pagerduty/collector';
import { loadConfig } from '../config';
import { CommandUsageError } from './local';
import { runCollection, thousands } from './collect-args';

export const COLLECT_PAGERDUTY_USAGE = 'collect pagerduty [--config deming.config.yaml]';

const plural = (n: number, one: string) => `${thousands(n)} ${n === 1 ? one : `${one}s`}`;

export async function collectPagerduty(argv: string[]): Promise<number> {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--config') throw new CommandUsageError(`unknown option "${argv[i]}". Usage: npx deming ${COLLECT_PAGERDUTY_USAGE}`);
    configFile = inline ?? argv[++i];
    if (!configFile) throw new CommandUsageError('--config needs a value.');
  }
  const config = loadConfig(process.env, configFile);
  const pd = config.incidents.pagerduty;
  if (!pd)
    throw new CommandUsageError(
      `there is no incidents.pagerduty in ${config.configFile ?? 'the configuration (no deming.config.yaml)'}: add one (see "Incidents from PagerDuty and Alertmanager" in the README).`,
    );
  if (!pd.token)
    throw new CommandUsageError(
      'incidents.pagerduty has no API key: set PAGERDUTY_TOKEN to a read-only REST API key (or incidents.pagerduty.token: ${MY_KEY}).',
    );
  const tty = process.stdout.isTTY === true;
  return runCollection(config, {
    collector: createPagerdutyCollector({ settings: pd }),
    progress: (p) => {
      if (tty && !p.done)
        process.stdout.write(
          `\r\x1b[2Kpagerduty  ${thousands(p.requests)} requests, ${thousands(p.stored)} incidents stored, rate limit ${thousands(p.rateLimitRemaining)} left`,
        );
    },
    report: async (r, _skipped, store) => {
      if (tty) process.stdout.write('\r\x1b[2K');
      const counts = await store.sourceIncidentCounts();
      const of = (status: string) => counts.find((c) => c.source === 'pagerduty' && c.status === status)?.n ?? 0;
      const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
      const limit =
        r.rateLimitRemaining === null || r.rateLimitRemaining === undefined ? '' : `, rate limit ${thousands(r.rateLimitRemaining)} left`;
      console.log(`Collected PagerDuty in ${seconds} s: ${plural(r.requests, 'request')}, ${plural(r.stored, 'incident')} stored${limit}.`);
      console.log(
        `PagerDuty incidents kept: ${thousands(of('counted'))} counted, ${thousands(of('unmapped'))} unmapped (GET /api/v1/incidents/unmapped), ${thousands(of('skipped'))} skipped (GET /api/v1/incidents/skipped).`,
      );
      if ((r.skipped ?? 0) > 0) console.log(`${plural(r.skipped ?? 0, 'incident')} could not be read and were skipped (the log says why).`);
      for (const e of r.errors) console.log(`failed: ${e.message}`);
      return r.errors.length > 0 ? 1 : 0;
    },
  });
}

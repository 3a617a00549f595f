/**
 * `npx deming collect servicenow [--config file]`: pulls ServiceNow incidents once
 * (`incidents.servicenow`) with the server's configuration and database: what changed since the
 * last run, by `sys_updated_on`. On a terminal the requests and incidents stored update in place;
 * a pipe or a log gets the summary alone. It says how many incidents are kept unmapped or
 * skipped, and where to see them. Exits 1 when the run failed (what was stored stays; the next
 * run resumes from the cursor stored with the last page).
 */
import { createServicenowCollector } from '../../collectors/servicenow/collector';
import { loadConfig } from '../config';
import { CommandUsageError } from './local';
import { runCollection, thousands } from './collect-args';

export const COLLECT_SERVICENOW_USAGE = 'collect servicenow [--config deming.config.yaml]';

const plural = (n: number, one: string) => `${thousands(n)} ${n === 1 ? one : `${one}s`}`;

export async function collectServicenow(argv: string[]): Promise<number> {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--config') throw new CommandUsageError(`unknown option "${argv[i]}". Usage: npx deming ${COLLECT_SERVICENOW_USAGE}`);
    configFile = inline ?? argv[++i];
    if (!configFile) throw new CommandUsageError('--config needs a value.');
  }
  const config = loadConfig(process.env, configFile);
  const sn = config.incidents.servicenow;
  if (!sn)
    throw new CommandUsageError(
      `there is no incidents.servicenow in ${config.configFile ?? 'the configuration (no deming.config.yaml)'}: add one (see "ServiceNow" in the README).`,
    );
  if (!sn.auth) throw new CommandUsageError(sn.authProblem ?? 'incidents.servicenow has no credentials.');
  const tty = process.stdout.isTTY === true;
  return runCollection(config, {
    collector: createServicenowCollector({ settings: sn }),
    progress: (p) => {
      if (tty && !p.done)
        process.stdout.write(`\r\x1b[2Kservicenow  ${thousands(p.requests)} requests, ${thousands(p.stored)} stored (${p.resource})`);
    },
    report: async (r, _skipped, store) => {
      if (tty) process.stdout.write('\r\x1b[2K');
      const counts = await store.sourceIncidentCounts();
      const of = (status: string) => counts.find((c) => c.source === 'servicenow' && c.status === status)?.n ?? 0;
      const seconds = ((r.finishedAt - r.startedAt) / 1000).toFixed(1);
      const changes = sn.changeRequests ? `, ${plural(r.changeRequests, 'change request')} read` : '';
      console.log(
        `Collected ServiceNow in ${seconds} s: ${plural(r.requests, 'request')}, ${plural(r.stored, 'incident')} stored${changes}.`,
      );
      console.log(
        `ServiceNow incidents kept: ${thousands(of('counted'))} counted, ${thousands(of('unmapped'))} unmapped (GET /api/v1/incidents/unmapped), ${thousands(of('skipped'))} skipped (GET /api/v1/incidents/skipped).`,
      );
      if ((r.skipped ?? 0) > 0) console.log(`${plural(r.skipped ?? 0, 'incident')} could not be read and were skipped (the log says why).`);
      for (const e of r.errors) console.log(`failed: ${e.message}`);
      return r.errors.length > 0 ? 1 : 0;
    },
  });
}

/**
 * `npx deming collect pagerduty [--config file]`: pulls PagerDuty incidents once
 * (`incidents.pagerduty`), as every incident source's `collect` does (collect-incidents.ts).
 */
import { createPagerdutyCollector } from '../../collectors/pagerduty/collector';
import { CommandUsageError } from './local';
import { collectIncidentSource } from './collect-incidents';

export async function collectPagerduty(argv: string[]): Promise<number> {
  return collectIncidentSource(argv, {
    source: 'pagerduty',
    label: 'PagerDuty',
    readme: 'Incidents from PagerDuty and Alertmanager',
    collector: (config) => {
      const pd = config.incidents.pagerduty!;
      if (!pd.token)
        throw new CommandUsageError(
          'incidents.pagerduty has no API key: set PAGERDUTY_TOKEN to a read-only REST API key (or incidents.pagerduty.token: ${MY_KEY}).',
        );
      return createPagerdutyCollector({ settings: pd });
    },
  });
}

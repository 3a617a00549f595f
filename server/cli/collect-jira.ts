/**
 * `npx deming collect jira [--config file]`: pulls Jira Service Management (or Jira) issues as
 * incidents once (`incidents.jira`), as every incident source's `collect` does (collect-incidents.ts).
 */
import { createJiraCollector } from '../../collectors/jira/collector';
import { CommandUsageError } from './local';
import { collectIncidentSource } from './collect-incidents';

export async function collectJira(argv: string[]): Promise<number> {
  return collectIncidentSource(argv, {
    source: 'jira',
    label: 'Jira',
    readme: 'Jira Service Management',
    collector: (config) => {
      const jira = config.incidents.jira!;
      if (!jira.token)
        throw new CommandUsageError(
          jira.edition === 'cloud'
            ? "incidents.jira has no API token: set JIRA_TOKEN to an API token and JIRA_EMAIL to its account's email (an account with Browse projects on the incident projects)."
            : 'incidents.jira has no personal access token: set JIRA_TOKEN to a personal access token of an account with Browse projects on the incident projects.',
        );
      return createJiraCollector({ settings: jira });
    },
  });
}

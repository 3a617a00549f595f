/**
 * The `incidents:` block of `deming.config.yaml`: a threshold for every source, and one block per
 * incident source (a new source adds its schema and resolution here). Composed into the file
 * schema in server/config.ts, so a wrong key is reported by its path.
 */
import { z } from 'zod';
import { severitySchema, evidenceOf, type IncidentModel } from './config';
import { pagerdutySourceSchema, resolvePagerdutySettings, type PagerdutySettings } from '../pagerduty/config';
import { alertmanagerSourceSchema, resolveAlertmanagerSettings, type AlertmanagerSettings } from '../alertmanager/config';
import { jiraSourceSchema, resolveJiraSettings, type JiraSettings } from '../jira/config';
import { servicenowSourceSchema, resolveServicenowSettings, type ServicenowSettings } from '../servicenow/config';

export const incidentsSchema = z
  .object({
    /** The least severe severity that counts, for every source that sets none (sev3: sev1 to sev3 count). */
    threshold: severitySchema.default('sev3'),
    pagerduty: pagerdutySourceSchema.optional(),
    alertmanager: alertmanagerSourceSchema.optional(),
    jira: jiraSourceSchema.optional(),
    servicenow: servicenowSourceSchema.optional(),
  })
  .strict();

export type IncidentsFile = z.infer<typeof incidentsSchema>;

export interface IncidentSettings {
  pagerduty: PagerdutySettings | null;
  alertmanager: AlertmanagerSettings | null;
  jira?: JiraSettings | null;
  servicenow?: ServicenowSettings | null;
  /** Every configured source's model. */
  models: IncidentModel[];
  /** What the sources' mappings add to `evidence.incidents`. */
  evidence: { services: string; since: number }[];
}

export const noIncidentSources: IncidentSettings = {
  pagerduty: null,
  alertmanager: null,
  jira: null,
  servicenow: null,
  models: [],
  evidence: [],
};

export function resolveIncidentSettings(file: IncidentsFile | undefined, env: NodeJS.ProcessEnv): IncidentSettings {
  if (!file) return noIncidentSources;
  const pagerduty = file.pagerduty ? resolvePagerdutySettings(file.pagerduty, env, file.threshold) : null;
  const alertmanager = file.alertmanager ? resolveAlertmanagerSettings(file.alertmanager, env, file.threshold) : null;
  const jira = file.jira ? resolveJiraSettings(file.jira, env, file.threshold) : null;
  const servicenow = file.servicenow ? resolveServicenowSettings(file.servicenow, env, file.threshold) : null;
  const models = [pagerduty?.model, alertmanager?.model, jira?.model, servicenow?.model].filter((m): m is IncidentModel => m !== undefined);
  return { pagerduty, alertmanager, jira, servicenow, models, evidence: models.flatMap(evidenceOf) };
}

/**
 * `incidents.servicenow` in `deming.config.yaml`: the instance (`instanceUrl`), how Deming signs
 * in (basic: a user and its password; or OAuth client credentials: a client id and secret, a
 * token from `POST /oauth_token.do`), an encoded query that narrows what is read (`query`), which
 * incident field is the severity (`severityField`: priority or impact), the webhook's shared
 * secrets, whether the `change_request` table is read too (`changeRequests`), and the incident
 * model's shared keys (collectors/incidents/config.ts), whose rules match the configuration item
 * and the business service (`cmdb_ci.name`, `business_service.name`, or their sys_ids).
 * Secrets come from the environment where given: SERVICENOW_PASSWORD, SERVICENOW_CLIENT_SECRET,
 * DEMING_SERVICENOW_WEBHOOK_SECRETS (comma-separated).
 */
import { z } from 'zod';
import {
  incidentSourceShape,
  pulledSourceShape,
  pullIntervalMs,
  IncidentConfigError,
  resolveIncidentModel,
  type IncidentModel,
  type Severity,
  type SourceTraits,
} from '../incidents/config';

/** The incident fields a rule may match (references as sys_id, and their dot-walked names). */
export const SERVICENOW_RULE_FIELDS = ['cmdb_ci', 'cmdb_ci.name', 'business_service', 'business_service.name', 'category'] as const;

export const servicenowSourceSchema = z
  .object({
    ...incidentSourceShape,
    /** https://<instance>.service-now.com */
    instanceUrl: z.url({ protocol: /^https?$/, error: 'expected the instance URL, such as https://example.service-now.com' }),
    /** Basic authentication: the integration user (its password from SERVICENOW_PASSWORD, or `password`). */
    username: z.string().min(1).max(200).optional(),
    password: z.string().min(1).optional(),
    /** OAuth client credentials (an OAuth application registry entry with the client_credentials grant). */
    clientId: z.string().min(1).max(200).optional(),
    clientSecret: z.string().min(1).optional(),
    /** An encoded query (as the list view's "Copy query" gives it) that narrows the incidents read. */
    query: z.string().max(4000).optional(),
    /** Which incident field is the severity value the `severity` map reads: priority (1…5) or impact (1…3). */
    severityField: z.enum(['priority', 'impact'], { error: 'expected priority or impact' }).default('priority'),
    /** The shared secrets of `POST /webhooks/servicenow` (two during a rotation). */
    webhookSecrets: z
      .array(z.string().min(16, 'a webhook secret is at least 16 characters: generate one, such as with openssl rand -hex 32'))
      .optional(),
    /** Read the change_request table too: approval and implementation times beside the deployment that carried each. */
    changeRequests: z.boolean().default(false),
    ...pulledSourceShape,
  })
  .strict();

export type ServicenowSourceFile = z.infer<typeof servicenowSourceSchema>;

export type ServicenowAuth =
  { kind: 'basic'; username: string; password: string } | { kind: 'oauth'; clientId: string; clientSecret: string } | null;

export interface ServicenowSettings {
  model: IncidentModel;
  instanceUrl: string;
  /** Null when the secret is missing (the collector says which variable to set). */
  auth: ServicenowAuth;
  /** What is missing for `auth`, naming the key or variable. */
  authProblem: string | null;
  query: string | null;
  severityField: 'priority' | 'impact';
  webhookSecrets: string[];
  changeRequests: boolean;
  intervalMs: number | null;
  since: number | null;
  backfillDays: number;
}

/** ServiceNow's own scales: priority 1 Critical … 5 Planning; impact 1 High, 2 Medium, 3 Low. */
const defaultSeverity: Record<'priority' | 'impact', Record<string, Severity>> = {
  priority: { '1': 'sev1', '2': 'sev2', '3': 'sev3', '4': 'sev4', '5': 'sev5' },
  impact: { '1': 'sev1', '2': 'sev2', '3': 'sev4' },
};

const traitsOf = (severityField: 'priority' | 'impact'): SourceTraits => ({
  source: 'servicenow',
  field: (f) => (SERVICENOW_RULE_FIELDS as readonly string[]).includes(f),
  fieldHint: SERVICENOW_RULE_FIELDS.join(', '),
  linkField: (f) => ['caused_by.number', 'short_description', 'number'].includes(f),
  linkFieldHint: 'caused_by.number (the change request that caused it, read by default) or short_description',
  defaultSeverity: defaultSeverity[severityField],
  mapBy: 'business_service.name',
});

/** What an encoded query may not hold: Deming adds its own order and keyset to it. */
function queryProblem(q: string): string | null {
  if (/\^NQ/.test(q))
    return 'holds ^NQ (a new query): Deming adds its keyset to the query, which ^NQ would split; write one query with ^OR instead';
  if (/ORDERBY/i.test(q)) return 'holds ORDERBY: Deming orders by sys_updated_on and sys_id itself; leave the order out';
  if (/[\r\n]/.test(q)) return 'holds a line break: copy the query from the list view ("Copy query") as one line';
  return null;
}

export function resolveServicenowSettings(
  file: ServicenowSourceFile,
  env: NodeJS.ProcessEnv,
  threshold: Severity | undefined,
): ServicenowSettings {
  const at = 'incidents.servicenow';
  const intervalMs = pullIntervalMs(file.interval, at, 'ServiceNow limits API requests per user');
  if (file.username && file.clientId)
    throw new IncidentConfigError(`${at}: give either username (basic) or clientId (OAuth client credentials), not both.`);
  if (!file.username && !file.clientId)
    throw new IncidentConfigError(
      `${at}: give username (basic authentication, with SERVICENOW_PASSWORD) or clientId (OAuth client credentials, with SERVICENOW_CLIENT_SECRET).`,
    );
  const problem = file.query ? queryProblem(file.query) : null;
  if (problem) throw new IncidentConfigError(`${at}.query: ${problem}.`);
  let auth: ServicenowAuth = null;
  let authProblem: string | null = null;
  if (file.username) {
    const password = env.SERVICENOW_PASSWORD || file.password;
    if (password) auth = { kind: 'basic', username: file.username, password };
    else authProblem = `${at}.username is set but no password: set SERVICENOW_PASSWORD (or ${at}.password: \${MY_VARIABLE}).`;
  } else {
    const clientSecret = env.SERVICENOW_CLIENT_SECRET || file.clientSecret;
    if (clientSecret) auth = { kind: 'oauth', clientId: file.clientId!, clientSecret };
    else authProblem = `${at}.clientId is set but no client secret: set SERVICENOW_CLIENT_SECRET (or ${at}.clientSecret).`;
  }
  const envSecrets = env.DEMING_SERVICENOW_WEBHOOK_SECRETS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The change request that caused an incident is its caused_by, unless the config reads it elsewhere.
  const links = { changeRequest: { field: 'caused_by.number' }, ...file.links };
  return {
    model: resolveIncidentModel({ ...file, links }, traitsOf(file.severityField), threshold),
    instanceUrl: file.instanceUrl.replace(/\/+$/, ''),
    auth,
    authProblem,
    query: file.query?.trim() || null,
    severityField: file.severityField,
    webhookSecrets: envSecrets?.length ? envSecrets : (file.webhookSecrets ?? []),
    changeRequests: file.changeRequests,
    intervalMs,
    since: file.since ? Date.parse(`${file.since}T00:00:00Z`) : null,
    backfillDays: file.backfillDays,
  };
}

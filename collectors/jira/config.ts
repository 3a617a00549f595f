/**
 * `incidents.jira` in `deming.config.yaml`: Jira Service Management (or Jira) issues as incidents.
 * Where Jira is (`baseUrl`), which edition (`cloud`: an API token with the account's email, basic
 * auth, `/rest/api/3/search/jql`; `datacenter`: a personal access token as a bearer,
 * `/rest/api/2/search`), which issues are incidents (`jql`, `issuetype = Incident` by default),
 * which resolutions mean the incident was none (`resolutions`), which custom fields Deming may read
 * (the ones rules and links name, nothing else), the webhook's secrets, and the incident model's
 * shared keys (collectors/incidents/config.ts), whose rules match `project`, `component`,
 * `components`, `label`, `labels`, `issuetype` or a `customfield_N`.
 */
import { z } from 'zod';
import { parseDuration } from '../github/config';
import {
  durationText,
  incidentSourceShape,
  pulledSourceShape,
  pullIntervalMs,
  IncidentConfigError,
  resolveIncidentModel,
  type IncidentModel,
  type Severity,
  type SourceTraits,
} from '../incidents/config';
import type { Outcome } from '../incidents/model';

const outcome = z.enum(['cancelled', 'duplicate', 'not_an_incident'], { error: 'expected cancelled, duplicate or not_an_incident' });

export const jiraSourceSchema = z
  .object({
    ...incidentSourceShape,
    /** https://your-site.atlassian.net (Cloud) or your Data Center's base URL (with its context path). */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected the site URL, such as https://acme.atlassian.net' }),
    /** cloud or datacenter; by default cloud for *.atlassian.net, else datacenter. */
    edition: z.enum(['cloud', 'datacenter'], { error: 'expected cloud or datacenter' }).optional(),
    /** Cloud: the email of the account whose API token is used (JIRA_EMAIL wins). */
    email: z.string().min(3).max(320).optional(),
    /** Cloud: an API token; Data Center: a personal access token (JIRA_TOKEN wins). */
    token: z.string().min(1).optional(),
    /** Which issues are incidents; Deming adds its own `updated` bound and order. */
    jql: z.string().trim().min(1).max(2000).default('issuetype = Incident'),
    /** Where the severity is read: the priority (the default), or a custom field such as JSM's Severity. */
    severityField: z
      .string()
      .regex(/^(priority|customfield_\d{1,10})$/, 'expected priority or a custom field such as customfield_10060')
      .default('priority'),
    /** Resolution names (without regard to case) → what the incident was: none of them count. */
    resolutions: z.record(z.string().min(1).max(200), outcome).optional(),
    /** HMAC secrets of admin webhooks (X-Hub-Signature: sha256=…), two during a rotation. */
    webhookSecrets: z.array(z.string().min(8, 'a webhook secret is at least 8 characters: use Jira\'s "Generate secret"')).optional(),
    /** Weaker: a secret given in the webhook URL's query (?secret=…), for a Jira that cannot sign. */
    webhookUrlSecrets: z.array(z.string().min(16, 'a URL secret is at least 16 characters: it is all that guards the webhook')).optional(),
    /** The issue types a webhook's issue must be of to be read (any, when empty): give the webhook the same JQL as `jql`. */
    webhookIssueTypes: z.array(z.string().min(1).max(200)).default(['Incident']),
    /** Status names (without regard to case) that mean the incident was cancelled, whatever its resolution. */
    cancelledStatuses: z.array(z.string().min(1).max(200)).max(100).default(['Canceled', 'Cancelled', "Won't Do", 'Declined', 'Rejected']),
    /** How often a pull lists every issue the JQL still names, to withdraw those deleted or moved out of it (off: never). */
    listEvery: durationText.default('1d'),
    ...pulledSourceShape,
  })
  .strict();

export type JiraSourceFile = z.infer<typeof jiraSourceSchema>;

export interface JiraSettings {
  model: IncidentModel;
  edition: 'cloud' | 'datacenter';
  baseUrl: string;
  email: string | null;
  token: string | null;
  jql: string;
  /** Lower-cased resolution name → outcome. */
  resolutions: Map<string, Outcome>;
  /** Status names (lower case) that mean cancelled. */
  cancelledStatuses: Set<string>;
  /** How often a pull lists what the JQL names, to withdraw what it no longer does (null: never). */
  listEveryMs: number | null;
  /** The issue fields asked for (`fields=`): only what Deming reads. */
  fields: string[];
  /** The custom fields rules and links read. */
  customFields: string[];
  /** `priority`, or the custom field the severity is read from. */
  severityField: string;
  webhookSecrets: string[];
  webhookUrlSecrets: string[];
  /** Lower-cased; empty: any. */
  webhookIssueTypes: string[];
  intervalMs: number | null;
  /** Where the first pull starts (epoch ms): `since`, else `backfillDays` before the run. */
  since: number | null;
  backfillDays: number;
}

/** Jira's default priorities, the P1…P5 many service desks use, and the older names. */
const defaultSeverity: Record<string, Severity> = {
  highest: 'sev1',
  high: 'sev2',
  medium: 'sev3',
  low: 'sev4',
  lowest: 'sev5',
  p1: 'sev1',
  p2: 'sev2',
  p3: 'sev3',
  p4: 'sev4',
  p5: 'sev5',
  blocker: 'sev1',
  critical: 'sev1',
  major: 'sev2',
  minor: 'sev4',
  trivial: 'sev5',
};

/** Resolutions after which the issue was no incident, as Jira and Jira Service Management name them. */
export const DEFAULT_RESOLUTIONS: Record<string, Outcome> = {
  "won't do": 'cancelled',
  "won't fix": 'cancelled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  declined: 'cancelled',
  duplicate: 'duplicate',
  'not an incident': 'not_an_incident',
};

const CUSTOM = /^customfield_\d{1,10}$/;
const RULE_FIELDS = ['project', 'component', 'components', 'label', 'labels', 'issuetype'];
/** `issuelinks` (every linked key), `issuelinks.<how it is linked>` ("is caused by"), the summary, custom fields. */
const linkField = (f: string) =>
  RULE_FIELDS.includes(f) || CUSTOM.test(f) || f === 'summary' || f === 'issuelinks' || /^issuelinks\.[^.]{1,100}$/.test(f);

export const jiraTraits: SourceTraits = {
  source: 'jira',
  field: (f) => RULE_FIELDS.includes(f) || CUSTOM.test(f),
  fieldHint: 'project, component, components, label, labels, issuetype or a custom field such as customfield_10040',
  linkField,
  linkFieldHint:
    'a custom field such as customfield_10050, issuelinks, issuelinks.<link as Jira words it, such as "is caused by">, or summary',
  defaultSeverity,
  mapBy: 'component',
};

/** What the collector reads of an issue, whatever the configuration. */
const BASE_FIELDS = [
  'created',
  'updated',
  'resolutiondate',
  'resolution',
  'status',
  'priority',
  'project',
  'issuetype',
  'components',
  'labels',
];

export function resolveJiraSettings(file: JiraSourceFile, env: NodeJS.ProcessEnv, threshold: Severity | undefined): JiraSettings {
  const at = 'incidents.jira';
  const intervalMs = pullIntervalMs(file.interval, at, 'Jira Cloud limits API requests per account');
  const baseUrl = file.baseUrl.replace(/\/+$/, '');
  const host = new URL(baseUrl).hostname;
  const edition = file.edition ?? (host.endsWith('.atlassian.net') ? 'cloud' : 'datacenter');
  const email = env.JIRA_EMAIL || file.email || null;
  const token = env.JIRA_TOKEN || file.token || null;
  if (edition === 'cloud' && token && !email)
    throw new IncidentConfigError(
      `${at}.email: Jira Cloud's API tokens go with the account's email: set JIRA_EMAIL (or ${at}.email) to the email of the account the token belongs to.`,
    );
  if (/\border\s+by\b/i.test(file.jql))
    throw new IncidentConfigError(
      `${at}.jql: leave out ORDER BY: Deming orders by updated itself to read incrementally; give only the filter, such as "project = OPS AND issuetype = Incident".`,
    );
  const model = resolveIncidentModel(file, jiraTraits, threshold);
  const envSecrets = env.DEMING_JIRA_WEBHOOK_SECRETS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const named = [...model.rules.flatMap((r) => r.when.map((w) => w.field)), ...Object.values(model.links).map((l) => l.field)];
  const customFields = [...new Set(named.filter((f) => CUSTOM.test(f)))].sort();
  const severityCustom = file.severityField === 'priority' ? [] : [file.severityField];
  const fields = [
    ...BASE_FIELDS,
    ...(named.some((f) => f.startsWith('issuelinks')) ? ['issuelinks'] : []),
    ...(model.titles || named.includes('summary') ? ['summary'] : []),
    ...customFields,
    ...severityCustom.filter((f) => !customFields.includes(f)),
  ];
  const resolutions = new Map(Object.entries(file.resolutions ?? DEFAULT_RESOLUTIONS).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    model,
    edition,
    baseUrl,
    email,
    token,
    jql: file.jql,
    resolutions,
    cancelledStatuses: new Set(file.cancelledStatuses.map((s) => s.toLowerCase())),
    listEveryMs: parseDuration(file.listEvery),
    fields,
    customFields,
    severityField: file.severityField,
    webhookSecrets: envSecrets?.length ? envSecrets : (file.webhookSecrets ?? []),
    webhookUrlSecrets: file.webhookUrlSecrets ?? [],
    webhookIssueTypes: file.webhookIssueTypes.map((t) => t.toLowerCase()),
    intervalMs,
    since: file.since ? Date.parse(`${file.since}T00:00:00Z`) : null,
    backfillDays: file.backfillDays,
  };
}

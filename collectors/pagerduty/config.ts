/**
 * `incidents.pagerduty` in `deming.config.yaml`: the REST API (a read-only API key, from the file
 * or PAGERDUTY_TOKEN), the Webhooks v3 subscription secrets (several during a rotation, or
 * DEMING_PAGERDUTY_WEBHOOK_SECRETS, comma-separated), and the incident model's shared keys
 * (collectors/incidents/config.ts): rules on `service.id` and `service.name`, and a severity
 * scale of priorities (`P1`…) and urgencies (`high`, `low`).
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

export const pagerdutySourceSchema = z
  .object({
    ...incidentSourceShape,
    /** A read-only REST API key (PAGERDUTY_TOKEN wins). */
    token: z.string().min(1).optional(),
    /** https://api.pagerduty.com, or https://api.eu.pagerduty.com for an EU account. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected the API URL, such as https://api.pagerduty.com' }).optional(),
    /** The signing secrets of the Webhooks v3 subscription (two during a rotation). */
    webhookSecrets: z.array(z.string().min(8, 'a webhook secret is at least 8 characters: copy it from the subscription')).optional(),
    /** Only these PagerDuty services' incidents are pulled (all when not given). */
    serviceIds: z.array(z.string().regex(/^[A-Z0-9]{1,20}$/, 'expected a PagerDuty service id such as PABC123')).optional(),
    ...pulledSourceShape,
  })
  .strict();

export type PagerdutySourceFile = z.infer<typeof pagerdutySourceSchema>;

export interface PagerdutySettings {
  model: IncidentModel;
  token: string | null;
  baseUrl: string;
  webhookSecrets: string[];
  serviceIds: string[];
  intervalMs: number | null;
  /** Where the first pull starts (epoch ms): `since`, else `backfillDays` before the run. */
  since: number | null;
  backfillDays: number;
}

export const DEFAULT_PAGERDUTY_URL = 'https://api.pagerduty.com';

/** PagerDuty's default priorities and its two urgencies. */
const defaultSeverity: Record<string, Severity> = { P1: 'sev1', P2: 'sev2', P3: 'sev3', P4: 'sev4', P5: 'sev5', high: 'sev2', low: 'sev4' };

export const pagerdutyTraits: SourceTraits = {
  source: 'pagerduty',
  field: (f) => f === 'service.id' || f === 'service.name',
  fieldHint: 'service.id or service.name',
  linkField: (f) => ['service.id', 'service.name', 'title', 'incident_key'].includes(f),
  linkFieldHint: 'title or incident_key',
  defaultSeverity,
  mapBy: 'service.id',
};

export function resolvePagerdutySettings(
  file: PagerdutySourceFile,
  env: NodeJS.ProcessEnv,
  threshold: Severity | undefined,
): PagerdutySettings {
  const intervalMs = pullIntervalMs(file.interval, 'incidents.pagerduty', 'PagerDuty limits API requests per key');
  const envSecrets = env.DEMING_PAGERDUTY_WEBHOOK_SECRETS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    model: resolveIncidentModel(file, pagerdutyTraits, threshold),
    token: env.PAGERDUTY_TOKEN || file.token || null,
    baseUrl: (file.baseUrl ?? DEFAULT_PAGERDUTY_URL).replace(/\/+$/, ''),
    webhookSecrets: envSecrets?.length ? envSecrets : (file.webhookSecrets ?? []),
    serviceIds: file.serviceIds ?? [],
    intervalMs,
    since: file.since ? Date.parse(`${file.since}T00:00:00Z`) : null,
    backfillDays: file.backfillDays,
  };
}

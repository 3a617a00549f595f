/**
 * `incidents.alertmanager` in `deming.config.yaml`: how Prometheus Alertmanager's webhook
 * receiver authenticates (a bearer token or basic auth, as its `http_config` sends them), which
 * alerts are incidents (`filter`: matchers in Alertmanager's own syntax, all of which must hold),
 * how alerts group into one incident (`groupBy`), the labels naming the service and the severity,
 * and the incident model's shared keys (collectors/incidents/config.ts), whose rules match labels.
 */
import { z } from 'zod';
import {
  incidentSourceShape,
  IncidentConfigError,
  resolveIncidentModel,
  type IncidentModel,
  type Severity,
  type SourceTraits,
} from '../incidents/config';

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelName = z.string().regex(LABEL, 'expected a label name such as service (letters, digits and _)');

/** One matcher: `env="production"`, `severity=~"critical|page"`, `team!="sandbox"`, `instance!~"test.*"`. */
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  re: RegExp | null;
}

export function parseMatcher(text: string): Matcher | string {
  const m = MATCHER.exec(text);
  if (!m) return `"${text}" is not a matcher: write it as Alertmanager does, such as env="production" or severity=~"critical|page"`;
  const value = m[3].replace(/\\(.)/g, '$1');
  const op = m[2] as Matcher['op'];
  if (op === '=~' || op === '!~') {
    // Anchored, as Prometheus anchors them.
    try {
      return { label: m[1], op, value, re: new RegExp(`^(?:${value})$`) };
    } catch (e) {
      return `"${text}": ${(e as Error).message}`;
    }
  }
  return { label: m[1], op, value, re: null };
}

/** Whether labels satisfy a matcher (a missing label is the empty string, as in Alertmanager). */
export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

const secret = z.string().min(16, 'at least 16 characters: generate one with `openssl rand -hex 32`');

export const alertmanagerSourceSchema = z
  .object({
    ...incidentSourceShape,
    /** Bearer tokens Alertmanager's `http_config.authorization.credentials` may send (two during a rotation). */
    bearerTokens: z.array(secret).optional(),
    /** Users Alertmanager's `http_config.basic_auth` may send. */
    basicAuth: z
      .array(
        z
          .object({
            username: z
              .string()
              .min(1)
              .max(100)
              .regex(/^[^:]+$/, 'a user name has no ":"'),
            password: secret,
          })
          .strict(),
      )
      .optional(),
    /** Which alerts are incidents: every matcher must hold, such as ['env="production"', 'severity=~"critical|page"']. */
    filter: z
      .array(z.string().min(1).max(500))
      .min(1, 'give at least one matcher, such as severity=~"critical|page", so that warnings are not incidents'),
    /** The labels whose values make one incident of the alerts that share them, or `fingerprint` for one per alert; Alertmanager's group labels when not given. */
    groupBy: z
      .union([z.array(labelName).min(1), z.literal('fingerprint')], {
        error: 'expected a list of label names such as [alertname, service], or fingerprint',
      })
      .optional(),
    /** The label naming the Deming service, when no rule of `services` matches (off: `false`). */
    serviceLabel: z.union([labelName, z.literal(false)]).default('service'),
    /** The label holding the severity. */
    severityLabel: labelName.default('severity'),
  })
  .strict();

export type AlertmanagerSourceFile = z.infer<typeof alertmanagerSourceSchema>;

export interface AlertmanagerSettings {
  model: IncidentModel;
  bearerTokens: string[];
  basicAuth: { username: string; password: string }[];
  filter: Matcher[];
  groupBy: string[] | 'fingerprint' | null;
  severityLabel: string;
}

const defaultSeverity: Record<string, Severity> = {
  critical: 'sev1',
  page: 'sev2',
  high: 'sev2',
  error: 'sev3',
  warning: 'sev4',
  info: 'sev5',
};

export function alertmanagerTraits(serviceLabel: string | false): SourceTraits {
  return {
    source: 'alertmanager',
    field: (f) => LABEL.test(f),
    fieldHint: 'a label name such as service',
    linkField: (f) => LABEL.test(f) || /^annotations\.[a-zA-Z_][a-zA-Z0-9_]*$/.test(f),
    linkFieldHint: 'a label name, or annotations.<name>',
    defaultSeverity,
    mapBy: serviceLabel || 'alertname',
    extraRules: serviceLabel ? [{ when: { [serviceLabel]: '*' }, service: `{${serviceLabel}}` }] : [],
  };
}

export function resolveAlertmanagerSettings(
  file: AlertmanagerSourceFile,
  env: NodeJS.ProcessEnv,
  threshold: Severity | undefined,
): AlertmanagerSettings {
  const envToken = env.DEMING_ALERTMANAGER_TOKEN;
  if (envToken !== undefined && envToken.length < 16)
    throw new IncidentConfigError('DEMING_ALERTMANAGER_TOKEN: at least 16 characters: generate one with `openssl rand -hex 32`.');
  const bearerTokens = [...(envToken ? [envToken] : []), ...(file.bearerTokens ?? [])];
  const basicAuth = file.basicAuth ?? [];
  if (bearerTokens.length === 0 && basicAuth.length === 0) {
    throw new IncidentConfigError(
      "incidents.alertmanager: give bearerTokens (or DEMING_ALERTMANAGER_TOKEN) or basicAuth, and the same in the receiver's http_config: Deming takes no unauthenticated alerts.",
    );
  }
  const filter = file.filter.map((text, i) => {
    const m = parseMatcher(text);
    if (typeof m === 'string') throw new IncidentConfigError(`incidents.alertmanager.filter[${i}]: ${m}.`);
    return m;
  });
  return {
    model: resolveIncidentModel(file, alertmanagerTraits(file.serviceLabel), threshold),
    bearerTokens,
    basicAuth,
    filter,
    groupBy: file.groupBy ?? null,
    severityLabel: file.severityLabel,
  };
}

/**
 * The part of every incident source's configuration that the incident model owns (DESIGN.md,
 * "Incidents from where they are managed"): which of the tool's services are which Deming
 * services (`services`: rules with patterns), how the tool's severity scale maps to `sev1`…`sev5`
 * (`severity`), which severities exist for the figures at all (`threshold`), whether titles are
 * stored (`titles`, off: they often name people), links to deployments (`links`), and since when
 * the mapped services report incidents (`since`). Each source (collectors/<source>/config.ts)
 * adds its own keys to {@link incidentSourceShape} and names the fields its rules may match.
 */
import { z } from 'zod';
import { serviceNameProblem, normaliseServiceName } from '../../common/identifiers';
import { compilePattern, templateFields, type CompiledRule } from './mapping';
import { parseDuration } from '../github/config';

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** 1 for sev1 (the most severe) … 5 for sev5. */
export const severityRank = (s: Severity): number => Number(s.slice(3));

export const severitySchema = z.enum(SEVERITIES, { error: 'expected sev1, sev2, sev3, sev4 or sev5 (sev1 is the most severe)' });

const date = z.iso.date({ error: 'expected a date such as 2026-01-05' });
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** A rule: the tool's fields that must all match (a value, or a pattern with `*`), and the Deming service they name (`{field}` puts in a matched value). */
const ruleSchema = z
  .object({
    when: z
      .record(z.string().min(1).max(100), z.string().min(1, 'give a value or a pattern such as "booking-*"').max(300))
      .refine((w) => Object.keys(w).length > 0, 'name at least one field to match, such as {service.id: PABC123}'),
    service: z.string().trim().min(1).max(200),
  })
  .strict();

/** Where a link to the deployment that caused the incident is read from: a field, and optionally a pattern whose first group is the value. */
const linkSchema = z
  .object({
    field: z.string().min(1).max(100),
    pattern: z
      .string()
      .min(1)
      .max(300)
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'expected a regular expression, such as "CHG\\d+"')
      .optional(),
  })
  .strict();

/** The keys every incident source takes. */
export const incidentSourceShape = {
  /** Since when this source holds the incidents of the services it maps (their evidence start). */
  since: date
    .refine(
      (d) => dayMs(d) <= Date.now(),
      'the date is in the future: give the day this tool started holding the incidents, today or earlier',
    )
    .optional(),
  /** Store incident titles (they often name people). */
  titles: z.boolean().default(false),
  /** The least severe severity that counts; the top-level `incidents.threshold` when not given. */
  threshold: severitySchema.optional(),
  /** The tool's severity values (compared without regard to case) → sev1…sev5; the source's defaults when not given. */
  severity: z.record(z.string().min(1).max(100), severitySchema).optional(),
  /** The severity of an incident whose value the map does not name (none: it has no severity, and counts). */
  unknownSeverity: severitySchema.optional(),
  services: z.array(ruleSchema).default([]),
  links: z.object({ deploymentId: linkSchema, rootCauseSha: linkSchema, changeRequest: linkSchema }).partial().strict().optional(),
};

/** An interval setting: a duration, or off. */
export const durationText = z
  .string({ error: 'expected a duration such as 15m, 1h or off' })
  .regex(/^(off|\d+(s|m|h|d))$/, 'expected a duration such as 30s, 15m, 1h or off');

/** The keys a source pulled on a schedule (PagerDuty, Jira, ServiceNow) takes beside {@link incidentSourceShape}. */
export const pulledSourceShape = {
  interval: durationText.default('15m'),
  /** How far back the first pull reaches when `since` is not given. */
  backfillDays: z.number().int().min(1).max(3650).default(90),
};

/** A pulled source's interval in ms (null: off), refused under a minute: `why` says whose limit it would spend. */
export function pullIntervalMs(interval: string, at: string, why: string): number | null {
  const ms = parseDuration(interval);
  if (ms !== null && ms < 60_000) throw new IncidentConfigError(`${at}.interval: must be at least 1m (or off): ${why}.`);
  return ms;
}

const sourceBase = z.object(incidentSourceShape).strict();
export type IncidentSourceFile = z.infer<typeof sourceBase>;

export interface LinkRule {
  field: string;
  pattern: RegExp | null;
}

/** One source's incident model, resolved and checked. */
export interface IncidentModel {
  /** The native events' `source` (`pagerduty`, `alertmanager`). */
  source: string;
  since: number | null;
  titles: boolean;
  /** 1…5: incidents of this rank or more severe count. */
  threshold: number;
  /** Lower-cased tool value → severity. */
  severity: Map<string, Severity>;
  unknownSeverity: Severity | null;
  rules: CompiledRule[];
  links: { deploymentId?: LinkRule; rootCauseSha?: LinkRule; changeRequest?: LinkRule };
  /** The field an unmapped incident is best mapped by (shown with it: `service.id`). */
  mapBy: string;
  /** `limits.earliest` (epoch ms): an incident opened before it is skipped, as the ingest path would skip it. */
  earliest?: number;
}

/** A setting that is wrong: the message names the key and the fix. */
export class IncidentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentConfigError';
  }
}

/** What a source says of its own fields and scale. */
export interface SourceTraits {
  source: string;
  /** Whether a rule or a link may name this field, and the fix when not. */
  field: (name: string) => boolean;
  fieldHint: string;
  /** Whether a link may read this field (a rule's fields, when not given). */
  linkField?: (name: string) => boolean;
  linkFieldHint?: string;
  defaultSeverity: Record<string, Severity>;
  mapBy: string;
  /** Rules the source adds after the configured ones (Alertmanager's service label). */
  extraRules?: { when: Record<string, string>; service: string }[];
}

/** Resolves a source's block (`incidents.<source>`) against the top-level threshold. */
export function resolveIncidentModel(file: IncidentSourceFile, traits: SourceTraits, topThreshold: Severity | undefined): IncidentModel {
  const at = `incidents.${traits.source}`;
  const fieldOk = (name: string, where: string, link = false) => {
    const ok = link && traits.linkField ? traits.linkField(name) : traits.field(name);
    const hint = link && traits.linkFieldHint ? traits.linkFieldHint : traits.fieldHint;
    if (!ok) throw new IncidentConfigError(`${where}: "${name}" is not a field of ${traits.source} incidents: use ${hint}.`);
  };
  const configured = file.services.length;
  const rules = [...file.services, ...(traits.extraRules ?? [])].map((r, i) => {
    const where = `${at}.services[${i}]`;
    for (const f of Object.keys(r.when)) fieldOk(f, `${where}.when`);
    const used = templateFields(r.service);
    for (const f of used) {
      if (!(f in r.when))
        throw new IncidentConfigError(
          `${where}.service: "{${f}}" is not a field this rule matches: add ${f} to its when, or write the service name out.`,
        );
    }
    // With every {field} filled by a plain value, the name must be a service name.
    const sample = normaliseServiceName(r.service.replace(/\{[^}]+\}/g, 'x'));
    const problem = serviceNameProblem(sample);
    if (problem) throw new IncidentConfigError(`${where}.service: "${r.service}" ${problem}.`);
    return {
      when: Object.entries(r.when).map(([field, value]) => ({ field, match: compilePattern(value) })),
      service: r.service,
      fields: used,
      claims: i < configured,
    };
  });
  const links: IncidentModel['links'] = {};
  for (const [name, l] of Object.entries(file.links ?? {}) as [keyof IncidentModel['links'], z.infer<typeof linkSchema>][]) {
    fieldOk(l.field, `${at}.links.${name}.field`, true);
    links[name] = { field: l.field, pattern: l.pattern ? new RegExp(l.pattern) : null };
  }
  const severity = new Map(Object.entries(file.severity ?? traits.defaultSeverity).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    source: traits.source,
    since: file.since ? dayMs(file.since) : null,
    titles: file.titles,
    threshold: severityRank(file.threshold ?? topThreshold ?? 'sev3'),
    severity,
    unknownSeverity: file.unknownSeverity ?? null,
    rules,
    links,
    mapBy: traits.mapBy,
  };
}

/**
 * The `evidence.incidents` entries a source's mapping makes (DESIGN.md, "Evidence": an incident
 * source configured with a mapping that names the service and a start date): one per configured
 * rule, its `{field}` parts as `*` (so `health/{service}` claims `health/*`); a source's own
 * fallback (Alertmanager's service label) claims none. None without `since`.
 */
export function evidenceOf(model: IncidentModel): { services: string; since: number }[] {
  if (model.since === null) return [];
  const seen = new Set<string>();
  const out: { services: string; since: number }[] = [];
  for (const r of model.rules) {
    if (!r.claims) continue;
    const pattern = r.service.replace(/\{[^}]+\}/g, '*');
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    out.push({ services: pattern, since: model.since });
  }
  return out;
}

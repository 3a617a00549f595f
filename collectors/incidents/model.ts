/**
 * The incident model shared by every incident source (PagerDuty, Alertmanager, and the IT service
 * management tools after them). A source turns what its tool says into {@link SourceIncident}s;
 * {@link toRecord} keeps of one only what Deming may store (no caller, assignee or responder;
 * a title only where the source's `titles` says so); {@link decide} says whether a record is an
 * incident for the figures, for which service and severity, or why not:
 *
 * - `counted`: mapped to a service, at or above the threshold, not cancelled, not a duplicate,
 *   not "not an incident", and not resolved before it opened: it becomes a native `incident`;
 * - `unmapped`: no rule names its service; kept, listed with the field that would map it, and
 *   counted once a rule does (at the next start or run);
 * - `skipped`: below the threshold, an outcome that is no incident, resolved before it opened,
 *   or a field Deming refuses; listed with the reason.
 */
import { incidentEvent, type NativeEventInput } from '../../common/events';
import { severityRank, type IncidentModel, type Severity } from './config';
import { mapService } from './mapping';
import type { IncidentRecord, Links, Outcome } from '../../db/queries/source-incidents';

export type IncidentEventInput = Extract<NativeEventInput, { type: 'incident' }>;

export type { Outcome, Links, IncidentRecord };

/** One incident as its tool says it, already read out of the tool's own shape. */
export interface SourceIncident extends Omit<IncidentRecord, 'source' | 'links' | 'grouping'> {
  /** Fields only a link may read (a title), never stored as such. */
  linkFields?: Record<string, string>;
  grouping?: string | null;
}

export type Decision =
  | { status: 'counted'; service: string; severity: Severity | null; reason: null; event: IncidentEventInput }
  | { status: 'unmapped' | 'skipped'; service: string | null; severity: Severity | null; reason: string; event: null };

const SHA = /^[0-9a-fA-F]{4,64}$/;

/** The links a source's `links` settings read out of an incident's fields. */
export function readLinks(model: IncidentModel, fields: Record<string, string>): Links {
  const out: Links = {};
  for (const [name, rule] of Object.entries(model.links) as [keyof Links, NonNullable<IncidentModel['links'][keyof Links]>][]) {
    const raw = fields[rule.field];
    if (raw === undefined) continue;
    const m = rule.pattern ? rule.pattern.exec(raw) : null;
    const value = (rule.pattern ? (m ? (m[1] ?? m[0]) : undefined) : raw)?.trim();
    if (!value || value.length > 200) continue;
    if (name === 'rootCauseSha' && !SHA.test(value)) continue;
    out[name] = value;
  }
  return out;
}

/** What may be stored of an incident: its title only where the source says so. */
export function toRecord(model: IncidentModel, i: SourceIncident): IncidentRecord {
  return {
    source: model.source,
    id: i.id,
    fields: i.fields,
    severityValue: i.severityValue,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt,
    outcome: i.outcome,
    title: model.titles ? i.title : null,
    url: i.url,
    links: readLinks(model, { ...i.linkFields, ...i.fields }),
    updatedAt: i.updatedAt,
    grouping: i.grouping ?? null,
  };
}

const iso = (t: number) => new Date(t).toISOString();
const OUTCOME_WORDS: Record<Outcome, string> = {
  cancelled: 'cancelled',
  duplicate: 'a duplicate (merged into another incident)',
  not_an_incident: 'marked "not an incident"',
  withdrawn: 'deleted in its tool, or no longer named by its query',
};

/** The severity of a record under the model's scale, or null when it has none. */
export function severityOf(model: IncidentModel, r: Pick<IncidentRecord, 'severityValue'>): Severity | null {
  if (r.severityValue === null) return null;
  return model.severity.get(r.severityValue.toLowerCase()) ?? model.unknownSeverity;
}

/** The field (and its value) that a rule would map an unmapped record by. */
export function mapHint(model: IncidentModel, r: Pick<IncidentRecord, 'fields'>): { field: string; value: string | null } {
  const value = r.fields[model.mapBy];
  if (value !== undefined) return { field: model.mapBy, value };
  const [first] = Object.entries(r.fields);
  return first ? { field: first[0], value: first[1] } : { field: model.mapBy, value: null };
}

/** Whether the record is an incident for the figures under the model, and as what. */
export function decide(model: IncidentModel, r: IncidentRecord): Decision {
  const severity = severityOf(model, r);
  const skip = (reason: string, service: string | null = null): Decision => ({ status: 'skipped', service, severity, reason, event: null });
  if (r.outcome) return skip(`${OUTCOME_WORDS[r.outcome]}: not an incident for the figures`);
  if (model.earliest !== undefined && r.openedAt < model.earliest)
    return skip(`opened (${iso(r.openedAt)}) before limits.earliest (${iso(model.earliest)}): the figures start there`);
  if (r.resolvedAt !== null && r.resolvedAt < r.openedAt)
    return skip(`resolved (${iso(r.resolvedAt)}) before it opened (${iso(r.openedAt)})`);
  const service = mapService(model.rules, r.fields);
  if (service === null) {
    const hint = mapHint(model, r);
    const shown = Object.entries(r.fields)
      .slice(0, 6)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ');
    return {
      status: 'unmapped',
      service: null,
      severity,
      event: null,
      reason: `no rule of incidents.${model.source}.services matches ${shown || 'it (it names no service)'}: add one such as {when: {${hint.field}: ${JSON.stringify(hint.value ?? '…')}}, service: owner/name}`,
    };
  }
  if (severity !== null && severityRank(severity) > model.threshold) {
    return skip(
      `below the threshold: ${severity}${r.severityValue ? ` (${r.severityValue})` : ''}, where sev1 to sev${model.threshold} count`,
      service,
    );
  }
  const event: IncidentEventInput = {
    type: 'incident',
    id: r.id,
    source: model.source,
    service,
    openedAt: iso(r.openedAt),
    ...(r.resolvedAt !== null ? { resolvedAt: iso(r.resolvedAt) } : {}),
    ...(severity ? { severity } : {}),
    ...r.links,
    ...(model.titles && r.title ? { title: r.title.slice(0, 500) } : {}),
    ...(r.url ? { url: r.url } : {}),
    ...(r.updatedAt !== null ? { updatedAt: iso(r.updatedAt) } : {}),
  };
  // What the ingest path would refuse is left out (an optional field) or skipped here, naming the
  // field, so a delivery or a run never fails on it.
  for (let tries = 0; tries < 8; tries++) {
    const checked = incidentEvent.safeParse(event);
    if (checked.success) return { status: 'counted', service: checked.data.service, severity, reason: null, event };
    const issue = checked.error.issues[0];
    const field = String(issue.path[0] ?? '');
    if (OPTIONAL.has(field) && field in event) {
      delete (event as Record<string, unknown>)[field];
      continue;
    }
    const reason = `${field || 'the incident'}: ${issue.message}`;
    return field === 'service'
      ? {
          status: 'unmapped',
          service: null,
          severity,
          event: null,
          reason: `the rule names the service "${service}", which is refused: ${issue.message}`,
        }
      : skip(`refused: ${reason}`, service);
  }
  return skip('refused: too many fields are not acceptable', service);
}

/** Fields an incident can go without. */
const OPTIONAL = new Set(['title', 'url', 'deploymentId', 'rootCauseSha', 'changeRequest', 'updatedAt']);

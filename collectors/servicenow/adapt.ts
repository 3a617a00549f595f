/**
 * A ServiceNow incident record (a row of the Table API's `incident` table read with
 * `sysparm_display_value=false` and `sysparm_exclude_reference_link=true`, or the same fields sent
 * by the push recipe to `POST /webhooks/servicenow`) as the incident model's {@link SourceIncident}.
 * Every value is a string, "" when empty; dates are ServiceNow's internal format
 * `YYYY-MM-DD HH:mm:ss`, always UTC whatever the user's or the instance's time zone (display
 * values would be in the user's zone and format; Deming never asks for them). Only the fields of
 * {@link INCIDENT_FIELDS} are read: no caller, assignee or description, so none can be stored.
 */
import { z } from 'zod';
import type { SourceIncident } from '../incidents/model';
import type { ChangeRequestRecord } from '../../db/queries/change-requests';

/** What Deming asks of the incident table (`sysparm_fields`); short_description only where titles are on. */
export const INCIDENT_FIELDS = [
  'sys_id',
  'number',
  'state',
  'opened_at',
  'resolved_at',
  'priority',
  'impact',
  'category',
  'cmdb_ci',
  'cmdb_ci.name',
  'business_service',
  'business_service.name',
  'caused_by',
  'caused_by.number',
  'sys_updated_on',
  'sys_mod_count',
] as const;

/** ServiceNow's incident states (the `state` choice values): New, In Progress, On Hold, Resolved, Closed, Canceled. */
const RESOLVED_STATES = new Set(['6', '7']);
const CANCELLED_STATE = '8';

const SN_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A `YYYY-MM-DD HH:mm:ss` time (UTC, as the Table API gives it with display_value=false) in epoch ms, or null. */
export function servicenowTime(s: string): number | null {
  const m = SN_TIME.exec(s);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  // 2026-02-30 would roll over to March: refused, not moved.
  return new Date(t).toISOString().slice(0, 19) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` ? t : null;
}

/** Epoch ms as ServiceNow writes a time in a query (`YYYY-MM-DD HH:mm:ss`, UTC). */
export const servicenowTimeText = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

const text = (max: number) => z.string().max(max).default('');
const timeText = z.string().refine((s) => s === '' || servicenowTime(s) !== null, 'expected a time as YYYY-MM-DD HH:mm:ss (UTC)');

/** A record's version: its modification time and count (both tables). */
const versionFields = {
  sys_updated_on: timeText.refine((s) => s !== '', 'the record has no sys_updated_on time'),
  sys_mod_count: z
    .string()
    .regex(/^\d{1,9}$/, 'expected a count')
    .default('0'),
};

/** sys_updated_on is to the second; sys_mod_count orders the updates within one second (ms are free). */
const versionOf = (v: { sys_updated_on: string; sys_mod_count: string }) =>
  servicenowTime(v.sys_updated_on)! + (Number(v.sys_mod_count) % 1000);

export const servicenowIncident = z
  .object({
    sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a sys_id (32 hexadecimal digits)'),
    number: text(40),
    state: z.string().regex(/^\d{1,3}$/, 'expected a state value such as 2 or 6 (ask with sysparm_display_value=false)'),
    opened_at: timeText.refine((s) => s !== '', 'the incident has no opened_at time'),
    resolved_at: timeText.default(''),
    priority: text(20),
    impact: text(20),
    category: text(200),
    cmdb_ci: text(64),
    'cmdb_ci.name': text(300),
    business_service: text(64),
    'business_service.name': text(300),
    caused_by: text(64),
    'caused_by.number': text(200),
    short_description: text(10_000),
    ...versionFields,
  })
  .loose();

/** The incident, or why it cannot be read (a field named). */
export function fromServicenow(
  raw: unknown,
  instanceUrl: string,
  severityField: 'priority' | 'impact',
): SourceIncident | { error: string } {
  const r = servicenowIncident.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { error: `${i.path.join('.') || 'incident'}: ${i.message}` };
  }
  const s = r.data;
  const fields: Record<string, string> = {};
  for (const f of ['cmdb_ci', 'cmdb_ci.name', 'business_service', 'business_service.name', 'category'] as const) if (s[f]) fields[f] = s[f];
  const linkFields: Record<string, string> = {};
  if (s['caused_by.number']) linkFields['caused_by.number'] = s['caused_by.number'];
  if (s.number) linkFields.number = s.number;
  if (s.short_description) linkFields.short_description = s.short_description;
  // Resolved, not closed: resolved_at, once the state says resolved (or closed after it).
  const resolved = RESOLVED_STATES.has(s.state);
  if (resolved && !s.resolved_at)
    return { error: `resolved_at: incident ${s.number || s.sys_id} is resolved (state ${s.state}) but has no resolved_at time` };
  return {
    id: s.number || s.sys_id,
    fields,
    linkFields,
    severityValue: s[severityField] || null,
    openedAt: servicenowTime(s.opened_at)!,
    resolvedAt: resolved ? servicenowTime(s.resolved_at) : null,
    outcome: s.state === CANCELLED_STATE ? 'cancelled' : null,
    title: s.short_description || null,
    url: `${instanceUrl}/incident.do?sys_id=${s.sys_id}`,
    updatedAt: versionOf(s),
  };
}

/** What Deming asks of the change_request table: when each was raised, approved and carried out. */
export const CHANGE_FIELDS = [
  'sys_id',
  'number',
  'approval',
  'approval_set',
  'sys_created_on',
  'start_date',
  'end_date',
  'work_start',
  'work_end',
  'sys_updated_on',
  'sys_mod_count',
] as const;

export const servicenowChange = z
  .object({
    sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a sys_id (32 hexadecimal digits)'),
    number: z.string().min(1, 'the change request has no number').max(200),
    approval: text(40),
    approval_set: timeText.default(''),
    sys_created_on: timeText.default(''),
    start_date: timeText.default(''),
    end_date: timeText.default(''),
    work_start: timeText.default(''),
    work_end: timeText.default(''),
    ...versionFields,
  })
  .loose();

/** A change request's times (db/queries/change-requests.ts), or why it cannot be read. */
export function fromServicenowChange(raw: unknown): ChangeRequestRecord | { error: string } {
  const r = servicenowChange.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { error: `${i.path.join('.') || 'change_request'}: ${i.message}` };
  }
  const c = r.data;
  const t = (s: string) => (s ? servicenowTime(s) : null);
  return {
    number: c.number.trim(),
    source: 'servicenow',
    requestedAt: t(c.sys_created_on),
    approval: c.approval || null,
    approvalSetAt: t(c.approval_set),
    plannedStartAt: t(c.start_date),
    plannedEndAt: t(c.end_date),
    workStartedAt: t(c.work_start),
    workEndedAt: t(c.work_end),
    updatedAt: versionOf(c),
  };
}

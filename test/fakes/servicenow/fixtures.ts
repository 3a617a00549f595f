/**
 * ServiceNow incidents as stories (opened, resolved, closed or cancelled, at given times), written
 * out as the rows of the `incident` table at each step (what the Table API holds, with a caller,
 * an assignee and a description that Deming must never store), and as the bodies the README's
 * push recipe (a business rule with an outbound REST message) sends to `POST /webhooks/servicenow`.
 */
import { createHash } from 'node:crypto';
import type { Row } from './server';

/** A sys_id for a name: 32 hexadecimal digits, stable. */
export const sysId = (name: string) => createHash('md5').update(name).digest('hex');

/** An ISO time as ServiceNow stores it: `YYYY-MM-DD HH:mm:ss`, UTC. */
export const snTime = (iso: string) => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');

export interface Ref {
  sysId: string;
  name: string;
}
export const ci = (name: string): Ref => ({ sysId: sysId(`ci:${name}`), name });
export const businessService = (name: string): Ref => ({ sysId: sysId(`bs:${name}`), name });

export interface Story {
  number: string;
  ci?: Ref;
  service?: Ref;
  priority: string;
  impact: string;
  shortDescription: string;
  openedAt: string;
  resolvedAt?: string;
  closedAt?: string;
  cancelledAt?: string;
  /** The number of the change request that caused it. */
  causedBy?: string;
}

/** The rows of the referenced records (configuration items, business services, change requests) the stories name. */
export function referenceRows(stories: Story[]): Row[] {
  const out = new Map<string, Row>();
  for (const s of stories) {
    if (s.ci) out.set(s.ci.sysId, { sys_id: s.ci.sysId, name: s.ci.name, sys_class_name: 'cmdb_ci_appl' });
    if (s.service) out.set(s.service.sysId, { sys_id: s.service.sysId, name: s.service.name, sys_class_name: 'cmdb_ci_service' });
  }
  return [...out.values()];
}

/** A change request row (the `change_request` table). */
export function changeRow(number: string, extra: Row = {}): Row {
  return { sys_id: sysId(`chg:${number}`), number, state: '3', sys_updated_on: '2026-03-01 00:00:00', sys_mod_count: '0', ...extra };
}

/** The incident's row at each step of its story, oldest first. */
export function versions(s: Story): Row[] {
  const base: Row = {
    sys_id: sysId(`inc:${s.number}`),
    number: s.number,
    state: '1',
    active: 'true',
    opened_at: snTime(s.openedAt),
    resolved_at: '',
    closed_at: '',
    priority: s.priority,
    impact: s.impact,
    urgency: s.impact,
    category: 'software',
    cmdb_ci: s.ci?.sysId ?? '',
    business_service: s.service?.sysId ?? '',
    caused_by: s.causedBy ? sysId(`chg:${s.causedBy}`) : '',
    short_description: s.shortDescription,
    description: `Reported by Dr Jane Smith (jane.smith@example.gov.uk, 020 7946 0000): ${s.shortDescription}`,
    caller_id: sysId('user:jane.smith'),
    assigned_to: sysId('user:sam.jones'),
    sys_created_on: snTime(s.openedAt),
    sys_updated_on: snTime(s.openedAt),
    sys_mod_count: '0',
  };
  const out: Row[] = [base];
  const step = (at: string, change: Row) => {
    const prev = out.at(-1)!;
    out.push({ ...prev, ...change, sys_updated_on: snTime(at), sys_mod_count: String(Number(prev.sys_mod_count) + 1) });
  };
  if (s.cancelledAt) step(s.cancelledAt, { state: '8', active: 'false' });
  if (s.resolvedAt) step(s.resolvedAt, { state: '6', resolved_at: snTime(s.resolvedAt) });
  if (s.closedAt) step(s.closedAt, { state: '7', active: 'false', closed_at: snTime(s.closedAt) });
  return out;
}

/** The incident table as ServiceNow holds it now: each story's last row. */
export const incidentRows = (stories: Story[]) => stories.map((s) => versions(s).at(-1)!);

/** What the README's business rule sends: the table and the same fields the Table API gives, values not display values. */
export function pushBody(row: Row, refs: Row[], withTitle = false): { table: string; record: Row } {
  const ref = (id: string, f: string) => refs.find((r) => r.sys_id === id)?.[f] ?? '';
  const record: Row = {
    sys_id: row.sys_id,
    number: row.number,
    state: row.state,
    opened_at: row.opened_at,
    resolved_at: row.resolved_at,
    priority: row.priority,
    impact: row.impact,
    category: row.category,
    cmdb_ci: row.cmdb_ci,
    'cmdb_ci.name': ref(row.cmdb_ci, 'name'),
    business_service: row.business_service,
    'business_service.name': ref(row.business_service, 'name'),
    caused_by: row.caused_by,
    'caused_by.number': ref(row.caused_by, 'number'),
    sys_updated_on: row.sys_updated_on,
    sys_mod_count: row.sys_mod_count,
  };
  if (withTitle) record.short_description = row.short_description;
  return { table: 'incident', record };
}

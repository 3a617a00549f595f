/**
 * PagerDuty incidents told twice from one story: as the REST API v2 returns them now
 * (`GET /incidents`), and as the Webhooks v3 events sent along the way (`incident.triggered`,
 * `incident.acknowledged`, `incident.priority_updated`, `incident.resolved`, …), written from
 * PagerDuty's documented payload shapes, signed as PagerDuty signs them (`X-PagerDuty-Signature:
 * v1=<hex HMAC-SHA256 of the raw body>`). People appear where PagerDuty puts them (assignees,
 * the agent), so a test can show that none is stored.
 */
import { createHmac } from 'node:crypto';
import type { FakeIncident } from './server';

export interface Story {
  id: string;
  number: number;
  service: { id: string; summary: string };
  title: string;
  urgency: 'high' | 'low';
  priority: string | null;
  createdAt: string;
  acknowledgedAt?: string;
  /** The priority changed at a time. */
  reprioritised?: { at: string; priority: string };
  resolvedAt?: string;
  /** Merged into another incident (resolved with a merge reason). */
  merged?: boolean;
}

const ACCOUNT = 'https://acme.pagerduty.com';
const PERSON = { id: 'PPERSON', type: 'user_reference', summary: 'Dr Jane Smith', html_url: `${ACCOUNT}/users/PPERSON` };
const priorityRef = (p: string | null) =>
  p ? { id: `PRI${p}`, type: 'priority_reference', summary: p, name: p, self: `https://api.pagerduty.com/priorities/PRI${p}` } : null;
const serviceRef = (s: Story['service']) => ({
  id: s.id,
  type: 'service_reference' as const,
  summary: s.summary,
  self: `https://api.pagerduty.com/services/${s.id}`,
  html_url: `${ACCOUNT}/service-directory/${s.id}`,
});

/** The incident as `GET /incidents` returns it at the end of its story. */
export function restIncident(s: Story): FakeIncident {
  const priority = s.reprioritised?.priority ?? s.priority;
  const last = s.resolvedAt ?? s.reprioritised?.at ?? s.acknowledgedAt ?? s.createdAt;
  const statusAt = s.resolvedAt ?? s.acknowledgedAt ?? s.createdAt;
  return {
    id: s.id,
    incident_number: s.number,
    title: s.title,
    status: s.resolvedAt ? 'resolved' : s.acknowledgedAt ? 'acknowledged' : 'triggered',
    urgency: s.urgency,
    priority: priorityRef(priority) as FakeIncident['priority'],
    service: serviceRef(s.service),
    created_at: s.createdAt,
    updated_at: last,
    last_status_change_at: statusAt,
    resolved_at: s.resolvedAt ?? null,
    html_url: `${ACCOUNT}/incidents/${s.id}`,
    incident_key: `key-${s.id}`,
    resolve_reason: s.merged ? { type: 'merge_resolve_reason' } : null,
    assignments: [{ assignee: { summary: PERSON.summary } }],
  };
}

/** The `data` of a webhook event: the incident as it was at that moment. */
function data(s: Story, status: FakeIncident['status'], priority: string | null, resolved: boolean) {
  return {
    id: s.id,
    type: 'incident',
    self: `https://api.pagerduty.com/incidents/${s.id}`,
    html_url: `${ACCOUNT}/incidents/${s.id}`,
    number: s.number,
    status,
    incident_key: `key-${s.id}`,
    created_at: s.createdAt,
    title: s.title,
    service: serviceRef(s.service),
    assignees: [PERSON],
    escalation_policy: { id: 'PESC', type: 'escalation_policy_reference', summary: 'Booking on call' },
    teams: [],
    priority: priorityRef(priority),
    urgency: s.urgency,
    conference_bridge: null,
    resolve_reason: resolved && s.merged ? { type: 'merge_resolve_reason', incident: { id: 'PMAIN', type: 'incident_reference' } } : null,
  };
}

export interface WebhookEvent {
  event: { id: string; event_type: string; resource_type: string; occurred_at: string; agent: unknown; client: unknown; data: unknown };
}

const envelope = (s: Story, n: number, type: string, at: string, d: unknown): WebhookEvent => ({
  event: {
    id: `01${s.id}${String(n).padStart(4, '0')}EVT`,
    event_type: type,
    resource_type: 'incident',
    occurred_at: at,
    agent: PERSON,
    client: null,
    data: d,
  },
});

/** The Webhooks v3 events of a story, in the order PagerDuty sends them. */
export function webhookEvents(s: Story): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  let priority = s.priority;
  out.push(envelope(s, 1, 'incident.triggered', s.createdAt, data(s, 'triggered', priority, false)));
  if (s.acknowledgedAt) out.push(envelope(s, 2, 'incident.acknowledged', s.acknowledgedAt, data(s, 'acknowledged', priority, false)));
  if (s.reprioritised) {
    priority = s.reprioritised.priority;
    out.push(
      envelope(
        s,
        3,
        'incident.priority_updated',
        s.reprioritised.at,
        data(s, s.acknowledgedAt ? 'acknowledged' : 'triggered', priority, false),
      ),
    );
  }
  if (s.resolvedAt) out.push(envelope(s, 4, 'incident.resolved', s.resolvedAt, data(s, 'resolved', priority, true)));
  return out;
}

/** An event Deming does not read: a note on an incident. */
export function annotatedEvent(s: Story, at: string): WebhookEvent {
  return {
    event: {
      id: `01${s.id}NOTE`,
      event_type: 'incident.annotated',
      resource_type: 'incident',
      occurred_at: at,
      agent: PERSON,
      client: null,
      data: { incident: { id: s.id, type: 'incident_reference' }, id: 'PNOTE', content: 'Jane restarted the pods', type: 'incident_note' },
    },
  };
}

/** `X-PagerDuty-Signature` for a body: one `v1=` per secret (PagerDuty sends several during a rotation). */
export const signature = (body: string, ...secrets: string[]) =>
  secrets.map((k) => `v1=${createHmac('sha256', k).update(body).digest('hex')}`).join(',');

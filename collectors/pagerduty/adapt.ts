/**
 * A PagerDuty incident (REST API v2 `GET /incidents`, or the `data` of a Webhooks v3 incident
 * event) as the incident model's {@link SourceIncident}. Only what the model needs is read: no
 * assignee, responder, escalation policy or acknowledger is looked at, so none can be stored.
 */
import { z } from 'zod';
import type { SourceIncident } from '../incidents/model';

const time = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(s), 'expected an ISO 8601 time with a zone');
const ref = z
  .object({ id: z.string().min(1).max(100), summary: z.string().max(1000).nullish(), name: z.string().max(1000).nullish() })
  .loose();

/** The fields read; everything else an incident carries is left alone. */
export const pagerdutyIncident = z
  .object({
    id: z.string().min(1).max(100),
    status: z.enum(['triggered', 'acknowledged', 'resolved'], { error: 'expected triggered, acknowledged or resolved' }),
    created_at: time,
    title: z.string().max(10_000).nullish(),
    summary: z.string().max(10_000).nullish(),
    urgency: z.string().max(100).nullish(),
    priority: z
      .object({ summary: z.string().max(100).nullish(), name: z.string().max(100).nullish() })
      .loose()
      .nullish(),
    service: ref.nullish(),
    resolved_at: time.nullish(),
    last_status_change_at: time.nullish(),
    updated_at: time.nullish(),
    html_url: z.string().max(2000).nullish(),
    incident_key: z.string().max(1000).nullish(),
    resolve_reason: z
      .object({ type: z.string().max(100) })
      .loose()
      .nullish(),
  })
  .loose();

export type PagerdutyIncident = z.infer<typeof pagerdutyIncident>;

const ms = (s: string | null | undefined) => (s ? Date.parse(s) : null);

/** The incident, or why it cannot be read (a field named). `occurredAt`: a webhook event's time. */
export function fromPagerduty(raw: unknown, occurredAt: number | null = null): SourceIncident | { error: string } {
  const r = pagerdutyIncident.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { error: `${i.path.join('.') || 'incident'}: ${i.message}` };
  }
  const p = r.data;
  const fields: Record<string, string> = {};
  if (p.service) {
    fields['service.id'] = p.service.id;
    const name = p.service.summary ?? p.service.name;
    if (name) fields['service.name'] = name;
  }
  const title = p.title ?? p.summary ?? null;
  const linkFields: Record<string, string> = {};
  if (title) linkFields.title = title;
  if (p.incident_key) linkFields.incident_key = p.incident_key;
  const times = [ms(p.updated_at), ms(p.last_status_change_at), occurredAt].filter((t): t is number => t !== null);
  return {
    id: p.id,
    fields,
    linkFields,
    severityValue: p.priority?.name ?? p.priority?.summary ?? p.urgency ?? null,
    openedAt: Date.parse(p.created_at),
    // Resolved, not closed: PagerDuty's own resolution time, else when its status last changed to resolved.
    resolvedAt: p.status === 'resolved' ? (ms(p.resolved_at) ?? ms(p.last_status_change_at) ?? occurredAt) : null,
    // Merged into another incident: PagerDuty resolves it with a merge reason.
    outcome: p.resolve_reason?.type === 'merge_resolve_reason' ? 'duplicate' : null,
    title,
    url: p.html_url && /^https?:\/\//.test(p.html_url) ? p.html_url : null,
    updatedAt: times.length > 0 ? Math.max(...times) : null,
  };
}

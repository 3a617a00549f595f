/**
 * What every incident source's webhook does once the delivery is authenticated and read
 * (PagerDuty, Jira, ServiceNow): a delivery seen before is acknowledged (202) and not applied again; an
 * event that tells no incident is remembered and acknowledged; an incident goes through the
 * incident model and the one ingest path with its record and the delivery's id, in one
 * transaction (so two copies racing store once), and the answer says what became of it.
 */
import type { Response } from 'express';
import type { AppContext } from '../context';
import { DeliveryRecordedAlready } from '../../db/store';
import { incidentBatch } from '../../collectors/incidents/apply';
import type { IncidentModel } from '../../collectors/incidents/config';
import type { SourceIncident } from '../../collectors/incidents/model';

export interface IncidentDelivery {
  source: string;
  deliveryId: string;
  /** The event's kind, as the source names it. */
  event: string;
}

/** Whether the delivery was received before; if so the 202 is sent. */
export async function answeredAsDuplicate(ctx: AppContext, res: Response, d: IncidentDelivery): Promise<boolean> {
  const first = await ctx.store.findDelivery(d.source, d.deliveryId);
  if (!first) return false;
  const when = ` at ${new Date(first.receivedAt).toISOString()}`;
  res.status(202).json({ duplicate: true, ignored: `delivery ${d.deliveryId} was received before${when} and is not applied again` });
  return true;
}

/** Remembers a delivery that tells no incident and acknowledges it. */
export async function acknowledgeIgnored(ctx: AppContext, res: Response, d: IncidentDelivery, why: string): Promise<void> {
  await ctx.store.recordDelivery({ ...d, event: d.event.slice(0, 100), at: ctx.now() });
  res.status(202).json({ ignored: why });
}

/** Stores the incident a delivery tells, with the delivery, and answers what became of it. */
export async function storeIncidentDelivery(
  ctx: AppContext,
  res: Response,
  d: IncidentDelivery & { model: IncidentModel; incident: SourceIncident; path: string },
): Promise<void> {
  const delivery = { source: d.source, deliveryId: d.deliveryId, event: d.event.slice(0, 100), at: ctx.now() };
  const batch = incidentBatch(d.model, [d.incident], ctx.now());
  let result;
  try {
    result = await ctx.ingest.submit({
      events: batch.events,
      pathOf: () => d.path,
      defaultSource: d.source,
      outOfRange: 'skip',
      alsoStore: { delivery, incidents: batch.write },
    });
  } catch (e) {
    if (e instanceof DeliveryRecordedAlready && (await answeredAsDuplicate(ctx, res, d))) return;
    throw e;
  }
  const item = batch.write.items[0];
  res.status(200).json({
    accepted: result.accepted,
    updated: result.updated,
    unchanged: result.unchanged,
    incident: {
      id: d.incident.id,
      status: item.decision.status,
      service: item.decision.service,
      severity: item.decision.severity,
      reason: item.decision.reason,
    },
  });
}

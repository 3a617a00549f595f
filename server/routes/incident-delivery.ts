/**
 * What the webhook routes of incident sources (PagerDuty, ServiceNow) do with one incident once
 * the delivery is authenticated and read: a delivery id seen before is acknowledged (202) and
 * not applied again; otherwise the incident goes through the incident model and the one ingest
 * path with its record and the delivery's id, in one transaction, and the answer says what was
 * decided of it (counted, unmapped or skipped, and why). An older state than the stored one is
 * `unchanged`: it never overwrites a newer one.
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
  /** The event's kind, as the sender names it. */
  event: string;
  at: number;
}

/** Answers 202 for a delivery already received, naming when. */
export async function answerDuplicate(ctx: AppContext, res: Response, source: string, deliveryId: string): Promise<void> {
  const first = await ctx.store.findDelivery(source, deliveryId);
  const when = first ? ` at ${new Date(first.receivedAt).toISOString()}` : '';
  res.status(202).json({ duplicate: true, ignored: `event ${deliveryId} was received before${when} and is not applied again` });
}

/** Stores one incident of a delivery (or acknowledges a redelivery), answering the request. */
export async function deliverIncident(
  ctx: AppContext,
  res: Response,
  o: { delivery: IncidentDelivery; model: IncidentModel; incident: SourceIncident; path: string },
): Promise<void> {
  const { delivery } = o;
  if (await ctx.store.findDelivery(delivery.source, delivery.deliveryId))
    return answerDuplicate(ctx, res, delivery.source, delivery.deliveryId);
  const batch = incidentBatch(o.model, [o.incident], ctx.now());
  let result;
  try {
    result = await ctx.ingest.submit({
      events: batch.events,
      pathOf: () => o.path,
      defaultSource: delivery.source,
      outOfRange: 'skip',
      alsoStore: { delivery, incidents: batch.write },
    });
  } catch (e) {
    if (e instanceof DeliveryRecordedAlready) return answerDuplicate(ctx, res, delivery.source, delivery.deliveryId);
    throw e;
  }
  const item = batch.write.items[0];
  res.status(200).json({
    accepted: result.accepted,
    updated: result.updated,
    unchanged: result.unchanged,
    incident: {
      id: o.incident.id,
      status: item.decision.status,
      service: item.decision.service,
      severity: item.decision.severity,
      reason: item.decision.reason,
    },
  });
}

/**
 * `POST /webhooks/pagerduty`: PagerDuty Webhooks v3. The body is `{"event": {id, event_type,
 * resource_type, occurred_at, data}}`; `X-PagerDuty-Signature` holds one or more comma-separated
 * `v1=<hex HMAC-SHA256 of the raw body>` values, checked in constant time against every
 * configured subscription secret (two during a rotation) before anything is read. An incident
 * event (`data.type` "incident") goes through the incident model and the one ingest path with its
 * record; any other event type is acknowledged (202) and ignored. Each event is remembered by its
 * `event.id` in the transaction that stores it: one delivered again is acknowledged, not applied
 * again; an older state than the stored one never overwrites it.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { fromPagerduty } from '../../collectors/pagerduty/adapt';
import { answerDuplicate, deliverIncident } from './incident-delivery';
import { DELIVERY_ID, parseJsonBody, rawBody, signedByOneOf } from './webhook-kit';

const SOURCE = 'pagerduty';
/** PagerDuty's webhook payloads are a few kilobytes. */
const LIMIT = '1mb';

const envelope = z
  .object({
    event: z
      .object({
        id: z.string().regex(DELIVERY_ID, 'expected the event id PagerDuty gives (printable, at most 100 characters)'),
        event_type: z.string().min(1).max(200),
        resource_type: z.string().max(100).nullish(),
        occurred_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 time'),
        data: z.unknown(),
      })
      .loose(),
  })
  .loose();

/** The `v1=` signatures of the header. */
const signaturesOf = (header: string) =>
  header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => s.slice(3));

export function pagerdutyWebhookRouter(ctx: AppContext): Router {
  const r = Router();
  const settings = () => ctx.config.incidents?.pagerduty ?? null;

  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    if (!settings() || settings()!.webhookSecrets.length === 0) {
      throw new HttpError(
        503,
        'webhook_not_configured',
        "PagerDuty webhooks are off: set incidents.pagerduty.webhookSecrets (or DEMING_PAGERDUTY_WEBHOOK_SECRETS) to the subscription's secret and restart Deming.",
      );
    }
    if (!req.get('x-pagerduty-signature'))
      throw new HttpError(
        401,
        'bad_signature',
        'The X-PagerDuty-Signature header is missing: send the events of a PagerDuty Webhooks v3 subscription.',
      );
    next();
  };

  r.post('/webhooks/pagerduty', precheck, rawBody(LIMIT), async (req, res) => {
    const pd = settings()!;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signedByOneOf(body, signaturesOf(req.get('x-pagerduty-signature')!), pd.webhookSecrets)) {
      throw new HttpError(
        401,
        'bad_signature',
        "No v1 signature of X-PagerDuty-Signature matches the body: check that incidents.pagerduty.webhookSecrets holds the subscription's secret.",
      );
    }
    const parsed = envelope.safeParse(parseJsonBody(body, ctx.config.limits.jsonDepth));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_payload', `${['event', ...i.path.slice(1)].join('.')}: ${i.message}`, [
        { path: i.path.join('.'), message: i.message },
      ]);
    }
    const event = parsed.data.event;
    const type = event.event_type.slice(0, 100);
    const delivery = { source: SOURCE, deliveryId: event.id, event: type, at: ctx.now() };
    if (await ctx.store.findDelivery(SOURCE, event.id)) return answerDuplicate(ctx, res, SOURCE, event.id);
    const data = event.data as { type?: unknown } | null;
    if (!type.startsWith('incident.') || data?.type !== 'incident') {
      await ctx.store.recordDelivery(delivery);
      res.status(202).json({ ignored: `${type} is not an incident's state: acknowledged` });
      return;
    }
    const incident = fromPagerduty(data, Date.parse(event.occurred_at));
    if ('error' in incident) throw new HttpError(400, 'invalid_payload', `event.data.${incident.error}`);
    await deliverIncident(ctx, res, { delivery, model: pd.model, incident, path: 'event.data' });
  });
  return r;
}

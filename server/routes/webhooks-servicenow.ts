/**
 * `POST /webhooks/servicenow`: what the README's push recipe sends (a business rule on the
 * incident table, after insert and update, with an outbound REST message): `{"table":
 * "incident", "record": {...}}`, the record holding the same fields as the Table API gives with
 * `sysparm_display_value=false` (values, UTC times). Authenticated by a shared secret in the
 * `X-Deming-Secret` header, compared in constant time with every configured secret (two during
 * a rotation) before the body is read. The delivery is the record's state: `<table>:<sys_id>:
 * <sys_mod_count>`, remembered in the transaction that stores it, so a redelivery (a retried
 * outbound message) is acknowledged and not applied again; an older state (lower sys_updated_on
 * and sys_mod_count) arriving after a newer one changes nothing. A change_request record (the
 * same recipe on that table) stores its times when incidents.servicenow.changeRequests is on;
 * a record of another table is acknowledged (202) and ignored.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { fromServicenow, fromServicenowChange } from '../../collectors/servicenow/adapt';
import { DeliveryRecordedAlready } from '../../db/store';
import { oneOfSecrets, parseJsonBody, rawBody } from './webhook-kit';
import { acknowledgeIgnored, answeredAsDuplicate, storeIncidentDelivery } from './incident-webhook';

const SOURCE = 'servicenow';
/** A record of a few dozen fields is a few kilobytes. */
const LIMIT = '1mb';
export const SECRET_HEADER = 'x-deming-secret';

const envelope = z
  .object({
    table: z.string().regex(/^[a-z][a-z0-9_]{0,79}$/, 'expected a table name such as incident'),
    record: z
      .object({
        sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'expected a sys_id (32 hexadecimal digits)'),
        sys_mod_count: z.string().regex(/^\d{1,9}$/, 'expected the record\'s sys_mod_count, such as "3"'),
      })
      .loose(),
  })
  .strict();

export function servicenowWebhookRouter(ctx: AppContext): Router {
  const r = Router();
  const settings = () => ctx.config.incidents?.servicenow ?? null;

  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    const sn = settings();
    if (!sn || sn.webhookSecrets.length === 0) {
      throw new HttpError(
        503,
        'webhook_not_configured',
        'ServiceNow webhooks are off: set incidents.servicenow.webhookSecrets (or DEMING_SERVICENOW_WEBHOOK_SECRETS) to the secret the business rule sends, and restart Deming.',
      );
    }
    const given = req.get(SECRET_HEADER);
    if (!given)
      throw new HttpError(
        401,
        'bad_secret',
        'The X-Deming-Secret header is missing: send the secret as the README\'s "ServiceNow" recipe does.',
      );
    if (!oneOfSecrets(given, sn.webhookSecrets))
      throw new HttpError(
        401,
        'bad_secret',
        'X-Deming-Secret is not one of incidents.servicenow.webhookSecrets: check the secret the business rule sends.',
      );
    next();
  };

  r.post('/webhooks/servicenow', precheck, rawBody(LIMIT), async (req, res) => {
    const sn = settings()!;
    const parsed = envelope.safeParse(parseJsonBody(req.body, ctx.config.limits.jsonDepth));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const path = i.path.join('.') || 'body';
      throw new HttpError(400, 'invalid_payload', `${path}: ${i.message}`, [{ path, message: i.message }]);
    }
    const { table, record } = parsed.data;
    const deliveryId = `${table}:${record.sys_id}:${record.sys_mod_count}`;
    const d = { source: SOURCE, deliveryId, event: table };
    if (await answeredAsDuplicate(ctx, res, d)) return;
    if (table === 'change_request' && sn.changeRequests) {
      const change = fromServicenowChange(record);
      if ('error' in change) throw new HttpError(400, 'invalid_payload', `record.${change.error}`);
      try {
        await ctx.ingest.submit({
          events: [],
          defaultSource: SOURCE,
          outOfRange: 'skip',
          alsoStore: { delivery: { ...d, at: ctx.now() }, changeRequests: { items: [change], receivedAt: ctx.now() } },
        });
      } catch (e) {
        if (e instanceof DeliveryRecordedAlready && (await answeredAsDuplicate(ctx, res, d))) return;
        throw e;
      }
      res.status(200).json({ changeRequest: change.number, stored: true });
      return;
    }
    if (table !== 'incident') return acknowledgeIgnored(ctx, res, d, `a record of ${table} is not read: acknowledged`);
    const incident = fromServicenow(record, sn.instanceUrl, sn.severityField);
    if ('error' in incident) throw new HttpError(400, 'invalid_payload', `record.${incident.error}`);
    await storeIncidentDelivery(ctx, res, { ...d, model: sn.model, incident, path: 'record' });
  });
  return r;
}

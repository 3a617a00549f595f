/**
 * `POST /webhooks/alertmanager`: Prometheus Alertmanager's webhook receiver (there is no history
 * to pull). Authenticated by a bearer token or basic auth, as the receiver's `http_config` sends
 * them, compared in constant time with every configured credential before the body is read. The
 * alerts the filter keeps become incidents through the incident model and the one ingest path
 * (collectors/alertmanager/adapt.ts); a notification with none answers 202. Alertmanager gives
 * no delivery id: a notification sent again stores nothing new (the same state, or an older one,
 * changes nothing).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { alertGroups, incidentOf, notificationSchema } from '../../collectors/alertmanager/adapt';
import type { AlertmanagerSettings } from '../../collectors/alertmanager/config';
import { incidentBatch } from '../../collectors/incidents/apply';
import { oneOfSecrets, parseJsonBody, rawBody, sameSecret } from './webhook-kit';

const SOURCE = 'alertmanager';
/** Alertmanager's notifications carry at most `max_alerts` alerts; a few megabytes at most. */
const LIMIT = '5mb';

/** Whether the Authorization header is one of the configured credentials; every one is compared. */
export function authorised(s: Pick<AlertmanagerSettings, 'bearerTokens' | 'basicAuth'>, header: string | undefined): boolean {
  if (!header) return false;
  const m = /^(Bearer|Basic)\s+(\S{1,4096})$/i.exec(header.trim());
  if (!m) return false;
  if (m[1].toLowerCase() === 'bearer') return s.bearerTokens.length > 0 && oneOfSecrets(m[2], s.bearerTokens);
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  let ok = false;
  for (const u of s.basicAuth) ok = (sameSecret(user, u.username) && sameSecret(password, u.password)) || ok;
  return ok;
}

export function alertmanagerWebhookRouter(ctx: AppContext): Router {
  const r = Router();
  const settings = () => ctx.config.incidents?.alertmanager ?? null;

  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    const s = settings();
    if (!s)
      throw new HttpError(
        503,
        'webhook_not_configured',
        'Alertmanager webhooks are off: configure incidents.alertmanager (with bearerTokens or basicAuth) and restart Deming.',
      );
    if (!authorised(s, req.get('authorization'))) {
      throw new HttpError(
        401,
        'unauthorized',
        "The Authorization header does not hold a configured credential: give the receiver's http_config the bearer token (authorization.credentials) or basic_auth of incidents.alertmanager.",
      );
    }
    next();
  };

  let turn: Promise<unknown> = Promise.resolve();
  /** Runs `f` after every notification before it has been stored (or failed). */
  const oneAtATime = <T>(f: () => Promise<T>): Promise<T> => {
    const mine = turn.then(f, f);
    turn = mine.catch(() => undefined);
    return mine;
  };
  r.post('/webhooks/alertmanager', precheck, rawBody(LIMIT), async (req, res) => {
    const s = settings()!;
    if (!req.is('application/json'))
      throw new HttpError(
        415,
        'unsupported_media_type',
        "Send the notification as application/json, as Alertmanager's webhook receiver does.",
      );
    const parsed = notificationSchema.safeParse(parseJsonBody(req.body, ctx.config.limits.jsonDepth));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_payload', `${i.path.join('.') || 'body'}: ${i.message}`, [
        { path: i.path.join('.'), message: i.message },
      ]);
    }
    const now = ctx.now();
    const { groups, filtered, undecided } = alertGroups(s, parsed.data, now);
    if (groups.length === 0) {
      res.status(202).json({
        ignored: `no alert of this notification is an incident (${filtered} left out by incidents.alertmanager.filter${undecided ? `, ${undecided} group(s) with alerts left out (truncatedAlerts)` : ''})`,
      });
      return;
    }
    // Which incident a group continues is read, then stored: two notifications of one group at
    // once must not both find it not open and start two incidents, so they take turns.
    const { batch, result } = await oneAtATime(async () => {
      const incidents = [];
      for (const g of groups) incidents.push(incidentOf(g, await ctx.store.openSourceIncident(SOURCE, g.grouping)));
      const batch = incidentBatch(s.model, incidents, now);
      const result = await ctx.ingest.submit({
        events: batch.events,
        pathOf: (i) => `alerts group ${i}`,
        defaultSource: SOURCE,
        outOfRange: 'skip',
        alsoStore: { incidents: batch.write },
      });
      return { batch, result };
    });
    res.status(200).json({
      accepted: result.accepted,
      updated: result.updated,
      unchanged: result.unchanged,
      filtered,
      incidents: batch.write.items.map(({ record, decision }) => ({
        id: record.id,
        status: decision.status,
        service: decision.service,
        severity: decision.severity,
        reason: decision.reason,
      })),
    });
  });
  return r;
}

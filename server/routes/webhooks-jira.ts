/**
 * `POST /webhooks/jira`: Jira's webhooks (an admin webhook of Jira Cloud, or Jira Data Center's),
 * `{timestamp, webhookEvent, issue: {id, key, fields}, …}`. Authenticated before anything is read:
 * - by `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, which Jira sends when the
 *   webhook has a secret, checked in constant time against every configured secret
 *   (`incidents.jira.webhookSecrets`, two during a rotation);
 * - or, weaker and only where configured (`webhookUrlSecrets`), a secret in the URL's query
 *   (`?secret=…`), for a Jira that cannot sign: it travels in logs and proxies, and does not
 *   vouch for the body.
 * `jira:issue_created` and `jira:issue_updated` of the configured issue types
 * (`webhookIssueTypes`) go through the incident model and the one ingest path with their record;
 * `jira:issue_deleted` sends the issue's last state as outcome `withdrawn`, so it leaves the figures;
 * every other event is acknowledged (202) and ignored. A delivery is remembered by
 * `X-Atlassian-Webhook-Identifier` (unchanged across Jira Cloud's retries), else by its body's
 * SHA-256 (Data Center sends no identifier; a retry is the same bytes), in the transaction that
 * stores it; the issue's `updated` orders its states, so an older one never overwrites a newer.
 */
import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { fromJira } from '../../collectors/jira/adapt';
import { DELIVERY_ID, oneOfSecrets, parseJsonBody, rawBody, signedByOneOf } from './webhook-kit';
import { acknowledgeIgnored, answeredAsDuplicate, storeIncidentDelivery } from './incident-webhook';

const SOURCE = 'jira';
/** A Jira issue webhook carries every field of the issue: a few kilobytes, more with large custom fields. */
const LIMIT = '5mb';
const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']);

const envelope = z
  .object({
    webhookEvent: z.string().min(1).max(200),
    timestamp: z.number().int().nonnegative().optional(),
    issue: z.unknown().optional(),
  })
  .loose();

export function jiraWebhookRouter(ctx: AppContext): Router {
  const r = Router();
  const settings = () => ctx.config.incidents?.jira ?? null;
  const querySecret = (req: Request) => (typeof req.query.secret === 'string' ? req.query.secret : null);

  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    const s = settings();
    if (!s || (s.webhookSecrets.length === 0 && s.webhookUrlSecrets.length === 0)) {
      throw new HttpError(
        503,
        'webhook_not_configured',
        "Jira webhooks are off: set incidents.jira.webhookSecrets (or DEMING_JIRA_WEBHOOK_SECRETS) to the webhook's secret and restart Deming.",
      );
    }
    if (!req.get('x-hub-signature') && !(s.webhookUrlSecrets.length > 0 && querySecret(req) !== null))
      throw new HttpError(
        401,
        'bad_signature',
        'The X-Hub-Signature header is missing: give the Jira webhook a secret (the same as incidents.jira.webhookSecrets).',
      );
    next();
  };

  r.post('/webhooks/jira', precheck, rawBody(LIMIT), async (req, res) => {
    const s = settings()!;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.get('x-hub-signature');
    if (header !== undefined) {
      const sig = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
      if (!sig || !signedByOneOf(body, [sig[1]], s.webhookSecrets))
        throw new HttpError(
          401,
          'bad_signature',
          "X-Hub-Signature does not match the body: check that incidents.jira.webhookSecrets holds the webhook's secret.",
        );
    } else if (!oneOfSecrets(querySecret(req)!, s.webhookUrlSecrets)) {
      throw new HttpError(401, 'bad_secret', "The URL's secret is not one of incidents.jira.webhookUrlSecrets.");
    }
    const parsed = envelope.safeParse(parseJsonBody(body, ctx.config.limits.jsonDepth));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_payload', `${i.path.join('.') || 'body'}: ${i.message}`, [
        { path: i.path.join('.'), message: i.message },
      ]);
    }
    const given = req.get('x-atlassian-webhook-identifier');
    if (given !== undefined && !DELIVERY_ID.test(given))
      throw new HttpError(
        400,
        'invalid_header',
        'X-Atlassian-Webhook-Identifier: expected the identifier Jira gives (printable, at most 100 characters).',
      );
    const deliveryId = given ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const event = parsed.data.webhookEvent;
    const delivery = { source: SOURCE, deliveryId, event };
    if (await answeredAsDuplicate(ctx, res, delivery)) return;
    if (!ISSUE_EVENTS.has(event) || parsed.data.issue === undefined)
      return acknowledgeIgnored(ctx, res, delivery, `${event.slice(0, 100)} tells no incident's state: acknowledged`);
    const type = (parsed.data.issue as { fields?: { issuetype?: { name?: unknown } } } | null)?.fields?.issuetype?.name;
    if (s.webhookIssueTypes.length > 0 && !(typeof type === 'string' && s.webhookIssueTypes.includes(type.toLowerCase())))
      return acknowledgeIgnored(
        ctx,
        res,
        delivery,
        `an issue of type ${JSON.stringify(type ?? null)} is not an incident (incidents.jira.webhookIssueTypes): acknowledged`,
      );
    const read = fromJira(parsed.data.issue, s);
    if ('error' in read) throw new HttpError(400, 'invalid_payload', `issue.${read.error}`);
    // A deleted issue is withdrawn: its last state with the outcome that says so, as of the deletion (newer than any state).
    const deletedAt = Math.max((read.updatedAt ?? read.openedAt) + 1, parsed.data.timestamp ?? 0);
    const incident = event === 'jira:issue_deleted' ? { ...read, outcome: 'withdrawn' as const, updatedAt: deletedAt } : read;
    await storeIncidentDelivery(ctx, res, { ...delivery, model: s.model, incident, path: 'issue' });
  });
  return r;
}

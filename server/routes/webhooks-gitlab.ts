/**
 * `POST /webhooks/gitlab`: GitLab webhook deliveries (a project's or a group's hook). The secret
 * token (`X-Gitlab-Token`) is compared in constant time before the body is read; then the hook
 * becomes native events through the collector's adapters and is stored by the one ingestion
 * path. Hook types and actions Deming does not use are acknowledged (202), never refused: GitLab
 * disables a hook that keeps failing. A delivery is remembered in the webhook deliveries table,
 * in the same transaction as what it stored, by its `Idempotency-Key` (GitLab 17.4 and later) or
 * else by the object's identity and `updated_at`: sent again, it is acknowledged as a duplicate.
 */
import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { createGitlabClient, type GitlabClient } from '../../collectors/gitlab/client';
import { defaultGitlabSettings } from '../../collectors/gitlab/config';
import { eventsFromHook, HookPayloadError, identityOf, kindOf, OutsideProjectError } from '../../collectors/gitlab/webhook';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { DELIVERY_ID, parseJsonBody, rawBody, sameSecret } from './webhook-kit';
import { DeliveryRecordedAlready } from '../../db/store';
import { statusBoard } from '../collectors/status';

/** GitLab sends payloads of up to 25 MB. */
const LIMIT = '25mb';
const SOURCE = 'gitlab';

export function gitlabWebhooksRouter(ctx: AppContext): Router {
  const settings = ctx.config.gitlab ?? defaultGitlabSettings;
  let client: GitlabClient | null | undefined;
  // GitLab waits 10 s for an answer: short waits; what cannot be read in time, the next collector run reads.
  const gitlabClient = () =>
    (client ??= settings.token
      ? createGitlabClient(settings, { log: (m) => ctx.log(m), timing: { retries: 1, maxWaitSeconds: 3, timeoutMs: 5000 } })
      : null);
  const r = Router();
  // Every delivery is on the health answer's board, as GitHub's are: stored, ignored, or refused with why.
  const board = statusBoard(ctx);
  const tell = (event: string, stored: number, ignored: boolean) =>
    board.delivery({ hook: 'gitlab-webhook', event, at: ctx.now(), stored, ignored });
  const refuse = (req: Request, status: number, code: string, message: string): never => {
    board.delivery({
      hook: 'gitlab-webhook',
      event: req.get('x-gitlab-event')?.slice(0, 60) ?? 'unknown',
      at: ctx.now(),
      stored: 0,
      ignored: false,
      rejected: true,
      error: message,
    });
    throw new HttpError(status, code, message);
  };

  // Refuse what cannot be genuine before reading a body of up to 25 MB.
  const precheck = (req: Request, _res: Response, next: NextFunction) => {
    const secret = ctx.config.gitlabWebhookSecret;
    if (!secret)
      throw new HttpError(
        503,
        'webhook_not_configured',
        'GitLab webhooks are off: set DEMING_GITLAB_WEBHOOK_SECRET to the secret token of the GitLab webhook and restart Deming.',
      );
    const token = req.get('x-gitlab-token');
    if (token === undefined)
      refuse(
        req,
        401,
        'bad_token',
        'The X-Gitlab-Token header is missing: give the GitLab webhook a secret token (the value of DEMING_GITLAB_WEBHOOK_SECRET).',
      );
    if (!sameSecret(token!, secret))
      refuse(
        req,
        401,
        'bad_token',
        "The X-Gitlab-Token header is not the secret token: check that the webhook's secret token is DEMING_GITLAB_WEBHOOK_SECRET.",
      );
    next();
  };

  r.post('/webhooks/gitlab', precheck, rawBody(LIMIT), async (req, res) => {
    if (!req.is('application/json'))
      throw new HttpError(
        415,
        'unsupported_media_type',
        'GitLab sends hooks as application/json: this endpoint takes GitLab webhook deliveries.',
      );
    const key = req.get('idempotency-key');
    if (key !== undefined && !DELIVERY_ID.test(key))
      throw new HttpError(
        400,
        'invalid_idempotency_key',
        'The Idempotency-Key header must be 1 to 100 printable ASCII characters, as the UUID GitLab sends.',
      );
    const payload = parseJsonBody(req.body, ctx.config.limits.jsonDepth);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new HttpError(400, 'invalid_payload', 'The body must be a JSON object, as GitLab sends a hook.');
    const kind = kindOf(payload) ?? req.get('x-gitlab-event')?.slice(0, 60) ?? 'unknown';
    // The delivery's identity: GitLab's key, else the object in its state (a redelivery before 17.4 has a new request).
    const identity = identityOf(kind, payload);
    const delivery = key ?? (identity ? `sha256:${createHash('sha256').update(identity).digest('hex')}` : undefined);
    const duplicate = async () => {
      const first = await ctx.store.findDelivery(SOURCE, delivery!);
      const when = first ? ` at ${new Date(first.receivedAt).toISOString()}` : '';
      tell(kind, 0, true);
      res.status(202).json({ duplicate: true, ignored: `this ${kind} hook was received before${when} and is not applied again` });
    };
    if (delivery !== undefined && (await ctx.store.findDelivery(SOURCE, delivery))) return duplicate();
    let outcome;
    try {
      outcome = await eventsFromHook(payload, settings, gitlabClient(), ctx.store, ctx.now(), (m) => ctx.log(m));
    } catch (e) {
      if (e instanceof HookPayloadError) refuse(req, 400, 'invalid_payload', e.message);
      if (e instanceof OutsideProjectError) refuse(req, 403, 'project_not_configured', (e as Error).message);
      throw e;
    }
    // Remembered only once what it meant is stored, and not when GitLab could not be asked what it lacks.
    const remember = delivery !== undefined && !outcome.partial;
    if (outcome.events.length === 0) {
      if (remember) await ctx.store.recordDelivery({ source: SOURCE, deliveryId: delivery, event: kind, at: ctx.now() });
      tell(kind, 0, true);
      res.status(202).json({ ignored: outcome.ignored ?? 'nothing to store' });
      return;
    }
    let result;
    try {
      result = await ctx.ingest.submit({
        events: outcome.events,
        pathOf: (i) => `${kind}[${i}]`,
        defaultSource: SOURCE,
        alsoStore: remember ? { delivery: { source: SOURCE, deliveryId: delivery, event: kind, at: ctx.now() } } : undefined,
        outOfRange: 'skip',
      });
    } catch (e) {
      if (e instanceof DeliveryRecordedAlready) return duplicate();
      throw e;
    }
    tell(kind, result.accepted + result.updated, false);
    res.status(200).json({ accepted: result.accepted, updated: result.updated, unchanged: result.unchanged });
  });
  return r;
}

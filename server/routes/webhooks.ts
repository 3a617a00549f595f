/**
 * `POST /webhooks/github`: GitHub webhook deliveries. The signature (`X-Hub-Signature-256`, an
 * HMAC-SHA256 of the raw body with the configured secret) is checked in constant time before
 * anything is read; then the delivery becomes native events through the collector's adapters
 * and is stored by the one ingestion path. Types and actions Deming does not use are
 * acknowledged (202). Each delivery is remembered by its id (`X-GitHub-Delivery`), in the same
 * transaction as what it stored, for at least 72 hours: one sent again is acknowledged as a
 * duplicate (202) and not applied again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { createGithubClient, type GithubClient } from '../../collectors/github/client';
import { defaultGithubSettings } from '../../collectors/github/config';
import { eventsFromWebhook, WebhookPayloadError } from '../../collectors/github/webhook';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { statusBoard } from '../collectors/status';
import { DeliveryRecordedAlready } from '../../db/store';
import { checkJsonBytes } from '../body';

/** GitHub sends payloads of up to 25 MB. */
const LIMIT = '25mb';

/** GitHub's delivery ids are GUIDs; anything printable up to 100 characters is taken. */
const DELIVERY_ID = /^[\x21-\x7e]{1,100}$/;
const SOURCE = 'github';

/** Whether `header` is `sha256=<hex>` of the body under the secret; compared in constant time. */
export function validSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The webhook route, with its own raw body parser: mount it before any JSON parser. */
export function webhooksRouter(ctx: AppContext): Router {
  const settings = ctx.config.github ?? defaultGithubSettings;
  let client: GithubClient | null | undefined;
  // GitHub gives a delivery 10 s: no pacing, short waits; what cannot be read in time, the next collector run reads.
  const githubClient = () =>
    (client ??= settings.auth
      ? createGithubClient(settings, { log: (m) => ctx.log(m), timing: { graphqlIntervalMs: 0, retries: 2, maxWaitSeconds: 3 } })
      : null);
  const board = statusBoard(ctx);
  const r = Router();

  const refuse = (req: Request, status: number, code: string, message: string): never => {
    board.delivery({
      event: req.get('x-github-event') ?? 'unknown',
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
    if (!ctx.config.githubWebhookSecret)
      refuse(
        req,
        503,
        'webhook_not_configured',
        'GitHub webhooks are off: set DEMING_GITHUB_WEBHOOK_SECRET to the secret of the GitHub webhook and restart Deming.',
      );
    if (!req.get('x-hub-signature-256'))
      refuse(
        req,
        401,
        'bad_signature',
        'The X-Hub-Signature-256 header is missing: give the GitHub webhook a secret (the value of DEMING_GITHUB_WEBHOOK_SECRET).',
      );
    next();
  };

  r.post('/webhooks/github', precheck, express.raw({ type: () => true, limit: LIMIT }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(ctx.config.githubWebhookSecret!, body, req.get('x-hub-signature-256'))) {
      refuse(
        req,
        401,
        'bad_signature',
        "The X-Hub-Signature-256 header does not match the body: check that the webhook's secret is DEMING_GITHUB_WEBHOOK_SECRET.",
      );
    }
    const event = req.get('x-github-event');
    if (!event)
      throw new HttpError(400, 'missing_event', 'The X-GitHub-Event header is missing: this endpoint takes GitHub webhook deliveries.');
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', "Set the GitHub webhook's content type to application/json.");
    }
    // Without an id (GitHub always sends one) a delivery is applied, but cannot be remembered.
    const delivery = req.get('x-github-delivery');
    if (delivery !== undefined && !DELIVERY_ID.test(delivery)) {
      throw new HttpError(
        400,
        'invalid_delivery_id',
        'The X-GitHub-Delivery header must be 1 to 100 printable ASCII characters, as the GUID GitHub sends.',
      );
    }
    const duplicate = async () => {
      const first = await ctx.store.findDelivery(SOURCE, delivery!);
      board.delivery({ event, at: ctx.now(), stored: 0, ignored: true });
      const when = first ? ` at ${new Date(first.receivedAt).toISOString()}` : '';
      res.status(202).json({ duplicate: true, ignored: `delivery ${delivery} was received before${when} and is not applied again` });
    };
    if (delivery !== undefined && (await ctx.store.findDelivery(SOURCE, delivery))) return duplicate();
    // UTF-8 and nesting within limits.jsonDepth, as every JSON body (server/body.ts).
    checkJsonBytes(body, ctx.config.limits.jsonDepth);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, 'malformed_json', `The body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
    }
    let outcome;
    try {
      outcome = await eventsFromWebhook(event, payload, settings, githubClient(), (m) => ctx.log(m));
    } catch (e) {
      if (e instanceof WebhookPayloadError) throw new HttpError(400, 'invalid_payload', e.message);
      throw e;
    }
    // Remembered only once what it meant is stored, and not when GitHub could not be asked what
    // it lacks: sent again, it may then say more.
    const remember = delivery !== undefined && !outcome.partial;
    if (outcome.events.length === 0) {
      if (remember) await ctx.store.recordDelivery({ source: SOURCE, deliveryId: delivery, event: event.slice(0, 100), at: ctx.now() });
      board.delivery({ event, at: ctx.now(), stored: 0, ignored: true });
      res.status(event === 'ping' ? 200 : 202).json({ ignored: outcome.ignored ?? 'nothing to store' });
      return;
    }
    let result;
    try {
      result = await ctx.ingest.submit({
        events: outcome.events,
        pathOf: (i) => `${event}[${i}]`,
        defaultSource: SOURCE,
        // Another request (or instance) recording the same delivery first undoes this batch.
        alsoStore: remember ? { delivery: { source: SOURCE, deliveryId: delivery, event: event.slice(0, 100), at: ctx.now() } } : undefined,
        outOfRange: 'skip', // a commit dated 1970 in a push is skipped (and logged), not the delivery refused
      });
    } catch (e) {
      if (e instanceof DeliveryRecordedAlready) return duplicate();
      throw e;
    }
    board.delivery({ event, at: ctx.now(), stored: result.accepted + result.updated, ignored: false });
    res.status(200).json({ accepted: result.accepted, updated: result.updated, unchanged: result.unchanged });
  });
  return r;
}

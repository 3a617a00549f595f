/**
 * What every webhook route shares (PagerDuty, Alertmanager, GitLab beside them): secrets and
 * signatures compared in constant time, several secrets accepted during a rotation, the raw body
 * read within a size limit and parsed as JSON within the configured depth, and a delivery's id
 * remembered (db/queries/webhook-deliveries.ts) so one sent again is acknowledged, not applied twice.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { checkJsonBytes } from '../body';
import { HttpError } from '../errors';

/**
 * Whether two secrets are equal, in time that depends on neither: both are hashed first, so
 * their lengths are not told either.
 */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Whether `given` is one of the configured secrets; every one is compared (no early answer). */
export function oneOfSecrets(given: string, secrets: readonly string[]): boolean {
  let ok = false;
  for (const s of secrets) ok = sameSecret(given, s) || ok;
  return ok;
}

/** The hex HMAC-SHA256 of a body under a secret. */
export const hmacHex = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

/**
 * Whether one of the `signatures` (hex HMAC-SHA256 values) is the body's under one of the
 * `secrets`; each comparison in constant time, and all of them made.
 */
export function signedByOneOf(body: Buffer, signatures: readonly string[], secrets: readonly string[]): boolean {
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    for (const sig of signatures) {
      if (!/^[0-9a-f]{64}$/i.test(sig)) continue;
      ok = timingSafeEqual(Buffer.from(sig, 'hex'), expected) || ok;
    }
  }
  return ok;
}

/** The raw body, whatever its media type, up to `limit`: mount before any JSON parser (signatures are over the raw bytes). */
export const rawBody = (limit: string): RequestHandler => express.raw({ type: () => true, limit });

/** The raw body as JSON: UTF-8 and nesting within `depth` checked first (server/body.ts), a 400 naming the problem. */
export function parseJsonBody(body: unknown, depth: number): unknown {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  checkJsonBytes(bytes, depth);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'malformed_json', `The body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

/** A delivery id as senders give them (a GUID, an event id): printable ASCII, 1 to 100 characters. */
export const DELIVERY_ID = /^[\x21-\x7e]{1,100}$/;

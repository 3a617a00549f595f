/**
 * `POST /api/v1/cdevents`: CDEvents 0.4 and 0.5, structured (one, an array, a CloudEvent or a
 * CloudEvents batch) or in CloudEvents binary mode. Mapped kinds become native events through
 * the one ingest path; other types are acknowledged and ignored. All or nothing.
 */
import { Router } from 'express';
import { unwrapCdEvents } from '../../collectors/cdevents/envelope';
import { FieldError } from '../../collectors/cdevents/errors';
import { CDEVENTS_SOURCE } from '../../collectors/cdevents/map';
import { translateCdEvents } from '../../collectors/cdevents/translate';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { requireRole } from '../auth';
import { jsonBody } from '../body';

const jsonTypes = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json', 'application/*+json'];
const MAX_IGNORED_LISTED = 50;

/** Mounts `POST /api/v1/cdevents`, with its own body parsing for the CloudEvents media types. */
export function cdeventsRouter(ctx: AppContext): Router {
  const r = Router();
  const { limits } = ctx.config;
  const json = jsonBody({ limit: ctx.config.bodyLimit, type: jsonTypes, depth: limits.jsonDepth });
  r.post('/api/v1/cdevents', requireRole(ctx.auth, 'ingest'), json, async (req, res) => {
    if (!req.is(jsonTypes)) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Content-Type must be application/json, application/cloudevents+json or application/cloudevents-batch+json, not "${(req.get('content-type') ?? 'none').slice(0, 80)}".`,
      );
    }
    const mediaType = req.is('application/cloudevents-batch+json')
      ? 'batch'
      : req.is('application/cloudevents+json')
        ? 'cloudevent'
        : 'json';
    let items;
    try {
      items = unwrapCdEvents(req.body, req.headers, mediaType);
    } catch (e) {
      if (e instanceof FieldError) throw new HttpError(400, 'invalid_cdevent', e.message, e.details);
      throw e;
    }
    if (items.length > limits.eventsPerRequest) {
      throw new HttpError(
        413,
        'too_many_events',
        `The request holds ${items.length.toLocaleString('en')} CDEvents, more than ${limits.eventsPerRequest.toLocaleString('en')} (limits.eventsPerRequest): send smaller batches.`,
      );
    }
    const t = await translateCdEvents(items, {
      production: ctx.config.production,
      previousIncident: async (id) => (await ctx.store.incidentsByKey(CDEVENTS_SOURCE, [id])).get(id),
    });
    if (t.issues.length > 0) {
      const first = t.issues[0];
      const message =
        t.issues.length === 1
          ? `${first.path}: ${first.message}`
          : `${t.issues.length} problems in the CDEvents; the first is ${first.path}: ${first.message}`;
      throw new HttpError(400, 'invalid_cdevent', `${message}. Nothing was stored.`, t.issues.slice(0, limits.validationErrors));
    }
    const stored =
      t.events.length === 0
        ? { accepted: 0, updated: 0, unchanged: 0 }
        : await ctx.ingest.submit({
            events: t.events.map((e) => e.event),
            pathOf: (i) => `${t.events[i].at} (as a native ${t.events[i].event.type})`,
            defaultSource: CDEVENTS_SOURCE,
          });
    res.status(t.events.length === 0 ? 202 : 200).json({
      accepted: stored.accepted,
      updated: stored.updated,
      unchanged: stored.unchanged,
      ignored: t.ignored.length,
      ignoredEvents: t.ignored.slice(0, MAX_IGNORED_LISTED),
    });
  });
  return r;
}

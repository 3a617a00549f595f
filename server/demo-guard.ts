/**
 * Events are not mixed into the generated demo data by accident: while the database holds the
 * demo that an empty start loaded (`DEMING_DEMO=auto`, or `off` over an old demo file), the
 * routes that store events answer 409 with what to do, as the command line refuses them.
 * `DEMING_DEMO=on` asks for the demo on purpose: events sent then go in, to watch the live
 * updates on it. Loops stay writable (planning one is how a newcomer tries the loops).
 */
import type { RequestHandler } from 'express';
import type { AppContext } from './context';
import { HttpError } from './errors';

/** The routes that store events: the native API, CDEvents, test reports, and every webhook (`/webhooks/...`). */
export const EVENT_WRITE_PATHS = ['/api/v1/events', '/api/v1/cdevents', '/api/v1/test-reports'] as const;
const storesEvents = (path: string) => (EVENT_WRITE_PATHS as readonly string[]).includes(path) || path.startsWith('/webhooks/');

export function refuseDemoWrites(ctx: Pick<AppContext, 'demo' | 'config'>): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== 'POST' || !storesEvents(req.path) || ctx.config.demo === 'on' || !ctx.demo()) return next();
    next(
      new HttpError(
        409,
        'demo_data',
        `${ctx.config.dbFile} holds the generated demo data, so your events are not stored in it. ` +
          'Start Deming with DEMING_DEMO=off and DEMING_DB set to a new file (or delete this one) to send your own events; ' +
          'DEMING_DEMO=on keeps the demo and takes events into it, to try the live updates.',
      ),
    );
  };
}

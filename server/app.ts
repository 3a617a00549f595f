/** The Express app, built from a context so tests can run it without listening. */
import express, { type Express } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from './context';
import { errorBody, errorMiddleware } from './errors';
import { eventsRouter } from './routes/events';
import { webhooksRouter } from './routes/webhooks';
import { readRouter } from './routes/read';
import { cdeventsRouter } from './routes/cdevents';
import { testReportsRouter } from './routes/test-reports';
import { prometheusRouter } from './routes/prometheus';
import { loopsRouter } from './routes/loops';
import { summaryRouter } from './routes/summary';
import { sessionRouter } from './routes/session';
import { oidcRouter } from './routes/oidc';
import { createOidcClient } from './oidc';

/** Where `vite build` puts the dashboard. */
export const clientDist = join(process.cwd(), 'dist', 'client');

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // gzip for the dashboard's scripts and the API's JSON and CSV.
  app.use(compression());
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
      },
    },
  }));
  // Before any JSON parser: the webhook signature is over the raw body.
  app.use(webhooksRouter(ctx));
  app.use(eventsRouter(ctx));
  app.use(readRouter(ctx));
  app.use(cdeventsRouter(ctx));
  app.use(testReportsRouter(ctx));
  app.use(prometheusRouter(ctx));
  app.use(loopsRouter(ctx));
  app.use(summaryRouter(ctx));
  app.use(sessionRouter(ctx));
  if (ctx.config.oidc) app.use(oidcRouter(ctx, createOidcClient(ctx.config.oidc, ctx.now)));
  app.use('/api', (req, res) => {
    res.status(404).json(errorBody('not_found', `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0].slice(0, 200)}. See the README for the API.`));
  });
  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h', setHeaders: (res, path) => {
      if (path.includes('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    } }));
    // The dashboard routes on the client: every other GET is its page.
    app.get(/^\/(?!api\/|webhooks\/|socket\.io\/).*/, (_req, res) => res.sendFile(join(clientDist, 'index.html')));
  }
  app.use(errorMiddleware(ctx.log));
  return app;
}

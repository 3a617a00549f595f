/** The Express app, built from a context so tests can run it without listening. */
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from './context';
import { errorBody, errorMiddleware, HttpError } from './errors';
import { eventsRouter } from './routes/events';
import { webhooksRouter } from './routes/webhooks';
import { gitlabWebhooksRouter } from './routes/webhooks-gitlab';
import { pagerdutyWebhookRouter } from './routes/webhooks-pagerduty';
import { jiraWebhookRouter } from './routes/webhooks-jira';
import { servicenowWebhookRouter } from './routes/webhooks-servicenow';
import { alertmanagerWebhookRouter } from './routes/webhooks-alertmanager';
import { incidentSourcesRouter } from './routes/incident-sources';
import { readRouter } from './routes/read';
import { cdeventsRouter } from './routes/cdevents';
import { testReportsRouter } from './routes/test-reports';
import { prometheusRouter } from './routes/prometheus';
import { loopsRouter } from './routes/loops';
import { summaryRouter } from './routes/summary';
import { sessionRouter } from './routes/session';
import { oidcRouter } from './routes/oidc';
import { createOidcClient } from './oidc';
import { singleQueryValues } from './query';
import { refuseDemoWrites } from './demo-guard';

/** Where `vite build` puts the dashboard. */
export const clientDist = join(process.cwd(), 'dist', 'client');

/** helmet's headers with a strict CSP; HSTS and `upgrade-insecure-requests` only for HTTPS (over HTTP they leave a blank page). */
function securityHeaders(https: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The door (DESIGN.md, "Security"): the Host must name this server (except for the health
 * probe, which orchestrators send to the pod's address), and a write from a page of another
 * origin is refused. Requests with no Origin (curl, CI) pass.
 */
function door(ctx: AppContext): RequestHandler {
  const d = ctx.auth.door;
  return (req, _res, next) => {
    const health = (req.method === 'GET' || req.method === 'HEAD') && req.path === '/api/v1/health';
    const host = d.host(req);
    if (!health && !d.hostAllowed(host)) {
      return next(
        new HttpError(
          403,
          'host_not_allowed',
          `This server does not answer to the host "${String(host).slice(0, 100)}": set server.publicUrl (DEMING_PUBLIC_URL) to the address people open, or add the name to server.allowedHosts (DEMING_ALLOWED_HOSTS).`,
        ),
      );
    }
    const foreign = WRITES.has(req.method) ? d.foreignOrigin(req) : null;
    if (foreign !== null) {
      return next(
        new HttpError(
          403,
          'origin_not_allowed',
          `A write from a page of another origin (${foreign}) is refused. Use the dashboard at this server's own address; behind a proxy, set server.publicUrl (DEMING_PUBLIC_URL) to the address people open, or server.trustProxy.`,
        ),
      );
    }
    next();
  };
}

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // Who the client is, its scheme and the cookie's Secure flag: from trusted proxies only (server.trustProxy).
  app.set('trust proxy', ctx.auth.door.trust);
  app.use(door(ctx));
  // gzip for the dashboard's scripts and the API's JSON and CSV.
  app.use(compression());
  const plain = securityHeaders(false);
  const https = securityHeaders(true);
  app.use((req, res, next) => (req.secure ? https : plain)(req, res, next));
  // Every query parameter once, as text (server/query.ts).
  app.use(singleQueryValues());
  app.use(refuseDemoWrites(ctx));
  // Before any JSON parser: the webhook signature is over the raw body.
  app.use(webhooksRouter(ctx));
  app.use(gitlabWebhooksRouter(ctx));
  app.use(pagerdutyWebhookRouter(ctx));
  app.use(jiraWebhookRouter(ctx));
  app.use(servicenowWebhookRouter(ctx));
  app.use(alertmanagerWebhookRouter(ctx));
  app.use(incidentSourcesRouter(ctx));
  app.use(eventsRouter(ctx));
  app.use(readRouter(ctx));
  app.use(cdeventsRouter(ctx));
  app.use(testReportsRouter(ctx));
  app.use(prometheusRouter(ctx));
  app.use(loopsRouter(ctx));
  app.use(summaryRouter(ctx));
  app.use(sessionRouter(ctx));
  if (ctx.config.oidc) app.use(oidcRouter(ctx, createOidcClient(ctx.config.oidc, ctx.store, ctx.now)));
  app.use('/api', (req, res) => {
    res
      .status(404)
      .json(
        errorBody(
          'not_found',
          `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0].slice(0, 200)}. See the README for the API.`,
        ),
      );
  });
  if (existsSync(clientDist)) {
    app.use(
      express.static(clientDist, {
        index: false,
        maxAge: '1h',
        setHeaders: (res, path) => {
          if (path.includes('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      }),
    );
    // The dashboard routes on the client: every other GET is its page.
    app.get(/^\/(?!api\/|webhooks\/|socket\.io\/).*/, (_req, res) => res.sendFile(join(clientDist, 'index.html')));
  }
  app.use(errorMiddleware(ctx.log, ctx.store));
  return app;
}

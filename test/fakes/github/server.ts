/**
 * A fake GitHub: a real HTTP server on 127.0.0.1 (port 0) answering the REST and GraphQL
 * endpoints Deming uses from an in-memory scenario, as GitHub does: `Link` pagination, ETags
 * and 304s (which cost no rate limit), rate-limit headers, token and GitHub App auth, an
 * optional path prefix (GitHub Enterprise Server's /api/v3), and injected faults: 5xx, a
 * secondary rate limit (403 with retry-after), 429, a reset connection and a body cut short.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { route, type Answer } from './routes';
import type { FakeGithub } from './scenario';
import { send, sendBrokenConnection } from '../http';

export type FaultKind = '500' | '502' | 'secondary-403' | '429' | 'reset' | 'truncate';

export interface FakeGithubOptions {
  /** Where the REST API lives: '' (github.com) or '/api/v3' (Enterprise Server; GraphQL is then at /api/graphql). */
  prefix?: string;
  /** Tokens accepted (`Authorization: token X` or `Bearer X`); none: any request passes. */
  tokens?: string[];
  /** Delay before every answer, to make a run slow enough to interrupt. */
  latencyMs?: number;
  /** Commits per GraphQL page of a pull request's commits. */
  commitsPerPage?: number;
  /** Pull requests GraphQL cannot resolve (deleted since they were listed). */
  graphqlMissing?: number[];
  /** Repositories (`owner/name`) the token may not read: 403, as for a fine-grained token without them. */
  forbidden?: string[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  conditional: boolean;
  fault?: FaultKind;
  /** The endpoint as GitHub documents it (`GET /repos/{owner}/{repo}/pulls`), or `POST /graphql name` with the query's operation name. */
  endpoint: string;
}

/** A request path as the endpoint GitHub documents: owner, repository, ids and refs as placeholders. */
export function endpointOf(method: string, path: string): string {
  const generic = path
    .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
    .replace(/^\/orgs\/[^/]+/, '/orgs/{org}')
    .replace(/\/deployments\/\d+/, '/deployments/{deployment_id}')
    .replace(/\/compare\/.+$/, '/compare/{basehead}')
    .replace(/\/commits\/.+$/, '/commits/{ref}')
    .replace(/\/app\/installations\/\d+/, '/app/installations/{installation_id}');
  return `${method} ${generic}`;
}

/** Requests counted by endpoint (and, for the 304s, apart: `... 304`), for reports and assertions. */
export function countByEndpoint(requests: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const key = r.status === 304 ? `${r.endpoint} 304` : r.endpoint;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export interface FakeGithubServer {
  url: string;
  /** The REST root to configure as `baseUrl`. */
  apiUrl: string;
  requests: LoggedRequest[];
  rateLimit: Record<string, { limit: number; remaining: number; reset: number }>;
  /** From now on every `every`-th request (of those matching) fails, cycling through `kinds`; `times` faults at most. */
  injectFaults(plan: { every: number; kinds: FaultKind[]; match?: RegExp; times?: number }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** The operation name of a GraphQL request body (`query pullRequestsPage(...)`), or `query`. */
function operationName(body: string): string {
  try {
    const q = (JSON.parse(body) as { query?: unknown }).query;
    return (typeof q === 'string' && /^\s*query\s+(\w+)/.exec(q)?.[1]) || 'query';
  } catch {
    return 'query';
  }
}

const etagOf = (body: string) => `W/"${createHash('sha1').update(body).digest('hex')}"`;

export async function startFakeGithub(gh: FakeGithub, opts: FakeGithubOptions = {}): Promise<FakeGithubServer> {
  const prefix = opts.prefix ?? '';
  const graphqlPath = prefix ? `${prefix.replace(/\/v3$/, '')}/graphql` : '/graphql';
  const tokens = new Set(opts.tokens ?? []);
  const requests: LoggedRequest[] = [];
  const reset = Math.floor(Date.now() / 1000) + 3600;
  const rateLimit: FakeGithubServer['rateLimit'] = {
    core: { limit: 5000, remaining: 5000, reset },
    graphql: { limit: 5000, remaining: 5000, reset },
  };
  let faults: { every: number; kinds: FaultKind[]; match?: RegExp; times?: number; seen: number; sent: number } | null = null;
  let origin = '';

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const log: LoggedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      conditional: req.headers['if-none-match'] !== undefined,
      endpoint: endpointOf(
        method,
        url.pathname.slice(url.pathname === graphqlPath ? 0 : prefix.length).replace(/^.*\/graphql$/, '/graphql'),
      ),
    };
    if (log.endpoint === 'POST /graphql') log.endpoint += ` ${operationName(body)}`;
    requests.push(log);
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    // A limit whose reset time has passed is full again, with a new reset an hour on.
    for (const limit of Object.values(rateLimit))
      if (Date.now() >= limit.reset * 1000) Object.assign(limit, { remaining: limit.limit, reset: Math.floor(Date.now() / 1000) + 3600 });

    const fault =
      faults &&
      (faults.times === undefined || faults.sent < faults.times) &&
      (!faults.match || faults.match.test(url.pathname)) &&
      ++faults.seen % faults.every === 0
        ? faults.kinds[(faults.seen / faults.every - 1) % faults.kinds.length]
        : undefined;
    if (fault) {
      faults!.sent++;
      log.fault = fault;
      return sendFault(res, fault, log);
    }

    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname.slice(prefix.length))) {
      if (!/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(req.headers.authorization ?? ''))
        return send(res, log, 401, { message: 'A JSON web token could not be decoded' });
      tokens.add('ghs_installation_token');
      return send(res, log, 201, {
        token: 'ghs_installation_token',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: {},
      });
    }
    const token = /^(?:token|Bearer) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (tokens.size > 0 && (!token || !tokens.has(token)))
      return send(res, log, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

    let path: string;
    if (url.pathname === graphqlPath && method === 'POST') path = '/graphql';
    else if (url.pathname.startsWith(`${prefix}/`)) path = url.pathname.slice(prefix.length);
    else return send(res, log, 404, { message: 'Not Found' });

    if (opts.forbidden?.some((r) => path.startsWith(`/repos/${r}`)))
      return send(res, log, 403, {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      });
    if (path === '/rate_limit' && method === 'GET') {
      // Free, as on GitHub: asking what is left costs nothing against it.
      const of = (l: { limit: number; remaining: number; reset: number }) => ({ ...l, used: l.limit - l.remaining });
      return send(res, log, 200, { resources: { core: of(rateLimit.core), graphql: of(rateLimit.graphql) }, rate: of(rateLimit.core) });
    }
    const api = `${origin}${prefix}`;
    const answer = route(gh, api, method, path, url.searchParams, req.headers, body, {
      commitsPerPage: opts.commitsPerPage,
      missing: opts.graphqlMissing,
      limit: rateLimit.graphql,
    });
    respond(req, res, url, answer, log);
  };

  const respond = (req: IncomingMessage, res: ServerResponse, url: URL, answer: Answer, log: LoggedRequest) => {
    const resource = ('resource' in answer && answer.resource) || 'core';
    if ('text' in answer) return finish(req, res, log, 200, answer.text, answer.contentType, resource);
    if (!answer.list)
      return finish(req, res, log, answer.status, JSON.stringify(answer.json), 'application/json; charset=utf-8', resource, answer.charged);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? answer.defaultPerPage ?? 30), answer.defaultPerPage ?? 100);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const pages = Math.max(1, Math.ceil(answer.items.length / perPage));
    const items = answer.items.slice((page - 1) * perPage, page * perPage);
    const links: string[] = [];
    const at = (n: number) => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      return u.toString();
    };
    if (page < pages) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(pages)}>; rel="last"`);
    if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
    if (links.length) res.setHeader('link', links.join(', '));
    const json = answer.wrap ? answer.wrap(items, answer.items.length) : items;
    finish(req, res, log, 200, JSON.stringify(json), 'application/json; charset=utf-8', resource);
  };

  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    log: LoggedRequest,
    status: number,
    body: string,
    type: string,
    resource: string,
    charged = false,
  ) => {
    const limit = rateLimit[resource];
    const etag = etagOf(body);
    const notModified = status === 200 && req.headers['if-none-match'] === etag;
    // GraphQL is charged its query's cost where it is executed, and answers a spent limit itself.
    const spent = !charged && !notModified && limit.remaining === 0;
    if (!notModified && !charged) limit.remaining = Math.max(0, limit.remaining - 1);
    res.setHeader('x-ratelimit-limit', String(limit.limit));
    res.setHeader('x-ratelimit-remaining', String(limit.remaining));
    res.setHeader('x-ratelimit-used', String(limit.limit - limit.remaining));
    res.setHeader('x-ratelimit-reset', String(limit.reset));
    res.setHeader('x-ratelimit-resource', resource);
    res.setHeader('x-github-request-id', `FAKE:${requests.length}`);
    if (status === 200) res.setHeader('etag', etag);
    if (notModified) {
      log.status = 304;
      res.writeHead(304).end();
      return;
    }
    if (spent)
      return send(res, log, 403, {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      });
    send(res, log, status, body, type);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: Error) => send(res, null, 500, { message: e.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    apiUrl: `${origin}${prefix}`,
    requests,
    rateLimit,
    injectFaults: (plan) => {
      faults = { ...plan, seen: 0, sent: 0 };
    },
    clearFaults: () => {
      faults = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendFault(res: ServerResponse, fault: FaultKind, log: LoggedRequest): void {
  const docs = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
  switch (fault) {
    case '500':
      return send(res, log, 500, { message: 'Server Error' });
    case '502':
      return send(res, log, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    case 'secondary-403':
      res.setHeader('retry-after', '1');
      return send(res, log, 403, {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: docs,
      });
    case '429':
      res.setHeader('retry-after', '1');
      return send(res, log, 429, { message: 'Too Many Requests', documentation_url: docs });
    case 'reset':
    case 'truncate':
      return sendBrokenConnection(res, log, fault);
  }
}

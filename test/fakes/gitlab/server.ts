/**
 * A fake GitLab: a real HTTP server on 127.0.0.1 (port 0) answering the REST and GraphQL
 * endpoints Deming uses from an in-memory scenario, as GitLab does: offset pagination with
 * `X-Next-Page` and `Link`, `updated_after` filters, `RateLimit-*` headers, `PRIVATE-TOKEN` auth
 * with scopes (403 `insufficient_scope` without read_api), a path prefix (a self-managed
 * instance under /gitlab/api/v4, GraphQL at /gitlab/api/graphql), a request log, and injected
 * faults: 429 with Retry-After, 5xx, a reset connection, a body cut short and a short page.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  commitJson,
  deploymentJson,
  environmentJson,
  issueJson,
  mergeRequestGraphql,
  pipelineGraphql,
  projectJson,
  testReportSummaryJson,
} from './rest';
import { commitsBetween, type FakeGitlab, type FakeProject } from './scenario';
import { send as sendBody, sendBrokenConnection } from '../http';

const send = (res: ServerResponse, log: LoggedRequest | null, status: number, body: unknown, type = 'application/json') =>
  sendBody(res, log, status, body, type);

export type FaultKind = '429' | '500' | '502' | '503' | 'reset' | 'truncate' | 'short';

export interface FakeGitlabOptions {
  /** Where the REST API lives: '/api/v4' (GitLab.com), or under a prefix such as '/gitlab/api/v4'. */
  prefix?: string;
  /** Tokens and their scopes; none: any request passes. */
  tokens?: Record<string, string[]>;
  latencyMs?: number;
  /** Merge request commits per GraphQL page. */
  commitsPerPage?: number;
  /** Project paths the token may not read: 403. */
  forbidden?: string[];
  /** Environments' tiers are left out everywhere, as an instance older than GitLab 13.10 answers. */
  noTiers?: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  operation?: string;
  fault?: FaultKind;
}

export interface FakeGitlabServer {
  url: string;
  /** The REST root to configure as `baseUrl`. */
  apiUrl: string;
  /** The instance's page root (project pages are under it). */
  webUrl: string;
  requests: LoggedRequest[];
  rateLimit: { limit: number; remaining: number; reset: number };
  /** From now on every `every`-th request (of those matching) fails, cycling through `kinds`. */
  injectFaults(plan: { every: number; kinds: FaultKind[]; match?: RegExp }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const PER_PAGE_MAX = 100;
const ms = (t: string | null | undefined) => (t ? Date.parse(t) : NaN);

type Answer = { status: number; json: unknown } | { status: 200; list: unknown[] };

export async function startFakeGitlab(gl: FakeGitlab, opts: FakeGitlabOptions = {}): Promise<FakeGitlabServer> {
  const prefix = opts.prefix ?? '/api/v4';
  const instance = prefix.replace(/\/api\/v4$/, '');
  const graphqlPath = `${instance}/api/graphql`;
  const requests: LoggedRequest[] = [];
  const rateLimit = { limit: 2000, remaining: 2000, reset: Math.floor(Date.now() / 1000) + 60 };
  let faults: { every: number; kinds: FaultKind[]; match?: RegExp; seen: number } | null = null;
  let origin = '';

  const projectOf = (idOrPath: string): FakeProject | undefined => {
    const key = decodeURIComponent(idOrPath);
    return gl.projects.find((p) => String(p.id) === key || p.path.toLowerCase() === key.toLowerCase());
  };

  const rest = (path: string, q: URLSearchParams, web: string): Answer => {
    if (path === '/version') return { status: 200, json: { version: '17.6.0-ee', revision: 'abc123' } };
    let m = /^\/groups\/([^/]+)\/projects$/.exec(path);
    if (m) {
      const group = gl.groups.find(
        (g) => String(g.id) === decodeURIComponent(m![1]) || g.path.toLowerCase() === decodeURIComponent(m![1]).toLowerCase(),
      );
      if (!group) return { status: 404, json: { message: '404 Group Not Found' } };
      const sub = q.get('include_subgroups') === 'true';
      const inGroup = gl.projects.filter((p) => {
        const ns = p.path.split('/').slice(0, -1).join('/').toLowerCase();
        return ns === group.path.toLowerCase() || (sub && ns.startsWith(`${group.path.toLowerCase()}/`));
      });
      return { status: 200, list: inGroup.sort((a, b) => a.id - b.id).map((p) => projectJson(web, p)) };
    }
    m = /^\/projects\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return { status: 404, json: { error: '404 Not Found' } };
    const p = projectOf(m[1]);
    if (!p) return { status: 404, json: { message: '404 Project Not Found' } };
    if (opts.forbidden?.includes(p.path)) return { status: 403, json: { message: '403 Forbidden' } };
    const rest = m[2] ?? '';
    const updatedAfter = ms(q.get('updated_after'));
    const since = <T extends { updatedAt: string }>(items: T[]) =>
      Number.isNaN(updatedAfter) ? items : items.filter((x) => ms(x.updatedAt) >= updatedAfter);
    const ascending = <T extends { updatedAt: string; id: number }>(items: T[]) =>
      q.get('order_by') === 'updated_at'
        ? [...items].sort((a, b) => (ms(a.updatedAt) - ms(b.updatedAt) || a.id - b.id) * (q.get('sort') === 'asc' ? 1 : -1))
        : [...items].sort((a, b) => b.id - a.id);
    if (rest === '') return { status: 200, json: projectJson(web, p) };
    if (rest === '/releases') {
      const releases = [...p.releases].sort((a, b) => b.releasedAt.localeCompare(a.releasedAt));
      return {
        status: 200,
        list: releases.map((r) => ({
          tag_name: r.tag,
          name: r.tag,
          description: 'Released by Ada Lovelace',
          created_at: r.createdAt,
          released_at: r.releasedAt,
          upcoming_release: r.upcoming,
          author: { username: 'ada', name: 'Ada Lovelace' },
          commit: commitJson(web, p, p.commits.get(r.sha)!),
          _links: { self: `${web}/${p.path}/-/releases/${r.tag}` },
        })),
      };
    }
    if (rest === '/environments')
      return { status: 200, list: p.environments.map((e) => ({ ...environmentJson(e), tier: opts.noTiers ? undefined : e.tier })) };
    if (rest === '/deployments') return { status: 200, list: ascending(since(p.deployments)).map((d) => deploymentJson(web, p, d)) };
    m = /^\/deployments\/(\d+)$/.exec(rest);
    if (m) {
      const d = p.deployments.find((x) => x.id === Number(m![1]));
      return d ? { status: 200, json: deploymentJson(web, p, d) } : { status: 404, json: { message: '404 Not found' } };
    }
    if (rest === '/issues') {
      let issues = since(p.issues);
      const type = q.get('issue_type');
      if (type) issues = issues.filter((i) => i.type === type);
      const labels = q.get('labels');
      if (labels) issues = issues.filter((i) => labels.split(',').every((l) => i.labels.some((x) => x.toLowerCase() === l.toLowerCase())));
      const iids = q.getAll('iids[]').map(Number);
      if (iids.length) issues = issues.filter((i) => iids.includes(i.iid));
      return { status: 200, list: ascending(issues).map((i) => issueJson(web, p, i)) };
    }
    if (rest === '/repository/commits') {
      // A ref (the branch, or a sha), or a range `base..head` of them, as `git log` takes it.
      const ref = (r: string) => (r === p.defaultBranch ? p.head : /^[0-9a-f]{40}$/.test(r) ? r : null);
      const [a, b] = (q.get('ref_name') ?? p.defaultBranch).split('..');
      const head = ref(b ?? a);
      const base = b === undefined ? null : ref(a);
      if (!head || !p.commits.has(head) || (b !== undefined && (!base || !p.commits.has(base))))
        return { status: 404, json: { message: '404 Commit Not Found' } };
      const since = ms(q.get('since'));
      const commits = commitsBetween(p, base ?? '0'.repeat(40), head).filter((c) => Number.isNaN(since) || ms(c.committedAt) >= since);
      return { status: 200, list: commits.map((c) => commitJson(web, p, c)) };
    }
    m = /^\/pipelines\/(\d+)\/test_report_summary$/.exec(rest);
    if (m) {
      const pl = p.pipelines.find((x) => x.id === Number(m![1]));
      return pl ? { status: 200, json: testReportSummaryJson(pl) } : { status: 404, json: { message: '404 Not found' } };
    }
    return { status: 404, json: { error: '404 Not Found' } };
  };

  /** Enough of GitLab's GraphQL schema for the collector's queries, told apart by their operation names. */
  const graphql = (body: string, web: string, log: LoggedRequest): Answer => {
    let parsed: { query?: string; variables?: Record<string, unknown> };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return { status: 400, json: { errors: [{ message: 'invalid JSON' }] } };
    }
    const op = /query\s+(\w+)/.exec(parsed.query ?? '')?.[1] ?? '';
    log.operation = op;
    const v = parsed.variables ?? {};
    const p = projectOf(String(v.fullPath ?? ''));
    if (!p || opts.forbidden?.includes(p.path)) return { status: 200, json: { data: { project: null } } };
    const offset = v.after ? Number(Buffer.from(String(v.after), 'base64').toString()) : 0;
    const page = <T>(items: T[], size: number) => ({
      pageInfo: { hasNextPage: offset + size < items.length, endCursor: Buffer.from(String(offset + size)).toString('base64') },
      nodes: items.slice(offset, offset + size),
    });
    const commitsOf = (iid: number) => p.mergeRequests.find((x) => x.iid === iid)!.commits.map((s) => p.commits.get(s)!);
    const mrNode = (mr: (typeof p.mergeRequests)[number]) => {
      const node = mergeRequestGraphql(web, p, mr, commitsOf(mr.iid));
      const per = opts.commitsPerPage ?? 100;
      return {
        ...node,
        commits: {
          pageInfo: { hasNextPage: node.commits.nodes.length > per, endCursor: Buffer.from(String(per)).toString('base64') },
          nodes: node.commits.nodes.slice(0, per),
        },
      };
    };
    const after = ms(v.updatedAfter as string | undefined);
    switch (op) {
      case 'mergeRequests': {
        const mrs = p.mergeRequests
          .filter((mr) => mr.mergedAt && (Number.isNaN(after) || ms(mr.updatedAt) > after))
          .sort((a, b) => ms(a.updatedAt) - ms(b.updatedAt) || a.iid - b.iid);
        const pg = page(mrs, 50);
        return { status: 200, json: { data: { project: { mergeRequests: { pageInfo: pg.pageInfo, nodes: pg.nodes.map(mrNode) } } } } };
      }
      case 'mergeRequest': {
        const mr = p.mergeRequests.find((x) => String(x.iid) === String(v.iid));
        return { status: 200, json: { data: { project: { mergeRequest: mr ? mrNode(mr) : null } } } };
      }
      case 'mergeRequestCommits': {
        const mr = p.mergeRequests.find((x) => String(x.iid) === String(v.iid));
        if (!mr) return { status: 200, json: { data: { project: { mergeRequest: null } } } };
        const all = mergeRequestGraphql(web, p, mr, commitsOf(mr.iid)).commits.nodes;
        return { status: 200, json: { data: { project: { mergeRequest: { commits: page(all, opts.commitsPerPage ?? 100) } } } } };
      }
      case 'pipelines': {
        const pipelines = p.pipelines.filter((x) => Number.isNaN(after) || ms(x.updatedAt) > after).sort((a, b) => b.id - a.id);
        const pg = page(pipelines, 100);
        return { status: 200, json: { data: { project: { pipelines: { pageInfo: pg.pageInfo, nodes: pg.nodes.map(pipelineGraphql) } } } } };
      }
      default:
        return { status: 200, json: { errors: [{ message: `Field '${op}' doesn't exist on type 'Query'` }] } };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const log: LoggedRequest = { method, path: url.pathname, query: url.search, status: 0 };
    requests.push(log);
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const fault =
      faults && (!faults.match || faults.match.test(url.pathname + url.search)) && ++faults.seen % faults.every === 0
        ? faults.kinds[(faults.seen / faults.every - 1) % faults.kinds.length]
        : undefined;
    if (fault && fault !== 'short') {
      log.fault = fault;
      return sendFault(res, fault, log);
    }

    if (opts.tokens) {
      const token = req.headers['private-token'] ?? /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const scopes = typeof token === 'string' ? opts.tokens[token] : undefined;
      if (!scopes) return send(res, log, 401, { message: '401 Unauthorized' });
      if (url.pathname === `${prefix}/personal_access_tokens/self`) {
        return send(res, log, 200, {
          id: 1,
          name: 'deming',
          revoked: false,
          created_at: '2026-01-01T00:00:00.000Z',
          scopes,
          user_id: 1,
          active: true,
          expires_at: '2027-01-01',
        });
      }
      if (!scopes.includes('read_api') && !scopes.includes('api')) {
        res.setHeader(
          'www-authenticate',
          'Bearer realm="GitLab", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="api read_api"',
        );
        return send(res, log, 403, {
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges than provided by the access token.',
          scope: 'api read_api',
        });
      }
    }
    const web = `${origin}${instance}`;
    let answer: Answer;
    if (method === 'POST' && url.pathname === graphqlPath) answer = graphql(body, web, log);
    else if (method === 'GET' && url.pathname.startsWith(`${prefix}/`))
      answer = rest(url.pathname.slice(prefix.length), url.searchParams, web);
    else return send(res, log, 404, '<!DOCTYPE html><html><body><h1>404</h1></body></html>', 'text/html; charset=utf-8');

    rateLimit.remaining = Math.max(0, rateLimit.remaining - 1);
    res.setHeader('ratelimit-limit', String(rateLimit.limit));
    res.setHeader('ratelimit-remaining', String(rateLimit.remaining));
    res.setHeader('ratelimit-reset', String(rateLimit.reset));
    res.setHeader('ratelimit-observed', String(rateLimit.limit - rateLimit.remaining));
    if (!('list' in answer)) return send(res, log, answer.status, answer.json);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), PER_PAGE_MAX);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const pages = Math.max(1, Math.ceil(answer.list.length / perPage));
    let items = answer.list.slice((page - 1) * perPage, page * perPage);
    // A short page: fewer items than asked, and a next page to ask for the rest (as GitLab may answer).
    let short = false;
    if (fault === 'short' && items.length > 1) {
      log.fault = fault;
      items = items.slice(0, items.length >> 1);
      short = true;
    }
    const at = (n: number) => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(n));
      return u.toString();
    };
    const links = [`<${at(1)}>; rel="first"`, `<${at(pages)}>; rel="last"`];
    if (page < pages) links.unshift(`<${at(page + 1)}>; rel="next"`);
    if (page > 1) links.unshift(`<${at(page - 1)}>; rel="prev"`);
    res.setHeader('link', links.join(', '));
    res.setHeader('x-page', String(page));
    res.setHeader('x-per-page', String(perPage));
    res.setHeader('x-next-page', page < pages || short ? String(page + 1) : '');
    res.setHeader('x-prev-page', page > 1 ? String(page - 1) : '');
    res.setHeader('x-total', String(answer.list.length));
    res.setHeader('x-total-pages', String(pages));
    send(res, log, 200, items);
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
    webUrl: `${origin}${instance}`,
    requests,
    rateLimit,
    injectFaults: (plan) => {
      faults = { ...plan, seen: 0 };
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
  switch (fault) {
    case '429':
      res.setHeader('retry-after', '1');
      res.setHeader('ratelimit-remaining', '0');
      return send(res, log, 429, 'Retry later', 'text/plain');
    case '500':
      return send(res, log, 500, { message: '500 Internal Server Error' });
    case '502':
      return send(res, log, 502, '<html><body><h1>502 Bad Gateway</h1><p>GitLab is not responding.</p></body></html>', 'text/html');
    case '503':
      return send(res, log, 503, { message: '503 Service Unavailable' });
    case 'reset':
    case 'truncate':
      return sendBrokenConnection(res, log, fault, 'application/json');
    case 'short':
      return;
  }
}

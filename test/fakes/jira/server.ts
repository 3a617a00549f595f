/**
 * A fake Jira REST API: a real HTTP server on 127.0.0.1 (port 0) answering, from an in-memory list
 * of issues, as Jira does in either edition:
 * - Cloud: `GET /rest/api/3/search/jql` (pages by an opaque `nextPageToken`, `isLast`), basic auth
 *   of email and API token, and the old `GET /rest/api/3/search` answering 410 as Atlassian removed it;
 * - Data Center: `GET /rest/api/2/search` (`startAt`, `maxResults`, `total`), a bearer token;
 * - both: `GET …/myself` with the account's time zone; `fields=` honoured (only those fields
 *   come back, so a test sees what was asked); times written in Jira's format
 *   (`2026-03-02T11:00:00.000+0100`) in the site's zone; JQL read as Jira reads it: the filter
 *   (`field = value` clauses joined by AND), `updated >= "yyyy-MM-dd HH:mm"` in the account's time
 *   zone, to the minute, `ORDER BY updated ASC, key ASC`; an unbounded or unknown query is a 400.
 * Faults injected on demand: 429 with `Retry-After`, 500, 503, a reset connection, and expired
 * credentials (401 from then on, until renewed).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send, sendBrokenConnection } from '../http';

export type JiraFault = '429' | '500' | '503' | 'reset' | 'expire';

/** An issue as the fake holds it: times as epoch ms; people and a description, which Deming must never store. */
export interface FakeIssue {
  id: string;
  key: string;
  project: string;
  issuetype: string;
  summary: string;
  priority: string | null;
  components: string[];
  labels: string[];
  created: number;
  updated: number;
  resolution: string | null;
  /** The workflow status (by default Resolved when a resolution is set, else Open). */
  status?: string;
  resolutiondate: number | null;
  issuelinks: { type: { name: string; inward: string; outward: string }; inwardIssue?: { key: string }; outwardIssue?: { key: string } }[];
  custom: Record<string, unknown>;
  reporter: string;
  assignee: string;
  description: string;
}

export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
  status: number;
}

/** A time as Jira writes it, in a zone: `2026-03-02T11:00:00.000+0100`. */
export function jiraText(ms: number, zone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const off = p.timeZoneName === 'GMT' ? '+0000' : p.timeZoneName.slice(3).replace(':', '');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${String(ms % 1000).padStart(3, '0')}${off}`;
}

/** The instant a wall time in a zone names (the earlier one, when the clocks go back). */
export function wallTimeIn(y: number, mo: number, d: number, h: number, mi: number, zone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const candidates: number[] = [];
  for (let off = -14 * 60; off <= 14 * 60; off += 15) {
    const t = guess - off * 60_000;
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(t))
        .map((x) => [x.type, x.value]),
    );
    if (Number(p.year) === y && Number(p.month) === mo && Number(p.day) === d && Number(p.hour) === h && Number(p.minute) === mi)
      candidates.push(t);
  }
  return Math.min(...candidates);
}

/** The issue as the REST API (or a webhook) shows it, with only the fields asked for (all when none are named). */
export function renderIssue(i: FakeIssue, zone: string, baseUrl: string, only: string[] | null) {
  const all: Record<string, unknown> = {
    created: jiraText(i.created, zone),
    updated: jiraText(i.updated, zone),
    resolutiondate: i.resolutiondate === null ? null : jiraText(i.resolutiondate, zone),
    resolution: i.resolution ? { self: `${baseUrl}/rest/api/2/resolution/1`, id: '1', name: i.resolution } : null,
    priority: i.priority ? { self: `${baseUrl}/rest/api/2/priority/2`, id: '2', name: i.priority } : null,
    project: { id: '10000', key: i.project, name: `${i.project} service desk` },
    issuetype: { id: '10010', name: i.issuetype },
    components: i.components.map((name, n) => ({ id: String(10100 + n), name })),
    labels: i.labels,
    summary: i.summary,
    issuelinks: i.issuelinks.map((l, n) => ({ id: String(20000 + n), ...l })),
    status: {
      name: i.status ?? (i.resolution ? 'Resolved' : 'Open'),
      statusCategory: { key: i.resolution || i.status ? 'done' : 'new' },
    },
    reporter: { displayName: i.reporter, emailAddress: `${i.reporter.toLowerCase().replace(/\W+/g, '.')}@example.gov` },
    assignee: { displayName: i.assignee },
    description: i.description,
    ...i.custom,
  };
  const fields = only ? Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k))) : all;
  return { id: i.id, key: i.key, self: `${baseUrl}/rest/api/2/issue/${i.id}`, fields };
}

export interface FakeJira {
  url: string;
  issues: FakeIssue[];
  requests: LoggedRequest[];
  queueFaults(...faults: JiraFault[]): void;
  retryAfter: number;
  /** Whether the credentials have expired (every request is then 401): set by the `expire` fault, cleared to renew. */
  expired: boolean;
  close(): Promise<void>;
}

const CLAUSE = /^\s*(\w+)\s*=\s*("([^"]*)"|[\w-]+)\s*$/;

export async function startFakeJira(opts: {
  edition: 'cloud' | 'datacenter';
  token: string;
  email?: string;
  /** The zone times are written in (the site's). */
  siteZone: string;
  /** The account's zone, JQL dates are read in. */
  accountZone: string;
  issues?: FakeIssue[];
}): Promise<FakeJira> {
  const faults: JiraFault[] = [];
  const requests: LoggedRequest[] = [];
  const cloud = opts.edition === 'cloud';
  const api = cloud ? '/rest/api/3' : '/rest/api/2';
  const expectedAuth = cloud ? `Basic ${Buffer.from(`${opts.email}:${opts.token}`).toString('base64')}` : `Bearer ${opts.token}`;
  const fake: FakeJira = {
    url: '',
    issues: opts.issues ?? [],
    requests,
    retryAfter: 1,
    expired: false,
    queueFaults: (...f) => {
      faults.push(...f);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const bad = (res: ServerResponse, log: LoggedRequest, message: string) => send(res, log, 400, { errorMessages: [message], errors: {} });

  /** The issues a JQL query names, in its order, or why Jira would refuse it. */
  const query = (jql: string): FakeIssue[] | string => {
    const m = /^\((.*)\) AND updated >= "(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})" ORDER BY updated ASC, key ASC$/.exec(jql);
    if (!m) return `Unbounded JQL queries are not allowed here, or the query is not one the fake reads: ${jql}`;
    const clauses = m[1].split(/\s+AND\s+/i).map((c) => CLAUSE.exec(c));
    if (clauses.some((c) => !c)) return `Error in the JQL Query: ${m[1]}`;
    const since = wallTimeIn(+m[2], +m[3], +m[4], +m[5], +m[6], opts.accountZone);
    const value = (i: FakeIssue, field: string) =>
      field === 'issuetype' ? i.issuetype : field === 'project' ? i.project : field === 'priority' ? i.priority : undefined;
    for (const c of clauses)
      if (!['issuetype', 'project', 'priority'].includes(c![1]))
        return `Field '${c![1]}' does not exist or you do not have permission to view it.`;
    return fake.issues
      .filter((i) => i.updated >= since && clauses.every((c) => (value(i, c![1]) ?? '').toLowerCase() === (c![3] ?? c![2]).toLowerCase()))
      .sort((a, b) => a.updated - b.updated || a.key.localeCompare(b.key, 'en', { numeric: true }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const log: LoggedRequest = { path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(log);
    const fault = faults.shift();
    if (fault === 'expire') fake.expired = true;
    if (fault === 'reset') return sendBrokenConnection(res, log, 'reset');
    if (fault === '429') {
      log.status = 429;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fake.retryAfter), 'x-ratelimit-remaining': '0' });
      res.end(JSON.stringify({ errorMessages: ['Rate limit exceeded.'], errors: {} }));
      return;
    }
    if (fault === '500') return send(res, log, 500, { errorMessages: ['Internal server error'], errors: {} });
    if (fault === '503') return send(res, log, 503, '<html><body>Service Unavailable</body></html>', 'text/html');
    if (fake.expired || req.headers.authorization !== expectedAuth)
      return send(res, log, 401, cloud ? { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} } : '');
    if (url.pathname === `${api}/myself`)
      return send(res, log, 200, { accountId: '5b10a2844c20165700ede21g', timeZone: opts.accountZone, active: true });
    if (cloud && url.pathname === '/rest/api/3/search')
      return send(res, log, 410, {
        errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'],
      });
    if (url.pathname !== (cloud ? '/rest/api/3/search/jql' : '/rest/api/2/search'))
      return send(res, log, 404, { errorMessages: ['Not found'] });
    const q = url.searchParams;
    const found = query(q.get('jql') ?? '');
    if (typeof found === 'string') return bad(res, log, found);
    const only = q.get('fields') ? q.get('fields')!.split(',') : null;
    const max = Math.min(Number(q.get('maxResults') ?? 50), 100);
    const render = (i: FakeIssue) => renderIssue(i, opts.siteZone, fake.url, only);
    if (cloud) {
      const token = q.get('nextPageToken');
      const offset = token ? Number(Buffer.from(token, 'base64url').toString().replace('page-after:', '')) : 0;
      if (token && !Number.isInteger(offset)) return bad(res, log, 'The nextPageToken is not valid.');
      const page = found.slice(offset, offset + max);
      const last = offset + max >= found.length;
      return send(res, log, 200, {
        issues: page.map(render),
        ...(last ? { isLast: true } : { nextPageToken: Buffer.from(`page-after:${offset + max}`).toString('base64url'), isLast: false }),
      });
    }
    const startAt = Number(q.get('startAt') ?? 0);
    send(res, log, 200, {
      expand: 'schema,names',
      startAt,
      maxResults: max,
      total: found.length,
      issues: found.slice(startAt, startAt + max).map(render),
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

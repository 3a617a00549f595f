/**
 * A fake PagerDuty REST API v2: a real HTTP server on 127.0.0.1 (port 0) answering
 * `GET /incidents` (`since`/`until` on `created_at`, `statuses[]`, `service_ids[]`, `offset`/
 * `limit` with `more`, `sort_by=created_at:asc`) and `GET /incidents/{id}` from an in-memory list,
 * as PagerDuty does: `Authorization: Token token=<key>` checked (401 otherwise), `Accept:
 * application/vnd.pagerduty+json;version=2` required, `ratelimit-*` headers. Faults injected on
 * demand: 429 with `Retry-After`, 500/502, a reset connection, and an expired key (401 from then on).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send, sendBrokenConnection } from '../http';

export type PagerdutyFault = '429' | '500' | '502' | 'reset' | 'expire-key';

/** An incident as the REST API returns it (only what the fake needs is typed). */
export interface FakeIncident {
  id: string;
  incident_number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  priority: { id: string; summary: string; name: string } | null;
  service: { id: string; summary: string; type: 'service_reference' };
  created_at: string;
  updated_at: string;
  last_status_change_at: string;
  resolved_at: string | null;
  html_url: string;
  incident_key: string | null;
  resolve_reason: { type: string } | null;
  /** Never read by Deming: a person, to show it is not stored. */
  assignments: { assignee: { summary: string } }[];
}

export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
  status: number;
}

export interface FakePagerduty {
  url: string;
  incidents: FakeIncident[];
  requests: LoggedRequest[];
  /** The next requests fail, one fault each, in this order. */
  queueFaults(...faults: PagerdutyFault[]): void;
  /** Seconds a 429 asks to wait. */
  retryAfter: number;
  /** Whether the key has expired (every request is then 401): set by the `expire-key` fault, cleared to renew it. */
  expired: boolean;
  close(): Promise<void>;
}

export async function startFakePagerduty(opts: { token: string; incidents?: FakeIncident[] }): Promise<FakePagerduty> {
  const faults: PagerdutyFault[] = [];
  const requests: LoggedRequest[] = [];
  const fake: FakePagerduty = {
    url: '',
    incidents: opts.incidents ?? [],
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

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const log: LoggedRequest = { path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(log);
    const fault = faults.shift();
    if (fault === 'expire-key') fake.expired = true;
    if (fault === 'reset') return sendBrokenConnection(res, log, 'reset');
    if (fault === '429') {
      log.status = 429;
      const text = JSON.stringify({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
      res
        .writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(fake.retryAfter),
          'ratelimit-limit': '960',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(fake.retryAfter),
        })
        .end(text);
      return;
    }
    if (fault === '500' || fault === '502')
      return send(res, log, Number(fault), { error: { message: 'Internal Server Error', code: 2000 } });
    if (fake.expired || req.headers.authorization !== `Token token=${opts.token}`) {
      return send(res, log, 401, { error: { message: 'Unauthorized', code: 2006 } });
    }
    if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2')
      return send(res, log, 406, { error: { message: 'Not Acceptable' } });
    res.setHeader('ratelimit-limit', '960');
    res.setHeader('ratelimit-remaining', '900');
    const one = /^\/incidents\/([A-Z0-9]+)$/.exec(url.pathname);
    if (one) {
      const found = fake.incidents.find((i) => i.id === one[1]);
      return found ? send(res, log, 200, { incident: found }) : send(res, log, 404, { error: { message: 'Not Found', code: 2100 } });
    }
    if (url.pathname !== '/incidents') return send(res, log, 404, { error: { message: 'Not Found' } });
    const q = url.searchParams;
    const since = Date.parse(q.get('since') ?? '');
    const until = Date.parse(q.get('until') ?? '');
    if (Number.isNaN(since) || Number.isNaN(until) || until - since > 180 * 86_400_000) {
      return send(res, log, 400, {
        error: { message: 'Invalid Input Provided', code: 2001, errors: ['since and until must span at most 6 months'] },
      });
    }
    const statuses = q.getAll('statuses[]');
    const services = q.getAll('service_ids[]');
    const offset = Number(q.get('offset') ?? 0);
    const limit = Math.min(Number(q.get('limit') ?? 25), 100);
    const all = fake.incidents
      .filter((i) => Date.parse(i.created_at) >= since && Date.parse(i.created_at) < until)
      .filter((i) => statuses.length === 0 || statuses.includes(i.status))
      .filter((i) => services.length === 0 || services.includes(i.service.id))
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.incident_number - b.incident_number);
    const page = all.slice(offset, offset + limit);
    send(res, log, 200, { incidents: page, limit, offset, more: offset + limit < all.length, total: null });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/**
 * The one retrying request every incident tool's client uses (collectors/shared/retry.ts), against
 * a real HTTP server on loopback whose answers each test scripts: a 503 that says Retry-After is
 * waited out like a 429, a wait given only in PagerDuty's `ratelimit-reset` is read, a wait past
 * the limit gives up naming the tool, and a POST's body arrives (ServiceNow's OAuth token).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendWithRetries, type RetriedRequest } from '../../../collectors/shared/retry';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

let server: http.Server;
let base = '';
let script: Answer[] = [];
const received: { method: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', body });
      const a = script.shift() ?? { status: 200, body: '{"ok":true}' };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  received.length = 0;
});

class ToolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const request = (over: Partial<RetriedRequest> = {}): RetriedRequest & { count: () => number } => {
  let sent = 0;
  return {
    what: 'GET /things',
    url: `${base}/things`,
    init: { method: 'GET', headers: { accept: 'application/json' } },
    tool: 'Tool',
    host: base,
    timing: { retryBaseMs: 1, retries: 3, maxWaitSeconds: 60, timeoutMs: 5_000 },
    messageOf: () => '',
    error: (status, message) => new ToolError(status, message),
    sent: () => sent++,
    count: () => sent,
    ...over,
  };
};

describe('sendWithRetries', () => {
  it('waits out a 503 that says Retry-After, and a 429 whose wait is only in the named header, then returns the answer', async () => {
    script = [
      { status: 503, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'ratelimit-reset': '3' } },
      { status: 200, body: '{"things":[1,2]}' },
    ];
    const waits: string[] = [];
    const r = request({ waitHeader: 'ratelimit-reset', log: (m) => waits.push(m) });
    const { status, body } = await sendWithRetries(r);
    expect(status).toBe(200);
    expect(body).toEqual({ things: [1, 2] });
    expect(r.count()).toBe(3);
    expect(waits).toEqual(['tool: rate limited; waiting 2 s', 'tool: rate limited; waiting 3 s']);
  });

  it('gives up on a wait past maxWaitSeconds with the tool and the status named, without asking again', async () => {
    script = [{ status: 503, headers: { 'retry-after': '3600' } }];
    const r = request();
    const e = await sendWithRetries(r).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).status).toBe(503);
    expect((e as ToolError).message).toBe("GET /things: Tool's rate limit is spent (it asks to wait 3600 s); the next run goes on");
    expect(r.count()).toBe(1);
  });

  it('sends a POST body, and tries a 502 again with the same body', async () => {
    script = [{ status: 502 }, { status: 200, body: '{"access_token":"t"}' }];
    const r = request({
      what: 'POST /oauth_token.do',
      url: `${base}/oauth_token.do`,
      init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' },
    });
    const { status, body } = await sendWithRetries(r);
    expect({ status, body }).toEqual({ status: 200, body: { access_token: 't' } });
    expect(received).toEqual([
      { method: 'POST', body: 'grant_type=client_credentials' },
      { method: 'POST', body: 'grant_type=client_credentials' },
    ]);
  });
});

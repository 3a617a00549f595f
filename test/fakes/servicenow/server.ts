/**
 * A fake ServiceNow instance: a real HTTP server on 127.0.0.1 (port 0) answering the Table API
 * (`GET /api/now/table/{table}`) and OAuth's `POST /oauth_token.do` from in-memory tables, as
 * ServiceNow does:
 * - `sysparm_query` in the encoded query syntax (conditions joined by `^`, `^OR`, `^NQ`;
 *   `=`, `!=`, `>`, `>=`, `<`, `<=`, `IN`, `STARTSWITH`; `ORDERBY`/`ORDERBYDESC`), compared as
 *   ServiceNow compares these fields (times and sys_ids as text of a fixed width);
 * - `sysparm_fields` with dot-walking (`caused_by.number` reads the referenced record);
 * - `sysparm_offset`/`sysparm_limit` pages, a `Link` header with `rel="next"` while more follow,
 *   and `X-Total-Count`;
 * - `sysparm_display_value=false`: times `YYYY-MM-DD HH:mm:ss` in UTC and choice values; anything
 *   else gives display values, times in the user's zone (America/New_York) and format
 *   (`MM-dd-yyyy hh:mm:ss a`), so a client that forgets to ask for values reads them wrong;
 * - basic authentication, or a bearer token from `POST /oauth_token.do` (client_credentials) that
 *   expires.
 * Faults on demand, one per request: 429 with `Retry-After`, 500/502/503, a reset connection, an
 * expired OAuth token (the tokens given so far stop working), and expired credentials (the
 * password and the client secret stop working until `expired` is cleared).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { send, sendBrokenConnection } from '../http';

export type ServicenowFault = '429' | '500' | '502' | '503' | 'reset' | 'expire-token' | 'expire-credentials';

export type Row = Record<string, string>;

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

export interface FakeServicenow {
  url: string;
  /** Tables by name; every row has a sys_id. Reference fields hold the sys_id of a row of any table. */
  tables: Record<string, Row[]>;
  requests: LoggedRequest[];
  queueFaults(...faults: ServicenowFault[]): void;
  retryAfter: number;
  /** Whether the password and client secret have expired (every sign-in is then 401). */
  expired: boolean;
  /** The OAuth tokens given so far stop working (as at their expiry). */
  expireTokens(): void;
  /** Called after each Table API page is answered (a test changes rows while a client pages). */
  afterPage: ((table: string, served: number) => void) | null;
  close(): Promise<void>;
}

const UNAUTHENTICATED = { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' };
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** A time as a New York user sees it with display values on. */
const displayTime = (v: string) => {
  const d = new Date(`${v.replace(' ', 'T')}Z`);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: true,
    })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.month}-${p.day}-${p.year} ${p.hour}:${p.minute}:${p.second} ${p.dayPeriod}`;
};

type Condition = (row: Row) => boolean;

/** One condition of an encoded query: field, operator, value. */
function condition(text: string, value: (row: Row, field: string) => string): Condition {
  const m = /^([a-z_][a-z0-9_.]*)(STARTSWITH|!=|>=|<=|=|>|<|IN)(.*)$/.exec(text);
  if (!m) throw new Error(`Invalid query: ${text}`);
  const [, field, op, want] = m;
  return (row) => {
    const v = value(row, field);
    switch (op) {
      case '=':
        return v === want;
      case '!=':
        return v !== want;
      case '>':
        return v > want;
      case '>=':
        return v >= want;
      case '<':
        return v < want;
      case '<=':
        return v <= want;
      case 'IN':
        return want.split(',').includes(v);
      default:
        return v.startsWith(want);
    }
  };
}

/** An encoded query: OR-groups (`^NQ`) of AND-ed terms (`^`), each term one or more conditions joined by `^OR`; and its order. */
function parseQuery(q: string, value: (row: Row, field: string) => string) {
  const order: { field: string; desc: boolean }[] = [];
  const groups = q.split('^NQ').map((part) => {
    const terms: Condition[][] = [];
    for (const piece of part.split('^')) {
      if (piece === '' || piece === 'EQ') continue;
      const ob = /^ORDERBY(DESC)?(.+)$/.exec(piece);
      if (ob) {
        order.push({ field: ob[2], desc: Boolean(ob[1]) });
        continue;
      }
      if (piece.startsWith('OR') && terms.length > 0) terms.at(-1)!.push(condition(piece.slice(2), value));
      else terms.push([condition(piece, value)]);
    }
    return terms;
  });
  const match = (row: Row) => groups.some((terms) => terms.every((any) => any.some((c) => c(row))));
  return { match, order };
}

export async function startFakeServicenow(opts: {
  users: Record<string, string>;
  clients?: Record<string, string>;
  tables?: Record<string, Row[]>;
  /** Seconds an OAuth token lives. */
  tokenSeconds?: number;
  now?: () => number;
}): Promise<FakeServicenow> {
  const faults: ServicenowFault[] = [];
  const requests: LoggedRequest[] = [];
  const tokens = new Map<string, number>();
  const now = opts.now ?? Date.now;
  const fake: FakeServicenow = {
    url: '',
    tables: opts.tables ?? { incident: [], change_request: [] },
    requests,
    retryAfter: 1,
    expired: false,
    afterPage: null,
    queueFaults: (...f) => {
      faults.push(...f);
    },
    expireTokens: () => tokens.clear(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const byId = (sysId: string): Row | undefined => {
    for (const rows of Object.values(fake.tables)) {
      const found = rows.find((r) => r.sys_id === sysId);
      if (found) return found;
    }
    return undefined;
  };
  /** A field's stored value, dot-walking references. */
  const value = (row: Row, field: string): string => {
    const [head, ...rest] = field.split('.');
    if (rest.length === 0) return row[head] ?? '';
    const ref = row[head] ? byId(row[head]) : undefined;
    return ref ? value(ref, rest.join('.')) : '';
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const log: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(log);
    const body = req.method === 'POST' ? await readBody(req) : '';
    const fault = faults.shift();
    if (fault === 'expire-token') tokens.clear();
    if (fault === 'expire-credentials') {
      fake.expired = true;
      tokens.clear();
    }
    if (fault === 'reset') return sendBrokenConnection(res, log, 'reset');
    if (fault === '429') {
      log.status = 429;
      const text = JSON.stringify({ error: { message: 'Too Many Requests', detail: 'Rate limit exceeded' }, status: 'failure' });
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fake.retryAfter), 'x-ratelimit-limit': '100' })
        .end(text);
      return;
    }
    if (fault === '500' || fault === '502' || fault === '503')
      return send(res, log, Number(fault), { error: { message: 'Internal Server Error', detail: '' }, status: 'failure' });

    if (req.method === 'POST' && url.pathname === '/oauth_token.do') {
      const form = new URLSearchParams(body);
      const id = form.get('client_id') ?? '';
      if (
        req.headers['content-type'] !== 'application/x-www-form-urlencoded' ||
        form.get('grant_type') !== 'client_credentials' ||
        fake.expired ||
        !opts.clients ||
        opts.clients[id] === undefined ||
        opts.clients[id] !== form.get('client_secret')
      )
        return send(res, log, 401, { error_description: 'access_denied', error: 'server_error' });
      const token = randomBytes(24).toString('base64url');
      const seconds = opts.tokenSeconds ?? 1799;
      tokens.set(token, now() + seconds * 1000);
      return send(res, log, 200, {
        access_token: token,
        refresh_token: '',
        scope: 'useraccount',
        token_type: 'Bearer',
        expires_in: seconds,
      });
    }

    const auth = req.headers.authorization ?? '';
    let ok = false;
    if (auth.startsWith('Basic ') && !fake.expired) {
      const [user, ...pass] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      ok = opts.users[user] !== undefined && opts.users[user] === pass.join(':');
    } else if (auth.startsWith('Bearer ')) {
      const until = tokens.get(auth.slice(7));
      ok = until !== undefined && until > now();
    }
    if (!ok) return send(res, log, 401, UNAUTHENTICATED);

    const table = /^\/api\/now\/table\/([a-z_]+)$/.exec(url.pathname)?.[1];
    if (req.method !== 'GET' || !table) return send(res, log, 400, { error: { message: 'Requested URI does not represent any resource' } });
    const rows = fake.tables[table];
    if (!rows) return send(res, log, 400, { error: { message: 'Invalid table', detail: table }, status: 'failure' });
    const q = url.searchParams;
    let parsed;
    try {
      parsed = parseQuery(q.get('sysparm_query') ?? '', value);
    } catch (e) {
      return send(res, log, 400, { error: { message: (e as Error).message }, status: 'failure' });
    }
    const all = rows.filter(parsed.match).sort((a, b) => {
      for (const o of parsed.order) {
        const c = value(a, o.field) < value(b, o.field) ? -1 : value(a, o.field) > value(b, o.field) ? 1 : 0;
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
    const offset = Number(q.get('sysparm_offset') ?? 0);
    const limit = Math.min(Number(q.get('sysparm_limit') ?? 10_000), 10_000);
    const fields = q.get('sysparm_fields')?.split(',').filter(Boolean) ?? null;
    const display = q.get('sysparm_display_value') !== 'false';
    const page = all.slice(offset, offset + limit).map((row) => {
      const names = fields ?? Object.keys(row);
      return Object.fromEntries(
        names.map((f) => {
          const v = value(row, f);
          return [f, display && TIME.test(v) ? displayTime(v) : v];
        }),
      );
    });
    const links = [`<${fake.url}${url.pathname}?${q}>;rel="first"`];
    if (offset + limit < all.length) {
      const next = new URLSearchParams(q);
      next.set('sysparm_offset', String(offset + limit));
      links.push(`<${fake.url}${url.pathname}?${next}>;rel="next"`);
    }
    res.setHeader('link', links.join(','));
    res.setHeader('x-total-count', String(all.length));
    send(res, log, 200, { result: page });
    fake.afterPage?.(table, page.length);
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

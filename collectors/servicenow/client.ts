/**
 * ServiceNow's Table API, the one read the collector needs: `GET /api/now/table/{table}` with an
 * encoded query, `sysparm_fields`, `sysparm_limit`, `sysparm_display_value=false` (values as
 * stored: choice values, sys_ids and UTC times, never the user's display format) and
 * `sysparm_exclude_reference_link=true`. It signs in with basic authentication or an OAuth
 * client-credentials token (`POST /oauth_token.do`), fetched once and again when a request is
 * refused with 401 (an expired token), once; a second 401 stops the run with what to do. A 429
 * waits for `Retry-After` seconds; a 5xx, a dropped connection or no answer in time is retried
 * with an exponential back-off.
 */
import { z } from 'zod';
import { defaultTiming, sendWithRetries, type ClientTiming } from '../shared/retry';
import type { ServicenowAuth } from './config';

export class ServicenowHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServicenowHttpError';
  }
}

export interface ServicenowClient {
  /** Requests sent, token requests and retries included. */
  readonly requests: number;
  /** One page of a table: its rows, and whether ServiceNow says more follow (its Link header's rel="next"; null when it sent none). */
  list(table: string, q: { query: string; fields: readonly string[]; limit: number }): Promise<{ rows: unknown[]; more: boolean | null }>;
}

const listSchema = z.object({ result: z.array(z.unknown()) }).loose();
const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string()]).optional() }).loose();

const messageOf = (body: unknown): string => {
  const e = (body as { error?: { message?: unknown; detail?: unknown } } | null)?.error;
  if (!e) return '';
  return [e.message, e.detail]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .join(': ')
    .slice(0, 300);
};

export function createServicenowClient(
  settings: { instanceUrl: string; auth: NonNullable<ServicenowAuth> },
  opts: { timing?: Partial<ClientTiming>; signal?: AbortSignal; log?: (m: string) => void } = {},
): ServicenowClient {
  const timing = { ...defaultTiming, ...opts.timing };
  const { auth, instanceUrl } = settings;
  let requests = 0;
  let token: string | null = null;

  /** One request with ServiceNow's faults handled: 429 waited out, 5xx and dropped connections tried again. */
  const send = (what: string, url: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
    sendWithRetries({
      what,
      url,
      init,
      tool: 'ServiceNow',
      host: instanceUrl,
      timing,
      signal: opts.signal,
      log: opts.log,
      messageOf,
      error: (status, message) => new ServicenowHttpError(status, message),
      sent: () => requests++,
    });

  const fetchToken = async (): Promise<string> => {
    if (auth.kind !== 'oauth') throw new Error('unreachable');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret });
    const { status, body } = await send('POST /oauth_token.do', `${instanceUrl}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'deming' },
      body: form.toString(),
    });
    const parsed = tokenSchema.safeParse(body);
    if (status !== 200 || !parsed.success)
      throw new ServicenowHttpError(
        status,
        `ServiceNow refused the OAuth client credentials (POST /oauth_token.do answered ${status}): check incidents.servicenow.clientId and SERVICENOW_CLIENT_SECRET, and that the OAuth application allows the client_credentials grant.`,
      );
    return parsed.data.access_token;
  };

  const authorization = async (): Promise<string> => {
    if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    token ??= await fetchToken();
    return `Bearer ${token}`;
  };

  return {
    get requests() {
      return requests;
    },
    async list(table, q) {
      const query = new URLSearchParams({
        sysparm_query: q.query,
        sysparm_fields: q.fields.join(','),
        sysparm_limit: String(q.limit),
        sysparm_display_value: 'false',
        sysparm_exclude_reference_link: 'true',
      });
      const path = `/api/now/table/${table}`;
      const what = `GET ${path}`;
      let res = await send(what, `${instanceUrl}${path}?${query}`, {
        method: 'GET',
        headers: { authorization: await authorization(), accept: 'application/json', 'user-agent': 'deming' },
      });
      if (res.status === 401 && auth.kind === 'oauth') {
        // An OAuth token expires (30 minutes by default): one new token, one more try.
        opts.log?.('servicenow: the OAuth token was refused (401); fetching a new one');
        token = null;
        res = await send(what, `${instanceUrl}${path}?${query}`, {
          method: 'GET',
          headers: { authorization: await authorization(), accept: 'application/json', 'user-agent': 'deming' },
        });
      }
      if (res.status === 401)
        throw new ServicenowHttpError(
          401,
          auth.kind === 'basic'
            ? `ServiceNow refused the user ${auth.username} (401): the password may have expired or been changed; set SERVICENOW_PASSWORD to the integration user's password (a "web service access only" user).`
            : 'ServiceNow refused a fresh OAuth token (401): check that the OAuth application is active and its user may use the REST API.',
        );
      if (res.status === 403)
        throw new ServicenowHttpError(
          403,
          `${what}: the user may not read the ${table} table (403 ${messageOf(res.body)}): give it a read-only role on incident and change_request (see "ServiceNow" in the README).`.trim(),
        );
      if (res.status !== 200)
        throw new ServicenowHttpError(res.status, `${what}: ServiceNow answered ${res.status} ${messageOf(res.body)}`.trim());
      const parsed = listSchema.safeParse(res.body);
      if (!parsed.success)
        throw new ServicenowHttpError(
          res.status,
          `${what}: the answer is not the Table API's (no result list): check incidents.servicenow.instanceUrl (${instanceUrl})`,
        );
      const link = res.headers.get('link');
      return { rows: parsed.data.result, more: link === null ? null : /rel="next"/.test(link) };
    },
  };
}

/**
 * Jira's REST API, the two reads the collector needs, in either edition:
 * - Cloud: `GET /rest/api/3/search/jql` (the enhanced search that replaced `/rest/api/3/search`;
 *   pages by `nextPageToken`, the last says `isLast`), and `GET /rest/api/3/myself`; an API token
 *   with its account's email as basic auth;
 * - Data Center: `GET /rest/api/2/search` (pages by `startAt`/`maxResults`, with `total`), and
 *   `GET /rest/api/2/myself`; a personal access token as a bearer.
 * A 429 (or a 503 saying `Retry-After`) waits as long as asked; a 5xx, a dropped connection or no
 * answer in time is retried with an exponential back-off; a 401 or 403 stops the run with what to
 * do (expired credentials are not retried); a 400 is the JQL Jira refused, with its words.
 */
import { z } from 'zod';
import type { JiraSettings } from './config';
import { defaultTiming, sendWithRetries, type ClientTiming } from '../shared/retry';

export { defaultTiming, type ClientTiming } from '../shared/retry';

export class JiraHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'JiraHttpError';
  }
}

/** Where the next page of a search is: Cloud's token, or Data Center's offset. */
export type PageAt = { token: string } | { startAt: number } | null;

export interface SearchPage {
  issues: unknown[];
  /** The next page of the same search, or null after the last. */
  next: PageAt;
}

export interface JiraClient {
  readonly requests: number;
  /** The time zone JQL dates are read in: the searching account's. */
  timeZone(): Promise<string>;
  search(q: { jql: string; fields: string[]; maxResults: number; at: PageAt }): Promise<SearchPage>;
}

const cloudPage = z
  .object({ issues: z.array(z.unknown()), nextPageToken: z.string().max(10_000).nullish(), isLast: z.boolean().nullish() })
  .loose();
const dcPage = z
  .object({ issues: z.array(z.unknown()), startAt: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
  .loose();

/** Jira's error body: `{errorMessages: [...], errors: {field: message}}`. */
const messageOf = (body: unknown): string => {
  const b = body as { errorMessages?: unknown; errors?: unknown } | null;
  if (!b || typeof b !== 'object') return '';
  const list = Array.isArray(b.errorMessages) ? b.errorMessages.filter((m) => typeof m === 'string') : [];
  const errs = b.errors && typeof b.errors === 'object' ? Object.values(b.errors).filter((m) => typeof m === 'string') : [];
  return [...list, ...errs].join('; ').slice(0, 300);
};

export function createJiraClient(
  settings: Pick<JiraSettings, 'baseUrl' | 'edition' | 'email' | 'token'>,
  opts: { timing?: Partial<ClientTiming>; signal?: AbortSignal; log?: (m: string) => void } = {},
): JiraClient {
  const timing = { ...defaultTiming, ...opts.timing };
  const cloud = settings.edition === 'cloud';
  const api = cloud ? '/rest/api/3' : '/rest/api/2';
  const authorization = cloud
    ? `Basic ${Buffer.from(`${settings.email}:${settings.token}`).toString('base64')}`
    : `Bearer ${settings.token}`;
  const credentials = cloud
    ? 'the API token (JIRA_TOKEN, with JIRA_EMAIL): it may have expired or been revoked; create one at id.atlassian.com (Security, API tokens)'
    : "the personal access token (JIRA_TOKEN): it may have expired or been revoked; create one in Jira's profile (Personal Access Tokens)";
  let requests = 0;

  const get = async (path: string, query: URLSearchParams): Promise<unknown> => {
    const { status, body } = await sendWithRetries({
      what: `GET ${path}`,
      url: `${settings.baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`,
      tool: 'Jira',
      host: settings.baseUrl,
      init: {
        method: 'GET',
        headers: { authorization, accept: 'application/json', 'user-agent': 'deming' },
      },
      timing,
      signal: opts.signal,
      log: opts.log,
      messageOf,
      error: (code, message) => new JiraHttpError(code, message),
      sent: () => requests++,
    });
    if (status === 401) throw new JiraHttpError(401, `Jira refused ${credentials}.`);
    if (status === 403)
      throw new JiraHttpError(
        403,
        `GET ${path}: Jira forbids it (403${messageOf(body) ? ` ${messageOf(body)}` : ''}): give the account Browse projects on the incident projects.`,
      );
    if (status === 404)
      throw new JiraHttpError(
        404,
        `GET ${path}: not found at ${settings.baseUrl}: check incidents.jira.baseUrl and incidents.jira.edition (${settings.edition}).`,
      );
    if (status === 400)
      throw new JiraHttpError(400, `Jira refused the search (400): ${messageOf(body) || 'no reason given'}: check incidents.jira.jql.`);
    if (status !== 200) throw new JiraHttpError(status, `GET ${path}: Jira answered ${status} ${messageOf(body)}`.trim());
    return body;
  };

  return {
    get requests() {
      return requests;
    },
    async timeZone() {
      const me = (await get(`${api}/myself`, new URLSearchParams())) as { timeZone?: unknown } | null;
      const zone = typeof me?.timeZone === 'string' ? me.timeZone : '';
      return zone;
    },
    async search(q) {
      const query = new URLSearchParams({ jql: q.jql, fields: q.fields.join(','), maxResults: String(q.maxResults) });
      if (cloud) {
        if (q.at && 'token' in q.at) query.set('nextPageToken', q.at.token);
        const body = cloudPage.safeParse(await get(`${api}/search/jql`, query));
        if (!body.success)
          throw new JiraHttpError(
            200,
            `GET ${api}/search/jql: the answer is not Jira Cloud's search: check incidents.jira.baseUrl and edition.`,
          );
        const token = body.data.nextPageToken;
        return { issues: body.data.issues, next: token && body.data.isLast !== true ? { token } : null };
      }
      const startAt = q.at && 'startAt' in q.at ? q.at.startAt : 0;
      query.set('startAt', String(startAt));
      const body = dcPage.safeParse(await get(`${api}/search`, query));
      if (!body.success)
        throw new JiraHttpError(
          200,
          `GET ${api}/search: the answer is not Jira Data Center's search: check incidents.jira.baseUrl and edition.`,
        );
      const end = body.data.startAt + body.data.issues.length;
      return { issues: body.data.issues, next: body.data.issues.length > 0 && end < body.data.total ? { startAt: end } : null };
    },
  };
}

/** Reads from Deming's HTTP API; failures become an `ApiError` carrying the server's own message. */

/** A failed request, with the message to show the user. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The path with its query, leaving out parameters that are undefined. */
export function apiUrl(path: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** The message for an answer that is not a success: the server's `error.message` when it sent one. */
export function errorFromResponse(status: number, statusText: string, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(body.error.message, status, String(body.error.code));
  return new ApiError(`The server answered ${status}${statusText ? ` ${statusText}` : ''}. Try again in a moment.`, status, 'http_error');
}

/** The window event a 401 answer raises: the session is checked again, and the person sent to sign in when it has ended. */
export const UNAUTHORIZED_EVENT = 'deming:unauthorized';

/** Tells the page that the server wants a sign-in (no-op outside a browser). */
export function reportUnauthorized(status: number): void {
  if (status === 401 && typeof window !== 'undefined') window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
}

/** GETs JSON. The response type is trusted: the server and this client share `common/api.ts`. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal, credentials: 'same-origin' });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError('Could not reach the Deming server. Check that it is running, then try again.', 0, 'network');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    reportUnauthorized(res.status);
    throw errorFromResponse(res.status, res.statusText, body);
  }
  return body as T;
}

/** The same read answered as CSV (`?format=csv`), for the "Download CSV" link beside a chart or table. */
export function csvUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}format=csv`;
}

/** Writes to the loops API (plan, act, delete); a refusal carries the server's message and the fields it names. */
import { ApiError, errorFromResponse, reportUnauthorized } from './api-client';
import type { FieldIssue } from './loops-form';

/** A refused write, with `error.details` of the answer. */
export class WriteError extends ApiError {
  constructor(
    message: string,
    status: number,
    code: string,
    readonly details: FieldIssue[],
  ) {
    super(message, status, code);
    this.name = 'WriteError';
  }
}

function detailsOf(body: unknown): FieldIssue[] {
  if (typeof body !== 'object' || body === null) return [];
  const error = (body as { error?: { details?: unknown } }).error;
  if (!error || !Array.isArray(error.details)) return [];
  return error.details
    .filter(
      (d): d is FieldIssue =>
        typeof d === 'object' && d !== null && typeof (d as FieldIssue).path === 'string' && typeof (d as FieldIssue).message === 'string',
    )
    .map((d) => ({ path: d.path, message: d.message }));
}

/** Sends JSON (or nothing) and answers the JSON reply, or null for 204. */
export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T | null> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new WriteError('Could not reach the Deming server. Check that it is running, then try again.', 0, 'network', []);
  }
  if (res.status === 204) return null;
  const reply: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    reportUnauthorized(res.status);
    const e = errorFromResponse(res.status, res.statusText, reply);
    throw new WriteError(e.message, e.status, e.code, detailsOf(reply));
  }
  return reply as T;
}

/** Any failure as a `WriteError`, so forms have one shape to show. */
export function asWriteError(e: unknown): WriteError {
  if (e instanceof WriteError) return e;
  if (e instanceof ApiError) return new WriteError(e.message, e.status, e.code, []);
  return new WriteError(e instanceof Error ? e.message : String(e), 0, 'client', []);
}

export const planLoop = (body: unknown) => sendJson<{ id: string }>('POST', '/api/v1/loops', body);
export const patchLoop = (id: string, body: unknown) => sendJson<{ id: string }>('PATCH', `/api/v1/loops/${encodeURIComponent(id)}`, body);
export const deleteLoop = (id: string) => sendJson<null>('DELETE', `/api/v1/loops/${encodeURIComponent(id)}`);

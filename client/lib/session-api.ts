/** Signing in and out (`/api/v1/session`), and what a session's roles allow on the page. */
import type { SessionResponse, SessionRole, SignInResponse } from '../../common/api';
import { ApiError, errorFromResponse, getJson } from './api-client';

export type Credentials = { token: string } | { username: string; password: string };

const SESSION_URL = '/api/v1/session';
const UNREACHABLE = 'Could not reach the Deming server. Check that it is running, then try again.';

export function getSession(signal?: AbortSignal): Promise<SessionResponse> {
  return getJson<SessionResponse>(SESSION_URL, signal);
}

/**
 * The message for a refused sign-in: the server's own (it says how long to wait after too many
 * failures), or for a 429 without one, the wait from `Retry-After` (seconds).
 */
export function signInError(status: number, statusText: string, body: unknown, retryAfter: string | null): ApiError {
  const e = errorFromResponse(status, statusText, body);
  if (status !== 429 || e.code !== 'http_error') return e;
  const seconds = Number(retryAfter);
  const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : null;
  const wait = minutes === null ? 'in a while' : `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return new ApiError(`Too many failed sign-in attempts: try again ${wait}.`, 429, 'too_many_attempts');
}

/** Opens a session (the server sets an httpOnly cookie); throws an `ApiError` with the server's message. */
export async function signIn(credentials: Credentials): Promise<SignInResponse> {
  let res: Response;
  try {
    res = await fetch(SESSION_URL, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
  } catch {
    throw new ApiError(UNREACHABLE, 0, 'network');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw signInError(res.status, res.statusText, body, res.headers.get('retry-after'));
  return body as SignInResponse;
}

/** Ends the session; the server clears the cookie. */
export async function signOut(): Promise<void> {
  let res: Response;
  try {
    res = await fetch(SESSION_URL, { method: 'DELETE', credentials: 'same-origin' });
  } catch {
    throw new ApiError(UNREACHABLE, 0, 'network');
  }
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, await res.json().catch(() => null));
}

/** Whether the dashboard may be shown: signed in, or reading needs no sign-in here. */
export function maySee(session: SessionResponse): boolean {
  return session.signedIn || !session.authRequired;
}

/** Whether the page may offer to plan loops, record decisions and delete loops. */
export function canEdit(session: SessionResponse | null): boolean {
  return session?.roles.includes('editor') ?? false;
}

const ROLE_ORDER: readonly SessionRole[] = ['admin', 'editor', 'viewer', 'ingest'];

/** The widest role a session holds, to say who is signed in: "admin", "editor", "viewer". */
export function widestRole(roles: readonly SessionRole[]): SessionRole | null {
  return ROLE_ORDER.find((r) => roles.includes(r)) ?? null;
}

/** What a failed repository or organisation is reported as: the cause and what to do about it. */
import { statusOf } from './client';

/** Thrown for a repository that is skipped on purpose (archived). */
export class SkippedRepository extends Error {}

/** A one-line reason for the report, the log and the dashboard. */
export function describeError(e: unknown): string {
  if (e instanceof SkippedRepository) return e.message;
  const status = statusOf(e);
  const message = e instanceof Error ? e.message.split(' - https://')[0].slice(0, 300) : String(e).slice(0, 300);
  switch (status) {
    case 401:
      return 'GitHub refused the credentials (401): check GITHUB_TOKEN, or the GitHub App id, key and installation.';
    case 403:
      return /rate limit/i.test(message)
        ? `GitHub's rate limit is spent (403)${resetOf(e)}: ${message}`
        : `forbidden (403): the token lacks a read permission this needs (Metadata, Contents, Pull requests, Deployments, Actions, Issues), or the organisation restricts it: ${message}`;
    case 404:
      return 'not found (404): check the name, and that the token can read this repository.';
    case 451:
      return 'unavailable for legal reasons (451).';
    default:
      return status ? `${message} (${status})` : message;
  }
}

/** When a spent rate limit resets, from the answer's headers. */
function resetOf(e: unknown): string {
  const reset = Number((e as { response?: { headers?: Record<string, string> } }).response?.headers?.['x-ratelimit-reset']);
  return reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

/** Whether the error means every further request would fail too until the limit resets. */
export function isRateLimitSpent(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== 403 && status !== 429) return false;
  const headers = (e as { response?: { headers?: Record<string, string> } }).response?.headers;
  return headers?.['x-ratelimit-remaining'] === '0';
}

/**
 * Whether a repository's failure may pass if asked again later in the run: a server error, a
 * dropped connection or a body cut short, not a refusal that would be the same again.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof SkippedRepository) return false;
  const status = statusOf(e);
  if (status === undefined)
    return !['SyntaxError', 'ZodError', 'GraphqlResponseError'].includes((e as { name?: string } | null)?.name ?? '');
  return status >= 500 || status === 429 || status === 408;
}

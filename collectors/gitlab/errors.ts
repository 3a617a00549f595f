/** What a failed project or group is reported as: the cause and what to do about it. */
import { GitlabHttpError, NotGitlabError } from './client';

/** Thrown for a project that is skipped on purpose (archived). */
export class SkippedProject extends Error {}

/** The token cannot do what Deming needs: every request would fail the same way. */
export class TokenError extends Error {}

/** The scopes GitLab says a request needed, from a 403 `insufficient_scope` answer. */
function neededScope(e: GitlabHttpError): string | null {
  const body = e.body as { error?: unknown; scope?: unknown } | null;
  if (body?.error !== 'insufficient_scope') return null;
  return typeof body.scope === 'string' ? body.scope : 'read_api';
}

/** A one-line reason for the report, the log and the dashboard. */
export function describeError(e: unknown): string {
  if (e instanceof SkippedProject || e instanceof TokenError || e instanceof NotGitlabError) return e.message;
  if (e instanceof GitlabHttpError) {
    const scope = neededScope(e);
    const message = e.message.slice(0, 300);
    switch (e.status) {
      case 401:
        return 'GitLab refused the token (401): check GITLAB_TOKEN (or sources.gitlab.token), and that it has not expired or been revoked.';
      case 403:
        return scope
          ? `the token lacks the read_api scope (GitLab asks for one of: ${scope.replace(/\s+/g, ', ')}): create a token with read_api (403).`
          : `forbidden (403): the token's user or bot cannot read this (give it at least the Reporter role on the project or group): ${message}`;
      case 404:
        return 'not found (404): check the path or id, and that the token can read this project or group.';
      case 429:
        return `GitLab's rate limit is spent (429)${resetOf(e)}: ${message}`;
      default:
        return message;
    }
  }
  return e instanceof Error ? e.message.slice(0, 300) : String(e).slice(0, 300);
}

function resetOf(e: GitlabHttpError): string {
  const reset = Number(e.headers['ratelimit-reset']);
  return reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
}

/** Whether every further request would fail too: a spent rate limit, or a token that cannot read. */
export function isRunWide(e: unknown): boolean {
  if (e instanceof TokenError || e instanceof NotGitlabError) return true;
  return e instanceof GitlabHttpError && (e.status === 401 || e.status === 429 || (e.status === 403 && neededScope(e) !== null));
}

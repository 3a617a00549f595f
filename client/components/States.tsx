/** Loading, error and empty states, the same everywhere. */
import type { ReactNode } from 'react';
import type { ApiError } from '../lib/api-client';

/** `testId`: "loading" marks what a page waits for; the session check before any page has its own. */
export function Loading({ label, testId = 'loading' }: { label: string; testId?: string }) {
  return (
    <p className="state state-loading" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** The server's own message, with a way to try again. */
export function ErrorMessage({ title, error, onRetry }: { title: string; error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert" data-testid="error">
      <h3 className="state-title">{title}</h3>
      <p>{error.message}</p>
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children, testId = 'empty' }: { children: ReactNode; testId?: string }) {
  return (
    <p className="state state-empty" data-testid={testId}>
      {children}
    </p>
  );
}

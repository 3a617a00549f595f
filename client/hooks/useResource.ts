/** Fetching one API resource, keyed by its URL: a new URL loads afresh, a new `version` refreshes in place. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson } from '../lib/api-client';

export interface Resource<T> {
  /** The data of the current URL; kept while a refresh is under way, so the page updates in place. */
  data: T | null;
  error: ApiError | null;
  /** True until the current URL has answered once. */
  loading: boolean;
  /** Asks again, after an error. */
  retry: () => void;
}

interface State<T> {
  url: string | null;
  data: T | null;
  error: ApiError | null;
}

/**
 * `url` null waits (for something it depends on). `version` is bumped by live events: the
 * request is repeated and the answer replaces the data without passing through "loading".
 */
export function useResource<T>(url: string | null, version = 0): Resource<T> {
  const [state, setState] = useState<State<T>>({ url: null, data: null, error: null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    getJson<T>(url, controller.signal).then(
      (data) => setState({ url, data, error: null }),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        const error = e instanceof ApiError ? e : new ApiError(e instanceof Error ? e.message : String(e), 0, 'client');
        setState((s) => ({ url, data: s.url === url ? s.data : null, error }));
      },
    );
    return () => controller.abort();
  }, [url, version, attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const current = url !== null && state.url === url;
  return { data: current ? state.data : null, error: current ? state.error : null, loading: !current, retry };
}

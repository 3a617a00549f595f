/**
 * Who the browser is signed in as, read from `GET /api/v1/session` when the app starts and again
 * whenever the server answers 401 (the session ended, or never was): the app then sends the
 * person to sign in instead of showing pages that cannot load.
 */
import { createContext, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SessionResponse } from '../../common/api';
import { ApiError, UNAUTHORIZED_EVENT } from '../lib/api-client';
import { getSession } from '../lib/session-api';

export interface SessionState {
  /** Null until the server has answered once. */
  session: SessionResponse | null;
  /** Why the session could not be read (the server is down, say). */
  error: ApiError | null;
  /** Reads the session again; resolves once the answer is in. */
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ session: SessionResponse | null; error: ApiError | null }>({ session: null, error: null });
  // Many reads may fail at once: they share one check.
  const pending = useRef<Promise<void> | null>(null);
  const refresh = useCallback(() => {
    pending.current ??= getSession()
      .then(
        (session) => setState({ session, error: null }),
        (e: unknown) => setState((s) => ({ session: s.session, error: e instanceof ApiError ? e : new ApiError(String(e), 0, 'client') })),
      )
      .finally(() => {
        pending.current = null;
      });
    return pending.current;
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    const onUnauthorized = () => {
      void refresh();
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [refresh]);

  const value = useMemo(() => ({ ...state, refresh }), [state, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

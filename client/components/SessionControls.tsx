/** In the header: who is signed in, with a way out; or a way in when signing in would allow more. */
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../hooks/useSession';
import { loginPath } from '../lib/next-path';
import { canEdit, signOut, widestRole } from '../lib/session-api';

export function SessionControls() {
  const { session } = useSession();
  const { pathname, search } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!session) return null;

  if (!session.signedIn) {
    // Everything is open to this browser already: nothing to sign in for.
    if (canEdit(session)) return null;
    return (
      <div className="session" data-testid="session">
        <Link className="session-sign-in" to={loginPath(pathname, search)} data-testid="sign-in-link">
          Sign in
        </Link>
      </div>
    );
  }

  const leave = async () => {
    setBusy(true);
    setError(null);
    try {
      await signOut();
      // A fresh page: nothing read under the session stays in memory, and the socket closes.
      window.location.assign('/login');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  // The role signed in with, not what loopback adds on top of it.
  const role = session.role ?? widestRole(session.roles);
  return (
    <div className="session" data-testid="session">
      <p className="session-who">
        <span className="session-label">Signed in as </span>
        <strong className="session-actor" title={session.actor ?? undefined} data-testid="session-actor">
          {session.actor}
        </strong>
        {role && <span className="session-role"> ({role})</span>}
      </p>
      <button type="button" className="sign-out" onClick={leave} disabled={busy} data-testid="sign-out">
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {error && (
        <p className="session-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

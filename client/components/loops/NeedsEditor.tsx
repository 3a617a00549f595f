/** Why a change to the loops is not offered: this session lacks the editor role. Says how to get it. */
import { Link, useLocation } from 'react-router';
import { useSession } from '../../hooks/useSession';
import { loginPath } from '../../lib/next-path';
import { canEdit, widestRole } from '../../lib/session-api';

/** Whether this session may plan loops, record decisions and delete loops. */
export function useCanEdit(): boolean {
  return canEdit(useSession().session);
}

/** `what` starts the sentence: "Planning a loop", "Recording a decision". */
export function NeedsEditor({ what, id }: { what: string; id?: string }) {
  const { session } = useSession();
  const { pathname, search } = useLocation();
  const role = session ? widestRole(session.roles) : null;
  return (
    <p className="needs-editor" id={id} data-testid="needs-editor">
      {what} needs the editor role.{' '}
      {session?.signedIn ? (
        <>
          You are signed in as <strong className="session-actor-inline">{session.actor}</strong>
          {role ? `, a ${role}` : ''}: ask an administrator for the editor role.
        </>
      ) : (
        <>
          <Link to={loginPath(pathname, search)}>Sign in</Link> as an editor to do it.
        </>
      )}
    </p>
  );
}

/** The session, from the nearest `SessionProvider`. */
import { useContext } from 'react';
import { SessionContext, type SessionState } from '../components/SessionProvider';

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionProvider> above it');
  return session;
}

/**
 * The frame of every dashboard page: checks the session first (sending the person to sign in
 * when this server needs it), then one socket, the organisation, the header, the demo banner and the page.
 */
import { Navigate, Outlet, useLocation } from 'react-router';
import { Header } from './Header';
import { OrgProvider } from './OrgProvider';
import { SiteFooter } from './SiteFooter';
import { SocketProvider } from './SocketProvider';
import { ErrorMessage, Loading } from './States';
import { useOrg } from '../hooks/useOrg';
import { useRouteFocus } from '../hooks/useRouteFocus';
import { useSession } from '../hooks/useSession';
import { loginPath } from '../lib/next-path';
import { maySee } from '../lib/session-api';

export function App() {
  const { session, error, refresh } = useSession();
  const { pathname, search } = useLocation();
  if (!session) {
    return (
      <main id="main" className="container site-main" tabIndex={-1}>
        {error ? (
          <ErrorMessage
            title="Could not check whether you are signed in"
            error={error}
            onRetry={() => {
              void refresh();
            }}
          />
        ) : (
          <Loading label="Checking your session…" testId="session-loading" />
        )}
      </main>
    );
  }
  if (!maySee(session)) return <Navigate to={loginPath(pathname, search)} replace />;
  return (
    <SocketProvider
      identity={session.actor ?? ''}
      onRefused={() => {
        void refresh();
      }}
    >
      <OrgProvider>
        <Frame />
      </OrgProvider>
    </SocketProvider>
  );
}

function Frame() {
  const org = useOrg();
  useRouteFocus();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the figures
      </a>
      <Header />
      {org.data?.demo && <DemoBanner />}
      <main id="main" className="container site-main" tabIndex={-1}>
        <Outlet />
      </main>
      <SiteFooter />
    </>
  );
}

/** Shown on every page while the figures are generated ones. */
export function DemoBanner() {
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <div className="container">
        <strong className="demo-tag">Demo data</strong>
        <span>— a generated organisation. Configure a source or send events to see your own.</span>
      </div>
    </div>
  );
}

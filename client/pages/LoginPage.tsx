/**
 * `/login`: sign in with single sign-on, a username and password, or an access token (whichever
 * the server offers), then back to the page the person wanted (`?next=`, a path of this site only).
 */
import { useEffect } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import type { SessionResponse } from '../../common/api';
import { Masthead } from '../components/Masthead';
import { SignInForm } from '../components/SignInForm';
import { SiteFooter } from '../components/SiteFooter';
import { ErrorMessage, Loading } from '../components/States';
import { useSession } from '../hooks/useSession';
import { safeNextPath } from '../lib/next-path';
import '../styles/login.css';

export function LoginPage() {
  const { session, error, refresh } = useSession();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  useEffect(() => {
    document.title = 'Sign in · Deming';
  }, []);
  // Signed in (just now, or already): on to the page wanted.
  if (session?.signedIn) return <Navigate to={next} replace />;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to signing in
      </a>
      <header className="site-header">
        <Masthead keepRange={false} />
      </header>
      <main id="main" className="container site-main login-main" tabIndex={-1}>
        <h1>Sign in to Deming</h1>
        <SsoProblem code={params.get('error')} />
        {session ? (
          <Methods session={session} next={next} onSignedIn={refresh} />
        ) : error ? (
          <ErrorMessage
            title="Could not reach the Deming server"
            error={error}
            onRetry={() => {
              void refresh();
            }}
          />
        ) : (
          <Loading label="Checking how you can sign in…" />
        )}
      </main>
      <SiteFooter />
    </>
  );
}

function Methods({ session, next, onSignedIn }: { session: SessionResponse; next: string; onSignedIn: () => Promise<void> }) {
  const { methods } = session;
  return (
    <div className="login" data-testid="login">
      <p className="login-intro">
        {session.authRequired
          ? 'This Deming server shows its figures to people who are signed in.'
          : 'You can read the figures without signing in; sign in to plan loops and record decisions.'}
      </p>
      {methods.oidc && (
        <section className="login-method" aria-labelledby="login-sso">
          <h2 id="login-sso">Single sign-on</h2>
          <p>With your organisation’s account. You come back to the page you wanted.</p>
          {/* A page of the server, not of the dashboard: a plain link. */}
          <p>
            <a className="button" href={`/auth/oidc/login?next=${encodeURIComponent(next)}`} data-testid="sso-link">
              Sign in with single sign-on
            </a>
          </p>
        </section>
      )}
      {methods.password && (
        <section className="login-method" aria-labelledby="login-password">
          <h2 id="login-password">Username and password</h2>
          <SignInForm kind="password" onSignedIn={onSignedIn} />
        </section>
      )}
      <section className="login-method" aria-labelledby="login-token">
        <h2 id="login-token">Access token</h2>
        <SignInForm kind="token" onSignedIn={onSignedIn} />
      </section>
      {!session.authRequired && (
        <p>
          <Link to={next} data-testid="continue-link">
            Continue without signing in
          </Link>
        </p>
      )}
    </div>
  );
}

/** What the server said when single sign-on came back without a session. */
const SSO_PROBLEMS: Record<string, string> = {
  no_role: 'Your account has no Deming role: ask an administrator to add you to a group that has one.',
  oidc_failed: 'Single sign-on did not complete. Start again, or sign in with a token.',
  oidc_state: 'This sign-in was not started in this browser, or took too long. Start again.',
  oidc_unavailable: 'The identity provider did not answer. Try again, or sign in with a token.',
  oidc_busy: 'Too many single sign-ins are under way on this server. Try again in a few minutes, or sign in with a token.',
};

function SsoProblem({ code }: { code: string | null }) {
  if (!code) return null;
  return (
    <div className="state state-error" role="alert" data-testid="sso-problem">
      <p>{SSO_PROBLEMS[code] ?? 'Single sign-on did not complete. Start again, or sign in with a token.'}</p>
    </div>
  );
}

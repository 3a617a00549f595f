/** One way of signing in: an access token, or a username and password. The server's refusal is shown beside the fields. */
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api-client';
import { signIn, type Credentials } from '../lib/session-api';

interface Props {
  kind: 'token' | 'password';
  /** Called once the session is open. */
  onSignedIn: () => Promise<void>;
}

export function SignInForm({ kind, onSignedIn }: Props) {
  const id = useId();
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // `field`: the refusal is about what was typed (not, say, about too many attempts).
  const [error, setError] = useState<{ message: string; attempt: number; field: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fail = (message: string, field = true) => setError((old) => ({ message, field, attempt: (old?.attempt ?? 0) + 1 }));
    const credentials: Credentials | null =
      kind === 'token'
        ? token.trim()
          ? { token: token.trim() }
          : null
        : username.trim() && password
          ? { username: username.trim(), password }
          : null;
    if (!credentials) {
      fail(kind === 'token' ? 'Enter your access token.' : 'Enter your username and your password.');
      return;
    }
    setBusy(true);
    try {
      await signIn(credentials);
      setToken('');
      setPassword('');
      setError(null);
      await onSignedIn();
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(String(err), 0, 'client');
      fail(e.message, e.status === 400 || e.status === 401);
    } finally {
      setBusy(false);
    }
  };

  const errorId = `${id}-error`;
  const described = (hint?: string) => [hint, error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const invalid = error?.field ? true : undefined;
  return (
    <form className="sign-in-form" onSubmit={submit} noValidate data-testid={`sign-in-${kind}`}>
      {error && (
        // Keyed by attempt, so the same refusal twice is announced twice.
        <p key={error.attempt} className="sign-in-error" id={errorId} role="alert" data-testid="sign-in-error">
          <span className="visually-hidden">Error: </span>
          {error.message}
        </p>
      )}
      {kind === 'token' ? (
        <div className="field">
          <label htmlFor={`${id}-token`}>Token</label>
          <span className="hint" id={`${id}-token-hint`}>
            The token an administrator gave you. It opens a session in this browser and is not kept by the page.
          </span>
          <input
            id={`${id}-token`}
            type="password"
            name="token"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-describedby={described(`${id}-token-hint`)}
            aria-invalid={invalid}
            data-testid="token-input"
          />
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-username`}>Username</label>
            <input
              id={`${id}-username`}
              type="text"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-describedby={described()}
              aria-invalid={invalid}
              data-testid="username-input"
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={described()}
              aria-invalid={invalid}
              data-testid="password-input"
            />
          </div>
        </>
      )}
      <div>
        <button type="submit" className="button" disabled={busy} data-testid={`sign-in-${kind}-submit`}>
          {busy ? 'Signing in…' : kind === 'token' ? 'Sign in with the token' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}

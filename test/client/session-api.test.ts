import { describe, expect, it } from 'vitest';
import type { SessionResponse } from '../../common/api';
import { canEdit, maySee, signInError, widestRole } from '../../client/lib/session-api';

const session = (over: Partial<SessionResponse> = {}): SessionResponse => ({
  signedIn: false,
  actor: null,
  role: null,
  roles: [],
  methods: { token: true, password: false, oidc: false },
  authRequired: true,
  ...over,
});

describe('signInError', () => {
  it("shows the server's message, the wait included", () => {
    const e = signInError(
      429,
      'Too Many Requests',
      { error: { code: 'too_many_attempts', message: 'Too many failed sign-in attempts from this address: try again in 15 minutes.' } },
      '900',
    );
    expect(e.message).toBe('Too many failed sign-in attempts from this address: try again in 15 minutes.');
    expect(e.status).toBe(429);
    expect(signInError(401, 'Unauthorized', { error: { code: 'unauthorized', message: 'That token is not valid.' } }, null).message).toBe(
      'That token is not valid.',
    );
  });

  it('says how long to wait from Retry-After when the answer has no message', () => {
    expect(signInError(429, 'Too Many Requests', null, '61').message).toBe('Too many failed sign-in attempts: try again in 2 minutes.');
    expect(signInError(429, '', null, '30').message).toBe('Too many failed sign-in attempts: try again in 1 minute.');
    expect(signInError(429, '', null, null).message).toBe('Too many failed sign-in attempts: try again in a while.');
  });
});

describe('what a session allows', () => {
  it('shows the dashboard when signed in or when no sign-in is needed', () => {
    expect(maySee(session())).toBe(false);
    expect(maySee(session({ signedIn: true, actor: 'env:viewer', roles: ['viewer'] }))).toBe(true);
    expect(maySee(session({ authRequired: false, roles: ['viewer', 'ingest'] }))).toBe(true);
  });

  it('offers changes to loops only with the editor role', () => {
    expect(canEdit(session({ signedIn: true, roles: ['viewer'] }))).toBe(false);
    expect(canEdit(session({ signedIn: true, roles: ['editor', 'viewer'] }))).toBe(true);
    expect(canEdit(null)).toBe(false);
  });

  it('names the widest role', () => {
    expect(widestRole(['admin', 'editor', 'viewer', 'ingest'])).toBe('admin');
    expect(widestRole(['editor', 'viewer'])).toBe('editor');
    expect(widestRole(['viewer'])).toBe('viewer');
    expect(widestRole([])).toBeNull();
  });
});

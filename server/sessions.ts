/**
 * Browser sessions: a random id in an httpOnly cookie, only its hash in the database, with how
 * the session was made. Every use re-checks that against the configuration now (DESIGN.md,
 * "Security"): a password session holds while its user is configured, with the user's role
 * now; a token session while a configured token has the same hash, with that token's role;
 * a single sign-on session while the role mapping now maps its claim values to a role. A
 * session that no longer holds ends (its row is deleted).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRow, Store } from '../db/store';
import type { Config, Role } from './config';
import { roleFromClaims } from './oidc';
import { widestRole } from './roles';
import type { SessionLookup } from './auth';

/** How a session was made: what is checked again at every use. */
export type SessionOrigin =
  | { kind: 'password'; username: string }
  /** The SHA-256 (hex) of the token, never the token. */
  | { kind: 'token'; tokenHash: string }
  /** The role claim's name and the values of it that gave a role at sign-in. */
  | { kind: 'oidc'; claim: string; values: string[] };

export interface SessionStore extends SessionLookup {
  /** Starts a session; resolves with the cookie value and when it expires. */
  create(actor: string, role: Role, origin: SessionOrigin): Promise<{ id: string; expiresAt: number }>;
  destroy(sessionId: string): Promise<void>;
  readonly hours: number;
}

/** What the sessions are checked against. */
export type SessionAuthority = Pick<Config, 'users' | 'tokens' | 'oidc' | 'sessionHours'>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** How a token is recorded in its sessions. */
export const tokenHash = sha256;

function encode(o: SessionOrigin): { kind: string; origin: string } {
  switch (o.kind) {
    case 'password':
      return { kind: o.kind, origin: o.username };
    case 'token':
      return { kind: o.kind, origin: o.tokenHash };
    case 'oidc':
      return { kind: o.kind, origin: JSON.stringify({ claim: o.claim, values: o.values }) };
  }
}

/**
 * What a session made this way holds under this configuration: its role now, or null when
 * none (the session ends). The configuration does not change while a server runs, so the
 * tokens are hashed once.
 */
export function sessionChecker(authority: SessionAuthority): (row: Pick<SessionRow, 'kind' | 'origin'>) => Role | null {
  const tokenRoles = new Map<string, Role[]>();
  for (const t of authority.tokens) {
    const h = tokenHash(t.token);
    tokenRoles.set(h, [...(tokenRoles.get(h) ?? []), t.role]);
  }
  return (row) => {
    switch (row.kind) {
      case 'password':
        return authority.users.find((u) => u.username === row.origin)?.role ?? null;
      case 'token':
        return widestRole(tokenRoles.get(row.origin) ?? []);
      case 'oidc': {
        const oidc = authority.oidc;
        if (!oidc) return null;
        let stored: { claim?: unknown; values?: unknown };
        try {
          stored = JSON.parse(row.origin) as typeof stored;
        } catch {
          return null;
        }
        // The claim renamed in the configuration: what gave the role cannot be checked again.
        if (stored.claim !== oidc.roleClaim || !Array.isArray(stored.values)) return null;
        return roleFromClaims({ [oidc.roleClaim]: stored.values.map(String) }, oidc);
      }
      // Made before sessions recorded their origin: ends.
      default:
        return null;
    }
  };
}

/** What the sessions are kept in. */
export type SessionTable = Pick<Store, 'getSession' | 'insertSession' | 'deleteSession' | 'deleteExpiredSessions'>;

export function createSessionStore(store: SessionTable, authority: SessionAuthority, now: () => number): SessionStore {
  let lastSweep = 0;
  const hours = authority.sessionHours;
  const roleNow = sessionChecker(authority);
  return {
    hours,
    async lookup(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
      const idHash = sha256(id);
      const row = await store.getSession(idHash, now());
      if (!row) return null;
      const role = roleNow(row);
      if (!role) {
        await store.deleteSession(idHash);
        return null;
      }
      return { actor: row.actor, role };
    },
    async create(actor, role, origin) {
      const t = now();
      if (t - lastSweep > 3_600_000) {
        lastSweep = t;
        await store.deleteExpiredSessions(t);
      }
      const id = randomBytes(32).toString('base64url');
      const expiresAt = t + hours * 3_600_000;
      await store.insertSession(sha256(id), { actor, role, ...encode(origin), createdAt: t, expiresAt });
      return { id, expiresAt };
    },
    async destroy(id) {
      await store.deleteSession(sha256(id));
    },
  };
}

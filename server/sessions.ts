/** Browser sessions: a random id in an httpOnly cookie, only its hash in the database. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection';
import { deleteExpiredSessions, deleteSession, getSession, insertSession } from '../db/queries/sessions';
import type { Role } from './config';
import type { SessionLookup } from './auth';

export interface SessionStore extends SessionLookup {
  /** Starts a session; returns the cookie value and when it expires. */
  create(actor: string, role: Role): { id: string; expiresAt: number };
  destroy(sessionId: string): void;
  readonly hours: number;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export function createSessionStore(db: Db, hours: number, now: () => number): SessionStore {
  let lastSweep = 0;
  return {
    hours,
    lookup(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
      const row = getSession(db, hashOf(id), now());
      return row ? { actor: row.actor, role: row.role as Role } : null;
    },
    create(actor, role) {
      const t = now();
      if (t - lastSweep > 3_600_000) { deleteExpiredSessions(db, t); lastSweep = t; }
      const id = randomBytes(32).toString('base64url');
      const expiresAt = t + hours * 3_600_000;
      insertSession(db, hashOf(id), actor, role, t, expiresAt);
      return { id, expiresAt };
    },
    destroy(id) { deleteSession(db, hashOf(id)); },
  };
}

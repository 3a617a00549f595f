/** Browser sessions, keyed by a hash of the cookie value. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface SessionRow { actor: string; role: string; expiresAt: number }

export function insertSession(db: Db, idHash: string, actor: string, role: string, createdAt: number, expiresAt: number): void {
  prepared(db, 'INSERT INTO sessions (id_hash, actor, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(idHash, actor, role, createdAt, expiresAt);
}

export function getSession(db: Db, idHash: string, now: number): SessionRow | undefined {
  return prepared<[string, number], SessionRow>(db, 'SELECT actor, role, expires_at AS expiresAt FROM sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now);
}

export function deleteSession(db: Db, idHash: string): void {
  prepared(db, 'DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

export function deleteExpiredSessions(db: Db, now: number): void {
  prepared(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now);
}

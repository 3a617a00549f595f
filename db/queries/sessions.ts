/** Browser sessions, keyed by a hash of the cookie value, with how each was made. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface SessionRow {
  actor: string;
  role: string;
  kind: string;
  origin: string;
  createdAt: number;
  expiresAt: number;
}

const columns = 'actor, role, kind, origin, created_at AS createdAt, expires_at AS expiresAt';

export function insertSession(db: Db, idHash: string, row: SessionRow): void {
  prepared(db, 'INSERT INTO sessions (id_hash, actor, role, kind, origin, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    idHash,
    row.actor,
    row.role,
    row.kind,
    row.origin,
    row.createdAt,
    row.expiresAt,
  );
}

export function getSession(db: Db, idHash: string, now: number): SessionRow | undefined {
  return prepared<[string, number], SessionRow>(db, `SELECT ${columns} FROM sessions WHERE id_hash = ? AND expires_at > ?`).get(
    idHash,
    now,
  );
}

/** Every session not expired, oldest first (without their ids' hashes). */
export function listSessions(db: Db, now: number): SessionRow[] {
  return prepared<[number], SessionRow>(db, `SELECT ${columns} FROM sessions WHERE expires_at > ? ORDER BY created_at, actor`).all(now);
}

export function deleteSession(db: Db, idHash: string): void {
  prepared(db, 'DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

export function deleteExpiredSessions(db: Db, now: number): void {
  prepared(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now);
}

/** Ends the sessions of one actor (`user:ada`, `oidc:grace`, a token's name); returns how many. */
export function deleteSessionsOf(db: Db, actor: string, now: number): number {
  return prepared(db, 'DELETE FROM sessions WHERE actor = ? AND expires_at > ?').run(actor, now).changes;
}

/** Ends every session; returns how many were still valid. */
export function deleteAllSessions(db: Db, now: number): number {
  return db.transaction(() => {
    const live = (prepared(db, 'SELECT count(*) AS n FROM sessions WHERE expires_at > ?').get(now) as { n: number }).n;
    prepared(db, 'DELETE FROM sessions').run();
    return live;
  })();
}

/**
 * The two database failures only an operator can fix, told apart from every other error: a full
 * disk (SQLite's `SQLITE_FULL`, or an I/O error while the file system has no room left) and a
 * damaged file (`SQLITE_CORRUPT`, `SQLITE_NOTADB`). Each has a message that says what to do, and
 * each connection remembers the last one seen, so `GET /api/v1/health` can show it: a full disk
 * until a later write commits, a damaged file until the process ends (damage does not heal).
 */
import Database from 'better-sqlite3';
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from './connection';

export type DatabaseFaultKind = 'disk_full' | 'damaged';

export interface DatabaseFault {
  kind: DatabaseFaultKind;
  /** When it was first seen (epoch ms); a fault seen again keeps its first time. */
  since: number;
  /** SQLite's own words, for the log and the health answer. */
  sqlite: string;
}

/** Below this many free bytes, an I/O error while writing is taken for a full disk. */
const NO_ROOM = 1 << 20;

function noRoomLeft(file: string): boolean {
  if (file === '' || file === ':memory:') return false;
  try {
    const s = statfsSync(dirname(file));
    return s.bavail * s.bsize < NO_ROOM;
  } catch {
    return false;
  }
}

/** Which fault `e` is, or null for any other error. `file` (the database's) tells an I/O error on a full disk apart. */
export function faultKind(e: unknown, file = ''): DatabaseFaultKind | null {
  if (!(e instanceof Database.SqliteError)) return null;
  if (e.code === 'SQLITE_FULL') return 'disk_full';
  if (e.code.startsWith('SQLITE_CORRUPT') || e.code === 'SQLITE_NOTADB') return 'damaged';
  if (e.code.startsWith('SQLITE_IOERR') && noRoomLeft(file)) return 'disk_full';
  return null;
}

/** How to recover a damaged file: the same words at start (with or without the check) and later. */
export const RESTORE_BACKUP = 'Stop writing to it, and restore the latest backup (made with `npx deming backup`).';

/**
 * What the operator (or the client) is told. `file` names the database where the reader is the
 * operator; API answers leave it out.
 */
export function faultMessage(kind: DatabaseFaultKind, sqlite: string, file?: string): string {
  const what = file ?? "Deming's database file";
  if (kind === 'disk_full') {
    return (
      `The disk that holds ${what} is full (SQLite: ${sqlite}), so nothing of this was stored. ` +
      'Free space on it, or move DEMING_DB to a larger disk, then send again; GET /api/v1/health says "ok" again once a write has been stored.'
    );
  }
  return (
    `${what} is damaged (SQLite: ${sqlite}). ${RESTORE_BACKUP} ` +
    'The check beside the server (DEMING_INTEGRITY_CHECK, `full` to read every index too) finds damage anywhere in the file.'
  );
}

/** Remembers a fault `e` is (a damaged file is never forgotten for a full disk); returns its kind, or null. */
export function noteDatabaseError(db: Db, e: unknown, now: number): DatabaseFaultKind | null {
  const kind = faultKind(e, db.name);
  if (!kind) return null;
  const seen = db.fault;
  if (seen?.kind === 'damaged' && kind !== 'damaged') return kind;
  if (seen?.kind !== kind) db.fault = { kind, since: now, sqlite: (e as Error).message };
  return kind;
}

/** A write has committed: the disk has room again. */
export function noteWriteCommitted(db: Db): void {
  if (db.fault?.kind === 'disk_full') db.fault = undefined;
}

/** The fault this connection last saw, if it still stands. */
export function databaseFault(db: Db): DatabaseFault | undefined {
  return db.fault;
}

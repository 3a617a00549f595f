import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';

/** Returns the statement for `sql`, prepared once per connection (kept by the connection). */
export function prepared<P extends unknown[] | {} = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let stmt = db.statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    db.statements.set(sql, stmt);
  }
  return stmt as unknown as Statement<P, R>;
}

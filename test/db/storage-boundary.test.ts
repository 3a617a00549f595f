/**
 * Storage sits behind one interface (db/store.ts): no file outside db/, bench/ and test/ imports
 * better-sqlite3 or pg, or names its connection type (`Db`, `Connection` of db/connection.ts), and
 * nothing keeps a database's state in a module-level `WeakMap<Db, …>` outside the store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const SOURCE = /\.(ts|tsx)$/;

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

/** Every source file above db/ (collectors, common, server, client, bin). */
const above = ['collectors', 'common', 'server', 'client'].flatMap(files);

function offences(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  if (/from ['"]better-sqlite3['"]|require\(['"]better-sqlite3['"]\)/.test(text)) found.push('imports better-sqlite3');
  if (/from ['"]pg['"]|require\(['"]pg['"]\)/.test(text)) found.push('imports pg (the PostgreSQL driver belongs to db/postgres/)');
  if (/import[^;]*\b(Db|Connection)\b[^;]*from ['"][./]*db\/connection['"]/.test(text))
    found.push('uses the connection type of db/connection.ts');
  if (/WeakMap<\s*Db\b/.test(text)) found.push('keeps state in a WeakMap<Db>');
  return found;
}

describe('the storage boundary', () => {
  it('no file above db/ imports better-sqlite3 or pg, or uses the SQLite connection type', () => {
    const found = above.map((f) => ({ file: f, what: offences(f) })).filter((o) => o.what.length > 0);
    expect(found).toEqual([]);
  });

  it("no module of db/ keeps a database's state in a WeakMap keyed by the connection", () => {
    expect(files('db').filter((f) => /WeakMap<\s*(Db|Connection)\b/.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });
});

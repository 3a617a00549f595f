/** Small key/value settings the server keeps about its own database. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export function getSetting(db: Db, key: string): string | undefined {
  return prepared<[string], { value: string }>(db, 'SELECT value FROM settings WHERE key = ?').get(key)?.value;
}

export function putSetting(db: Db, key: string, value: string): void {
  prepared(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

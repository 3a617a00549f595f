/**
 * Which store the storage-touching suites run against: SQLite (the default) or PostgreSQL, when
 * the vitest project `postgres` (vitest.config.ts) sets `DEMING_TEST_STORE=postgres`. The test
 * helpers that open stores and servers (test/helpers/server.ts, ...) ask here, so a suite runs
 * against both without knowing it.
 */
export type TestStore = 'sqlite' | 'postgres';

export function testStore(): TestStore {
  const v = process.env.DEMING_TEST_STORE ?? 'sqlite';
  if (v !== 'sqlite' && v !== 'postgres') throw new Error(`DEMING_TEST_STORE: expected sqlite or postgres, got "${v}"`);
  return v;
}

/**
 * Stands in for the SQLite connection a suite reads beside the API (`s.db`) when the store is
 * PostgreSQL: any use fails saying the suite is SQLite-only (leave it out of the postgres project).
 */
export function sqliteOnly<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      throw new Error(
        `${what}.${String(prop)}: this suite reads the SQLite file directly, so it runs on SQLite only (not in the postgres project)`,
      );
    },
  });
}

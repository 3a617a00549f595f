import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL server for the run (test/helpers/postgres.ts); tests take a database of it each.
    globalSetup: ['./test/helpers/postgres-global.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The suites that run a second time on PostgreSQL (the `postgres` project, DEMING_TEST_STORE=postgres:
 * test/helpers/store-choice.ts), their servers on a database of their own of the run's PostgreSQL
 * server. A suite joins once it passes there; those that read the SQLite file directly (`s.db`,
 * `SqliteStore.connection`) stay SQLite-only.
 */
const onPostgres = [
  'test/server/summary.test.ts',
  'test/server/updated-at.test.ts',
  'test/server/roles.test.ts',
  'test/server/loops-timeline.test.ts',
  'test/server/changes-by-pull-request.test.ts',
  'test/server/approval-segment.test.ts',
  'test/server/metrics/change-request.test.ts',
  'test/server/loops-demo.test.ts',
  'test/server/oidc-pending.test.ts',
  'test/server/door.test.ts',
  'test/server/sign-in-limits.test.ts',
  'test/collectors/gitlab/evidence.test.ts',
  'test/collectors/github/scheduler.test.ts',
  'test/server/ingest-http.test.ts',
  'test/server/read-http.test.ts',
  'test/collectors/junit/http.test.ts',
  'test/server/limits.test.ts',
  'test/server/loops.test.ts',
];

export default defineConfig({
  test: {
    root: '.',
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real PostgreSQL server for the run (test/helpers/postgres.ts); tests take a database of it each.
    globalSetup: ['./test/helpers/postgres-global.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      // (include per project: a project's include is added to the root's, not put in its place)
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...configDefaults.exclude, 'test/multi/**'],
        },
      },
      // test/multi: several Deming processes on one PostgreSQL database (issue 23), on PostgreSQL only.
      {
        extends: true,
        test: { name: 'postgres', include: [...onPostgres, 'test/multi/**/*.test.ts'], env: { DEMING_TEST_STORE: 'postgres' } },
      },
    ],
  },
});

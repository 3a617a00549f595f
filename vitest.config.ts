import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The suites that run a second time on PostgreSQL (the `postgres` project, DEMING_TEST_STORE=postgres:
 * test/helpers/store-choice.ts), their servers on a database of their own of the run's PostgreSQL
 * server. A suite joins once it passes there; it reads rows through the HTTP API, the Store, or
 * test/helpers/either-store.ts (`eitherDb()`, a server's `rows`), never the SQLite file itself.
 *
 * SQLite-only on purpose (what they test is SQLite's own):
 * - test/server/crash, durability, disk-full: SIGKILL mid-write on the file, its WAL, `max_page_count`.
 * - test/server/start-snapshot, test/db/event-keys: the key index and facts snapshot kept beside the file.
 * - test/server/identifiers: the SQLite upgrade from older migrations.
 * - test/collectors/github/resume, gitlab/resume: a collect killed once the file has its first batch.
 * - test/db/postgres-*, test/cli/postgres-commands, migrate-to-postgres: start their own servers and databases.
 * Not yet moved (they read the SQLite file or call the synchronous db/ functions directly; the next
 * to move to `eitherDb()`): test/db/ingest, ingest-batch, store, test/server/metrics/metrics and
 * evidence, test/collectors (git, cdevents/http, incidents, pagerduty, servicenow, jira,
 * alertmanager, github/webhook-replay, gitlab/webhooks), test/cli (collect-git, export-import,
 * newcomer), test/scale, and test/server live, session, session-recheck, org-tree, fuzz, prometheus,
 * timestamps, config.
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
  'test/server/production-pattern.test.ts',
  'test/collectors/github/incremental.test.ts',
  'test/collectors/github/rate-limit.test.ts',
  'test/collectors/github/declared-environments.test.ts',
  'test/collectors/github/webhooks.test.ts',
  'test/server/lead-time-from.test.ts',
  'test/collectors/github/backfill.test.ts',
  'test/collectors/github/releases-retracted.test.ts',
  'test/collectors/github/requests.test.ts',
  'test/collectors/github/transport.test.ts',
  'test/collectors/gitlab/backfill.test.ts',
  'test/collectors/gitlab/declared-environments.test.ts',
  'test/collectors/gitlab/incremental.test.ts',
  'test/collectors/gitlab/releases.test.ts',
  'test/collectors/gitlab/transport.test.ts',
];

export default defineConfig({
  test: {
    root: '.',
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time, also on a 2-core machine (vitest's default there is one): most suites
    // wait on child processes, servers, PostgreSQL and Chromium rather than use a core.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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

/**
 * vitest global setup: one PostgreSQL server for the whole run (test/helpers/postgres.ts), its
 * superuser URL provided to the tests as `postgresUrl`, stopped and removed after the run. Where
 * PostgreSQL is not installed the SQLite tests still run, and a PostgreSQL test fails saying so.
 */
import type { TestProject } from 'vitest/node';
import { postgresBinDir, startPostgres } from './postgres';

export default async function setup(project: TestProject): Promise<() => void> {
  if (!postgresBinDir()) {
    project.provide('postgresUrl', null);
    project.provide('postgresMissing', 'PostgreSQL is not installed: apt-get install -y postgresql, as .ci/run does');
    return () => {};
  }
  const server = await startPostgres();
  // A run that exits without its teardown (an error in vitest) still stops its server.
  const onExit = () => server.stop();
  process.once('exit', onExit);
  project.provide('postgresUrl', server.adminUrl);
  project.provide('postgresMissing', null);
  return () => {
    process.off('exit', onExit);
    server.stop();
  };
}

/**
 * `npx deming migrate`: brings the PostgreSQL schema up to date (db/postgres/migrate.ts), for a
 * deployment that runs migrations with a role that owns the schema and the server with one that
 * only reads and writes rows. On SQLite the server migrates its file itself: nothing to do here.
 */
import type { CliCommand } from './index';
import { loadConfig } from '../config';
import { CommandUsageError, parseOptions } from './local';
import { connectPostgres, describeTarget } from '../../db/postgres/connect';
import { migrate } from '../../db/postgres/migrate';

const command: CliCommand = {
  summary: 'Bring the PostgreSQL schema up to date (run it with a role that owns the schema).',
  usage: 'migrate [--config deming.config.yaml]',
  async run(args) {
    const { values, positionals } = parseOptions(args, { config: { type: 'string' } });
    if (positionals.length > 0) throw new CommandUsageError(`migrate takes no arguments (got ${positionals.join(' ')}).`);
    const config = loadConfig(process.env, values.config as string | undefined);
    if (!config.postgres) {
      throw new CommandUsageError(
        `the database is the SQLite file ${config.dbFile}, which the server migrates itself at start: migrate is for PostgreSQL (set DEMING_DATABASE_URL).`,
      );
    }
    const where = describeTarget(config.postgres.url);
    const pool = await connectPostgres({ ...config.postgres, poolSize: 1 });
    try {
      const r = await migrate(pool, { log: (m) => console.log(m) });
      console.log(
        r.applied.length > 0
          ? `Migrated ${where} to schema version ${r.version} (${r.applied.length} applied).`
          : `${where} is up to date (schema version ${r.version}).`,
      );
      return 0;
    } finally {
      await pool.end();
    }
  },
};
export default command;

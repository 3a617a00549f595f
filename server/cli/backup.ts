/** `npx deming backup <file>`: a consistent copy of the live database, by SQLite's online backup. */
import { existsSync } from 'node:fs';
import type { CliCommand } from './index';
import { openStore } from '../../db/store';
import { loadConfig } from '../config';
import { CommandUsageError, parseOptions } from './local';

const command: CliCommand = {
  summary: 'Copy the database to a file while the server keeps running (SQLite online backup).',
  usage: 'backup <file> [--config deming.config.yaml] [--force]',
  async run(args) {
    const { values, positionals } = parseOptions(args, { config: { type: 'string' }, force: { type: 'boolean' } });
    const target = positionals[0];
    if (!target || positionals.length > 1) throw new CommandUsageError('name one file to write the backup to, e.g. `npx deming backup backups/deming-2026-03-01.db`.');
    if (existsSync(target) && !values.force) throw new CommandUsageError(`${target} exists already: choose another name, or pass --force to overwrite it.`);
    const config = loadConfig(process.env, values.config as string | undefined);
    if (!existsSync(config.dbFile)) throw new CommandUsageError(`There is no database at ${config.dbFile} to back up: set DEMING_DB.`);
    const store = openStore(config.dbFile, { check: config.integrityCheck });
    try {
      const started = Date.now();
      await store.backup(target, {
        progress: (done, total) => { if (process.stderr.isTTY) process.stderr.write(`\rbackup: ${done}/${total} pages`); },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(`Backed up ${config.dbFile} to ${target} in ${Date.now() - started} ms.`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
export default command;

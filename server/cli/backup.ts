/** `npx deming backup <file>`: a consistent copy of the live database, by SQLite's online backup. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CliCommand } from './index';
import { openStore } from '../../db/store';
import { BackupNotHere } from '../../db/postgres/store';
import { loadConfig } from '../config';
import { CommandUsageError, parseOptions } from './local';

const command: CliCommand = {
  summary: 'Copy the database to a file while the server keeps running (SQLite online backup).',
  usage: 'backup <file> [--config deming.config.yaml] [--force]',
  async run(args) {
    const { values, positionals } = parseOptions(args, { config: { type: 'string' }, force: { type: 'boolean' } });
    const configured = loadConfig(process.env, values.config as string | undefined);
    if (configured.postgres) {
      // Backups on PostgreSQL are the platform's: say how, and fail, so a backup script notices.
      console.error(`deming backup: ${new BackupNotHere().message}`);
      return 1;
    }
    const target = positionals[0];
    if (!target || positionals.length > 1)
      throw new CommandUsageError('name one file to write the backup to, e.g. `npx deming backup backups/deming-2026-03-01.db`.');
    // Where the copy goes, checked before anything is opened: a folder, or a file in a folder that is not there, is a usage error, not a TypeError.
    const folder = dirname(resolve(target));
    const example = join(target, `deming-${new Date().toISOString().slice(0, 10)}.db`);
    if (existsSync(target) && statSync(target).isDirectory())
      throw new CommandUsageError(`${target} is a folder: name a file in it, e.g. \`npx deming backup ${example}\`.`);
    if (!existsSync(folder))
      throw new CommandUsageError(
        `the folder ${dirname(target)} does not exist: create it first (\`mkdir -p ${dirname(target)}\`), or name a file in a folder that exists.`,
      );
    if (!statSync(folder).isDirectory())
      throw new CommandUsageError(`${dirname(target)} is not a folder: name a file in a folder that exists.`);
    if (existsSync(target) && !values.force)
      throw new CommandUsageError(`${target} exists already: choose another name, or pass --force to overwrite it.`);
    const config = configured;
    if (!existsSync(config.dbFile)) throw new CommandUsageError(`There is no database at ${config.dbFile} to back up: set DEMING_DB.`);
    const store = openStore(config.dbFile, { check: config.integrityCheck });
    try {
      const started = Date.now();
      await store.backup(target, {
        progress: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rbackup: ${done}/${total} pages`);
        },
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

/**
 * `npx deming sessions list|revoke`: the browser sessions in the database, and ending them,
 * while the server keeps running (the same SQLite file; a session ended here is refused at its
 * next request).
 */
import { existsSync } from 'node:fs';
import type { CliCommand } from './index';
import { openConfiguredStore } from '../../db/open';
import { loadConfig } from '../config';
import { sessionChecker } from '../sessions';
import { CommandUsageError, parseOptions } from './local';

const usage = 'sessions list | sessions revoke (--user <name> | --actor <actor> | --all) [--config deming.config.yaml]';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const command: CliCommand = {
  summary: 'List the browser sessions (never their ids), or end those of a user, an actor, or all of them.',
  usage,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      config: { type: 'string' },
      user: { type: 'string' },
      actor: { type: 'string' },
      all: { type: 'boolean' },
    });
    const [action, ...extra] = positionals;
    if ((action !== 'list' && action !== 'revoke') || extra.length > 0) throw new CommandUsageError(`say what to do: ${usage}`);
    const chosen = [values.user !== undefined, values.actor !== undefined, values.all === true].filter(Boolean).length;
    if (action === 'list' && chosen > 0)
      throw new CommandUsageError('`sessions list` takes no --user, --actor or --all: it lists every session.');
    if (action === 'revoke' && chosen !== 1)
      throw new CommandUsageError(
        'name which sessions to end with exactly one of --user <name>, --actor <actor> (as `sessions list` shows it) or --all.',
      );
    const config = loadConfig(process.env, values.config as string | undefined);
    if (!config.postgres && !existsSync(config.dbFile))
      throw new CommandUsageError(`There is no database at ${config.dbFile}: set DEMING_DB to the server's database file.`);
    const store = await openConfiguredStore(config);
    try {
      const now = Date.now();
      if (action === 'list') {
        const roleNow = sessionChecker(config);
        const rows = (await store.listSessions(now)).map((s) => [
          s.actor,
          roleNow(s) ?? 'none (ends at its next use)',
          s.kind || 'unknown',
          iso(s.createdAt),
          iso(s.expiresAt),
        ]);
        if (rows.length === 0) {
          console.log('No sessions.');
          return 0;
        }
        const table = [['ACTOR', 'ROLE', 'KIND', 'CREATED', 'EXPIRES'], ...rows];
        const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
        for (const r of table)
          console.log(
            r
              .map((c, i) => c.padEnd(widths[i]))
              .join('  ')
              .trimEnd(),
          );
        return 0;
      }
      const actor = values.user !== undefined ? `user:${values.user as string}` : (values.actor as string | undefined);
      const ended = actor === undefined ? await store.deleteAllSessions(now) : await store.deleteSessionsOf(actor, now);
      console.log(`Ended ${ended} session${ended === 1 ? '' : 's'}${actor === undefined ? '' : ` of ${actor}`}.`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
export default command;

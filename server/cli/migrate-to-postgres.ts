/**
 * `npx deming migrate-to-postgres [--from file.db]`: copies the SQLite database (`DEMING_DB`, or
 * `--from`) into the empty PostgreSQL one of `DEMING_DATABASE_URL`, migrating it first, with a
 * progress bar; then reads every scope's figures (the organisation, each department, team and
 * service, over the last year) from both through the read services and says whether they are
 * equal. Exit 0 when they are, 1 when a scope differs (named), 2 for bad usage or a target that
 * is not empty.
 */
import { existsSync } from 'node:fs';
import type { CliCommand } from './index';
import { loadConfig, type Config } from '../config';
import { CommandUsageError, parseOptions } from './local';
import { createProgress } from './progress';
import { openStore, type Store } from '../../db/store';
import { connectPostgres, describeTarget } from '../../db/postgres/connect';
import { migrate } from '../../db/postgres/migrate';
import { openPostgresStore } from '../../db/postgres/store';
import { copySqliteToPostgres, CopyRefused } from '../../db/postgres/copy-from-sqlite';
import { createReadState } from '../read/state';
import { parseScope } from '../scope';
import { readMetrics } from '../metrics/read';

const DAY = 86_400_000;

/** Every scope's figures over [from, to), by scope key. */
export async function scopeFigures(store: Store, from: number, to: number, tz: string): Promise<Map<string, string>> {
  const state = createReadState(store);
  try {
    const org = await store.readOrganisation();
    const scopes = [
      'org',
      ...org.departments.map((d) => `department:${d.id}`),
      ...org.teams.map((t) => `team:${t.id}`),
      ...org.services.map((s) => `service:${s.name}`),
    ];
    const out = new Map<string, string>();
    for (const key of scopes)
      out.set(key, JSON.stringify(await readMetrics(state, await state.org.resolve(parseScope(key)), from, to, { tz })));
    return out;
  } finally {
    state.close();
  }
}

async function verify(config: Config, file: string, target: Store, now: number): Promise<string[]> {
  const source = openStore(file, { check: 'off', leadTimeFrom: config.leadTimeFrom });
  try {
    const from = now - 365 * DAY;
    const [a, b] = [await scopeFigures(source, from, now, config.tz), await scopeFigures(target, from, now, config.tz)];
    const differ = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
    console.log(`Checked ${a.size} scopes (the organisation, departments, teams, services) over the last 365 days.`);
    return differ;
  } finally {
    await source.close();
  }
}

const command: CliCommand = {
  summary: 'Copy the SQLite database into an empty PostgreSQL one (DEMING_DATABASE_URL), then check every scope’s figures are equal.',
  usage: 'migrate-to-postgres [--from data/deming.db] [--config deming.config.yaml]',
  async run(args) {
    const { values, positionals } = parseOptions(args, { config: { type: 'string' }, from: { type: 'string' } });
    if (positionals.length > 0)
      throw new CommandUsageError(
        `migrate-to-postgres takes no arguments (got ${positionals.join(' ')}): name the SQLite file with --from.`,
      );
    const config = loadConfig(process.env, values.config as string | undefined);
    if (!config.postgres)
      throw new CommandUsageError('set DEMING_DATABASE_URL (or database.url) to the empty PostgreSQL database to copy into.');
    const file = (values.from as string | undefined) ?? config.dbFile;
    if (!existsSync(file)) throw new CommandUsageError(`There is no SQLite database at ${file}: name it with --from or DEMING_DB.`);
    const where = describeTarget(config.postgres.url);
    const pool = await connectPostgres({ ...config.postgres, poolSize: Math.min(config.postgres.poolSize ?? 4, 4) });
    let store: Store | null = null;
    try {
      await migrate(pool);
      const started = Date.now();
      const bar = createProgress({ label: 'copy', unit: 'rows' });
      const copied = await copySqliteToPostgres(file, pool, { progress: (done, total) => bar.update(done, total) }).catch((e: unknown) => {
        if (e instanceof CopyRefused) throw new CommandUsageError(e.message);
        throw e;
      });
      bar.finish(
        `Copied ${copied.rows.toLocaleString('en-GB')} rows of ${copied.tables.filter((t) => t.rows > 0).length} tables from ${file} to ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      store = await openPostgresStore(pool, { leadTimeFrom: config.leadTimeFrom });
      const differ = await verify(config, file, store, Date.now());
      if (differ.length > 0) {
        console.error(
          `deming migrate-to-postgres: the figures differ for ${differ.length} scopes: ${differ.slice(0, 20).join(', ')}. Keep running on SQLite, and report this.`,
        );
        return 1;
      }
      console.log(`Every scope's figures are equal on ${where}: set DEMING_DATABASE_URL for the server.`);
      return 0;
    } finally {
      if (store) await store.close();
      else await pool.end();
    }
  },
};
export default command;

/**
 * What the data commands (collect git, import, export) share: their options, and the database
 * named by the configuration, written through the one ingest path.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { NativeEventInput } from '../../common/events';
import type { Cursor, IngestResult, Store } from '../../db/store';
import { anotherDatabase, databaseName, openConfiguredStore } from '../../db/open';
import { addSkipped, type CheckedEvents } from '../../common/validate-events';
import { ConfigError, loadConfig, type Config } from '../config';
import { isDemo } from '../demo';
import { createIngest, type Ingest } from '../ingest';

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class CommandUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandUsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments; an unknown or malformed option is a {@link CommandUsageError}. */
export function parseOptions<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CommandUsageError((e as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
}

/** The configured database, opened by a command. */
export interface LocalStore {
  config: Config;
  store: Store;
  /**
   * Validates and stores one batch in one transaction, with the cursors it covers. An event with
   * a timestamp before limits.earliest or more than a day ahead is skipped and counted in `skipped`.
   */
  ingest(
    events: unknown[] | NativeEventInput[],
    opts?: { cursors?: Cursor[]; pathOf?: (i: number) => string; defaultSource?: string },
  ): Promise<IngestResult & { skipped: number }>;
  /** The events skipped so far, for the command's summary. */
  readonly skipped: CheckedEvents['skipped'];
  /** The ingest service the commands share with the server (no group commit, no live clients here). */
  readonly service: Ingest;
  close(): Promise<void>;
}

/**
 * Opens the configured database (`DEMING_DB`, or the config file's `database`) for a command.
 * With `forWriting`, a database that holds the generated demo data is refused, so real and
 * generated events are never mixed.
 */
export async function openLocalStore(configFile?: string, opts: { forWriting?: boolean; now?: () => number } = {}): Promise<LocalStore> {
  const config = loadConfig(process.env, configFile);
  const now = opts.now ?? Date.now;
  const store = await openConfiguredStore(config, { now });
  try {
    if (opts.forWriting && (await isDemo(store))) {
      throw new ConfigError(`${databaseName(config)} holds the generated demo data: ${anotherDatabase(config)} before adding real data.`);
    }
    if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
  } catch (e) {
    await store.close();
    throw e;
  }
  const service = createIngest({ store, config, now, log: () => {} });
  const skipped: CheckedEvents['skipped'] = { count: 0, first: [] };
  return {
    config,
    store,
    skipped,
    service,
    ingest: async (events, opts = {}) => {
      const r = await service.storeNow({ events, ...opts, outOfRange: 'skip' });
      addSkipped(skipped, r.skipped);
      return { ...r, skipped: r.skipped.count };
    },
    close: () => store.close(),
  };
}

/**
 * `npx deming <command>`. Each command lives in its own module and is listed here once.
 * Exit codes: 0 done, 1 failed (a full disk too), 2 bad usage or input (a damaged database file too).
 */
import { ConfigError } from '../config';
import { CommandUsageError } from './local';
import { DatabaseCheckError, faultKind, faultMessage } from '../../db/store';
import { PostgresConnectError } from '../../db/postgres/connect';
import { MigrationError } from '../../db/postgres/migrate';

export interface CliCommand {
  summary: string;
  usage: string;
  /** The help of a subcommand (`collect git --help`), when the arguments name one. */
  help?(args: string[]): Promise<string | undefined>;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CliCommand>> = {
  start: async () => (await import('./start')).default,
  backup: async () => (await import('./backup')).default,
  'hash-password': async () => (await import('./hash-password')).default,
  export: async () => (await import('./export')).default,
  import: async () => (await import('./import')).default,
  collect: async () => (await import('./collect')).default,
  sessions: async () => (await import('./sessions')).default,
  migrate: async () => (await import('./migrate')).default,
  'migrate-to-postgres': async () => (await import('./migrate-to-postgres')).default,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(Object.entries(commands).map(async ([n, load]) => `  ${n.padEnd(14)} ${(await load()).summary}`));
    console.log(
      `Usage: npx deming <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "npx deming <command> --help" for a command's options.`,
    );
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`deming: unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}.`);
    return 2;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    console.log((await command.help?.(args)) ?? `Usage: npx deming ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (
      e instanceof CommandUsageError ||
      e instanceof ConfigError ||
      e instanceof DatabaseCheckError ||
      e instanceof PostgresConnectError ||
      e instanceof MigrationError
    ) {
      console.error(`deming ${name}: ${e.message}`);
      return 2;
    }
    // A damaged database file or a full disk found while working: what to do, not a stack trace.
    const fault = faultKind(e, process.env.DEMING_DB);
    if (fault) {
      console.error(`deming ${name}: ${faultMessage(fault, (e as Error).message)}`);
      return fault === 'damaged' ? 2 : 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));

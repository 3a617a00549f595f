/** `npm start`: read the configuration, start the server, stop cleanly on SIGINT/SIGTERM. */
import { ConfigError, loadConfig } from './config';
import { startServer } from './server';
import { DatabaseCheckError, faultKind, faultMessage } from '../db/store';
import { databaseName } from '../db/open';
import { PostgresConnectError } from '../db/postgres/connect';
import { MigrationError } from '../db/postgres/migrate';

const configArg = (() => {
  const i = process.argv.indexOf('--config');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

try {
  const config = loadConfig(process.env, configArg);
  const server = await startServer(config);
  console.log(`Deming is serving ${databaseName(config)} at ${server.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests and closing the database`);
    server.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (e) {
  if (e instanceof ConfigError || e instanceof DatabaseCheckError || e instanceof PostgresConnectError || e instanceof MigrationError) {
    console.error(`Deming cannot start: ${e.message}`);
    process.exit(2);
  }
  // The port is taken (or not ours to take): say which and what to do, not a stack trace.
  const listen = e as NodeJS.ErrnoException & { port?: number; address?: string };
  if (listen?.code === 'EADDRINUSE' || listen?.code === 'EACCES') {
    const where = `port ${listen.port ?? process.env.PORT ?? 3000} on ${listen.address ?? process.env.HOST ?? '127.0.0.1'}`;
    console.error(
      listen.code === 'EADDRINUSE'
        ? `Deming cannot start: ${where} is in use, by another Deming or another program. Stop that program, or start on another port: PORT=3001 npm start (or server.port in the config).`
        : `Deming cannot start: ${where} needs privileges this user does not have. Use a port above 1023, such as PORT=3000.`,
    );
    process.exit(2);
  }
  // Damage (or a full disk) found after the file opened, while starting: what to do, not a stack trace.
  const fault = faultKind(e, process.env.DEMING_DB);
  if (fault) {
    console.error(`Deming cannot start: ${faultMessage(fault, (e as Error).message)}`);
    process.exit(2);
  }
  throw e;
}

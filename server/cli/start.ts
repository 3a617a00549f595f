/** `npx deming start`: the server, as `npm start` runs it (without building the dashboard). */
import type { CliCommand } from './index';

const command: CliCommand = {
  summary: 'Start the server (build the dashboard first with `npm run build`).',
  usage: 'start [--config deming.config.yaml]',
  async run() {
    await import('../main');
    // The server keeps the process alive; main handles signals and exit codes.
    return new Promise<number>(() => {});
  },
};
export default command;

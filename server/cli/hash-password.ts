/** `npx deming hash-password`: reads a password on standard input and prints the hash for `auth.users`. */
import type { CliCommand } from './index';
import { hashPassword } from '../passwords';
import { CommandUsageError } from './local';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const command: CliCommand = {
  summary: 'Hash a password (read from standard input) for a user in auth.users of the config file.',
  usage: 'hash-password < password.txt',
  async run() {
    if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
    const password = await readStdin();
    if (password.length < 12) throw new CommandUsageError('use a password of at least 12 characters.');
    console.log(hashPassword(password));
    return 0;
  },
};
export default command;

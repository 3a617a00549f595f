/** `npx deming …` in a child process, as a user runs it, and a kill once it has committed something. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; out: string; err: string }>;
}

const bin = join(process.cwd(), 'bin', 'deming.js');

/** Runs `deming <args>` with `env` (the test's environment less `drop`), collecting what it prints. */
export function runCli(args: string[], env: Record<string, string>, drop: string[] = []): CliRun {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !drop.includes(k)));
  const child = spawn(process.execPath, [bin, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '',
    err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
  });
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
  return { child, done };
}

/** Kills the run with SIGKILL as soon as its database holds a stored event (WAL lets a reader watch while it writes). */
export async function killAfterFirstCommit(run: CliRun, file: string): Promise<{ signal: string | null }> {
  let watcher: Database.Database | null = null;
  const stored = () => {
    try {
      watcher ??= new Database(file, { readonly: true, fileMustExist: true });
      return (watcher.prepare('SELECT count(*) AS n FROM raw_events').get() as { n: number }).n;
    } catch {
      return 0;
    }
  };
  while (stored() === 0 && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
  run.child.kill('SIGKILL');
  const killed = await run.done;
  (watcher as Database.Database | null)?.close();
  return killed;
}

/**
 * SQLite's integrity check run beside the server instead of before it: a worker thread opens its
 * own read-only connection to the file and runs `quick_check` (or `integrity_check`), so the
 * server listens, answers and writes meanwhile (the check reads the whole file: about 6 minutes
 * at 10 million events). Damage it finds is remembered on the server's connection as a damaged
 * file (db/faults.ts): health says so, and every write is refused from then on.
 *
 * The check runs one SQLite statement that nothing can interrupt, and a process does not exit
 * while one of its threads is inside native code (a SIGTERM to a server at government size waited
 * minutes for it). So the check runs in a child process of its own, which a close kills at once:
 * closing the store waits a moment for the answer (a small file's check takes milliseconds, and a
 * connection still opening the file after the close would re-create its -wal and -shm), then kills
 * the child and leaves the check unfinished. In the child the statement runs on a worker thread,
 * so its main thread sees its parent go (its stdin ends) and kills itself: no orphan reads on.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Db } from './connection';

export type CheckMode = 'quick' | 'full' | 'off';

/** What the health answer says of the check: running, done (ok or damage), or not run. */
export interface IntegrityCheckState {
  mode: CheckMode;
  /** `failed`: the check itself could not run (the reason is in the server log); not damage. */
  state: 'off' | 'running' | 'ok' | 'damaged' | 'failed';
  startedAt: number | null;
  finishedAt: number | null;
}

export const pragmaOf = (mode: 'quick' | 'full') => (mode === 'full' ? 'integrity_check' : 'quick_check');

/** The statement's thread in the child (plain JavaScript, so it runs the same under tsx and from a build). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let result;
try {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    result = { ok: true, text: String(db.pragma(workerData.pragma, { simple: true })) };
  } finally {
    db.close();
  }
} catch (e) {
  result = { ok: false, code: e && e.code, text: String(e && e.message) };
}
parentPort.postMessage(result);
`;

/** The child's main thread: runs the worker, writes its answer as one JSON line, dies with its parent. */
const CHILD = `
const { Worker } = require('node:worker_threads');
const die = () => process.kill(process.pid, 'SIGKILL');
process.stdin.on('end', die);
process.stdin.on('error', die);
process.stdin.resume();
const worker = new Worker(${JSON.stringify(WORKER)}, { eval: true, workerData: JSON.parse(process.argv[1]) });
const answer = (m) => process.stdout.write(JSON.stringify(m) + '\\n', () => process.exit(0));
worker.once('message', answer);
worker.once('error', (e) => answer({ ok: false, text: String(e && e.message) }));
`;

/** What the check answers: its first line ('ok' or the first problem), or the error that stopped it. */
export interface CheckAnswer {
  ok: boolean;
  code?: string;
  text: string;
}

/** Runs the check on `file` in a child process; resolves with its answer, never rejects. `signal` kills the child. */
export function runCheckInChild(file: string, mode: 'quick' | 'full', signal?: AbortSignal): Promise<CheckAnswer> {
  return new Promise((resolve) => {
    const job = { file, pragma: pragmaOf(mode), module: createRequire(import.meta.url).resolve('better-sqlite3') };
    const child = spawn(process.execPath, ['-e', CHILD, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Nothing of the child keeps this process alive (its stdin stays open: its end tells the child to go).
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdin.on('error', () => {});
    child.once('error', (e) => resolve({ ok: false, text: e.message }));
    child.once('close', (code, sig) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as CheckAnswer);
      } catch {
        resolve({
          ok: false,
          text: `the check's process stopped (${sig ?? `exit code ${code}`})${err ? `: ${err.trim().split('\n').pop()}` : ''}`,
        });
      }
    });
    signal?.addEventListener('abort', () => void child.kill('SIGKILL'), { once: true });
  });
}

/** A check running beside the server: `done` settles when it has answered or was stopped. */
export interface BackgroundCheck {
  done: Promise<void>;
  /** Waits up to `ms` for the answer, then kills the check's process (the check is left unfinished). */
  finish(ms: number): Promise<void>;
}

/**
 * Starts the check of `db`'s file in the background and records what it finds on `db`: its state
 * for health, and a damaged file as the connection's fault. `log` hears the outcome.
 */
export function startBackgroundCheck(db: Db, mode: CheckMode, now: () => number, log: (msg: string) => void): BackgroundCheck {
  if (mode === 'off' || db.name === ':memory:') {
    db.check = { mode, state: 'off', startedAt: null, finishedAt: null };
    return { done: Promise.resolve(), finish: () => Promise.resolve() };
  }
  const check: IntegrityCheckState = (db.check = { mode, state: 'running', startedAt: now(), finishedAt: null });
  const pragma = pragmaOf(mode);
  const stop = new AbortController();
  let stopping = false;
  const done = runCheckInChild(db.name, mode, stop.signal).then((answer) => {
    if (stopping) return;
    check.finishedAt = now();
    const said = answer.text.replace(/\s+/g, ' ').slice(0, 300);
    const damaged = answer.ok ? answer.text !== 'ok' : /^SQLITE_(CORRUPT|NOTADB)/.test(answer.code ?? '');
    if (damaged) {
      check.state = 'damaged';
      // Damage is never forgotten, and it outranks a full disk (db/faults.ts).
      db.fault = { kind: 'damaged', since: check.finishedAt, sqlite: `${pragma} found: ${said}` };
      log(`${pragma} found damage in ${db.name} (${said}); writes are refused from now on`);
    } else if (answer.ok) {
      check.state = 'ok';
      log(`${pragma} found ${db.name} intact in ${Math.round((check.finishedAt - check.startedAt!) / 1000)} s`);
    } else {
      check.state = 'failed';
      log(`${pragma} of ${db.name} could not run (${said}); the file was not checked`);
    }
  });
  return {
    done,
    async finish(ms) {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        done.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms).unref())),
      ]);
      clearTimeout(timer);
      if (waited) return;
      stopping = true;
      stop.abort();
    },
  };
}

/**
 * SQLite's integrity check run beside the server instead of before it: a worker thread opens its
 * own read-only connection to the file and runs `quick_check` (or `integrity_check`), so the
 * server listens, answers and writes meanwhile (the check reads the whole file: about 6 minutes
 * at 10 million events). Damage it finds is remembered on the server's connection as a damaged
 * file (db/faults.ts): health says so, and every write is refused from then on.
 *
 * The worker runs one statement; it cannot be stopped in the middle of it, so it does not keep
 * the process alive. Closing the store waits a moment for it (a small file's check is done in
 * milliseconds, and a connection still opening the file as the process ends, or as its folder is
 * removed, races with that), then stops the thread and leaves the check unfinished.
 */
import { Worker } from 'node:worker_threads';
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

/** The worker's code (plain JavaScript, so it runs the same under tsx and from a build). */
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

/** What the worker answers: the check's first line ('ok' or the first problem), or the error that stopped it. */
export interface CheckAnswer {
  ok: boolean;
  code?: string;
  text: string;
}

/** Runs the check on `file` in a worker thread; resolves with its answer, never rejects. `signal` stops the thread. */
export function runCheckInWorker(file: string, mode: 'quick' | 'full', signal?: AbortSignal): Promise<CheckAnswer> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { file, pragma: pragmaOf(mode), module: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    worker.unref();
    worker.once('message', (m: CheckAnswer) => resolve(m));
    worker.once('error', (e) => resolve({ ok: false, text: e.message }));
    worker.once('exit', (code) => resolve({ ok: false, text: `the check's thread stopped (exit code ${code})` }));
    signal?.addEventListener('abort', () => void worker.terminate(), { once: true });
  });
}

/** A check running beside the server: `done` settles when it has answered or was stopped. */
export interface BackgroundCheck {
  done: Promise<void>;
  /** Waits up to `ms` for the answer, then stops the thread (the check is left unfinished). */
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
  const done = runCheckInWorker(db.name, mode, stop.signal).then((answer) => {
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
      // (The thread stops once its statement returns; the process need not wait for that.)
      stopping = true;
      stop.abort();
    },
  };
}

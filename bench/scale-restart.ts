/**
 * A restart on the file the scale benchmark wrote (issue 21): the real server in its own process,
 * with the integrity check at its default, timed from its spawn: when it listens, when health no
 * longer lists anything building, when every page's reads answer and a write is accepted, the
 * first executive summary asked 60 s after the start (or at the first moment the server answers,
 * when that is later), and when the integrity check beside it is done.
 *
 * `npm run bench -- scale --size gov --keep <dir> --restart [--restart-label after] [--restart-code <checkout>] [--wait-check]`:
 * `--restart-code` runs the server of another checkout (the code before, for the same file).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RestartPlan {
  dbFile: string;
  configFile: string;
  /** The checkout whose server/main.ts runs (its node_modules must be installed or linked). */
  codeDir: string;
  from: number;
  to: number;
  department: string;
  team: string;
  service: string;
  /** When to ask for the first summary, after the spawn. */
  summaryAtMs: number;
  /** Also wait for the background integrity check to finish (minutes at government size). */
  waitCheck: boolean;
  /** Give up when it has not listened after this long (the report then says so, and nothing else). */
  listenTimeoutMs: number;
}

export interface RestartReport {
  code: string;
  listeningMs: number;
  /** Set when it had not listened after `listenTimeoutMs`: the other figures are then absent. */
  gaveUpAfterMs?: number;
  /** Health no longer lists `facts` or `keys` building. */
  readyMs: number;
  /** Every page's reads answered (each timed) and one write accepted, asked from `readyMs` on. */
  pagesMs: number;
  pages: Record<string, { ms: number; status: number }>;
  write: { ms: number; status: number; atMs: number };
  summary: { askedAtMs: number; ms: number; status: number };
  /** The integrity check's state at the end, and when it was seen done (null: not waited for, or not reported). */
  check: { state: string | null; doneMs: number | null };
  serverLog: string[];
  rssMiB: number;
  /** From SIGTERM to the process's exit (it keeps what it built for the next start). */
  closeMs: number;
  /** Requests reset on a kept-alive connection the server closed meanwhile, and asked again. */
  connectionResets: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

function rssMiB(pid: number): number {
  try {
    return round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return NaN;
  }
}

export async function measureRestart(plan: RestartPlan, log: (msg: string) => void): Promise<RestartReport> {
  const t0 = performance.now();
  const at = () => round(performance.now() - t0);
  const child = spawn(process.execPath, ['--import', 'tsx', join(plan.codeDir, 'server/main.ts')], {
    cwd: plan.codeDir,
    env: {
      ...process.env,
      DEMING_DB: plan.dbFile,
      DEMING_CONFIG: plan.configFile,
      PORT: '0',
      DEMING_DEMO: 'off',
      DEMING_INTEGRITY_CHECK: 'quick',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const serverLog: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) serverLog.push(`${at()} ms ${line.trim()}`);
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${out}\n${serverLog.join('\n')}`)));
    setTimeout(() => resolve(''), plan.listenTimeoutMs).unref();
  });
  if (url === '') {
    child.kill('SIGKILL');
    await exited;
    log(`restart (${plan.codeDir}): not listening after ${plan.listenTimeoutMs} ms; gave up`);
    return { code: plan.codeDir, listeningMs: NaN, gaveUpAfterMs: plan.listenTimeoutMs, serverLog } as unknown as RestartReport;
  }
  const listeningMs = at();
  // A kept-alive connection the server closes as the next request goes out on it is reset
  // (ECONNRESET): it happens when the server's thread was held for longer than its keep-alive
  // timeout (5 s; a summary's computation under load). The request never reached it: asked again
  // on a new connection, and counted in the report.
  let resets = 0;
  const fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    for (;;) {
      try {
        return await globalThis.fetch(input, init);
      } catch (e) {
        if ((e as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET' || ++resets > 20) throw e;
      }
    }
  };
  log(`restart (${plan.codeDir}): listening after ${listeningMs} ms`);
  try {
    const health = async () =>
      (await (await fetch(`${url}/api/v1/health`)).json()) as { building: string[]; database: { check?: { state: string } } };
    let readyMs = NaN;
    for (;;) {
      const h = await health();
      if (h.building.length === 0) {
        readyMs = at();
        break;
      }
      await sleep(250);
    }
    log(`restart: nothing building after ${readyMs} ms`);
    const window = `from=${new Date(plan.from).toISOString()}&to=${new Date(plan.to).toISOString()}`;
    const enc = encodeURIComponent;
    const dept = enc(`department:${plan.department}`);
    // The reads of every page but the summary (asked on its own below, first, at its time).
    const reads: Record<string, string> = {
      org: '/api/v1/org',
      'department metrics': `/api/v1/metrics?scope=${dept}&${window}`,
      'department series': `/api/v1/metrics/series?scope=${dept}&bucket=week&${window}`,
      'team metrics': `/api/v1/metrics?scope=${enc(`team:${plan.team}`)}&${window}`,
      'team series': `/api/v1/metrics/series?scope=${enc(`team:${plan.team}`)}&bucket=week&${window}`,
      'service metrics': `/api/v1/metrics?scope=${enc(`service:${plan.service}`)}&${window}`,
      'service series': `/api/v1/metrics/series?scope=${enc(`service:${plan.service}`)}&bucket=week&${window}`,
      changes: `/api/v1/changes?scope=${dept}&limit=100&${window}`,
      deployments: `/api/v1/deployments?scope=${dept}&${window}`,
      incidents: `/api/v1/incidents?scope=${dept}&${window}`,
      'ci runs': `/api/v1/ci-runs?scope=${dept}&${window}`,
      loops: `/api/v1/loops?scope=${dept}&${window}`,
    };
    const pages: RestartReport['pages'] = {};
    for (const [name, path] of Object.entries(reads)) {
      const s = performance.now();
      const res = await fetch(`${url}${path}`);
      await res.arrayBuffer();
      pages[name] = { ms: round(performance.now() - s), status: res.status };
    }
    const t = new Date(plan.to - 3_600_000).toISOString();
    const ws = performance.now();
    const posted = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'ci_run',
        source: 'bench-restart',
        id: `restart-${Date.now()}`,
        service: plan.service,
        name: 'bench',
        status: 'success',
        startedAt: t,
        finishedAt: t,
      }),
    });
    await posted.arrayBuffer();
    const write = { ms: round(performance.now() - ws), status: posted.status, atMs: at() };
    const pagesMs = at();
    log(`restart: every page's reads answered and a write accepted (${posted.status}) after ${pagesMs} ms`);
    const wait = plan.summaryAtMs - (performance.now() - t0);
    if (wait > 0) await sleep(wait);
    const askedAtMs = at();
    const ss = performance.now();
    const sum = await fetch(`${url}/api/v1/summary?${window}`);
    await sum.arrayBuffer();
    const summary = { askedAtMs, ms: round(performance.now() - ss), status: sum.status };
    log(`restart: first summary asked at ${askedAtMs} ms answered ${sum.status} in ${summary.ms} ms`);
    let check: RestartReport['check'] = { state: (await health()).database.check?.state ?? null, doneMs: null };
    while (plan.waitCheck && check.state === 'running') {
      await sleep(1000);
      const state = (await health()).database.check?.state ?? null;
      check = { state, doneMs: state === 'running' ? null : at() };
    }
    if (check.doneMs !== null) log(`restart: integrity check ${check.state} after ${check.doneMs} ms`);
    const rss = rssMiB(child.pid!);
    const cs = performance.now();
    child.kill('SIGTERM');
    await exited;
    return {
      code: plan.codeDir,
      listeningMs,
      readyMs,
      pagesMs,
      pages,
      write,
      summary,
      check,
      serverLog,
      rssMiB: rss,
      closeMs: round(performance.now() - cs),
      connectionResets: resets,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

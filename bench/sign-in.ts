/**
 * Sign-in under attack (issue 13): a real server in its own process on loopback, a password
 * user configured, and `--attackers` clients (default 300), each from its own loopback address,
 * sending wrong passwords for made-up user names: once all at the same time (a wave), then back
 * to back for `--seconds` (default 10), then, for comparison, the same flood of malformed
 * sign-ins that no password check follows. Meanwhile one client asks `GET /api/v1/health` back
 * to back: its latency is the figure that matters (every other request waits as health does).
 * `npm run bench -- sign-in [--attackers 300] [--seconds 10]`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../server/passwords';
import { spawnServer } from '../test/helpers/process';

/** One request on a new connection from `from`; resolves with the status (0 on a network error). */
function send(url: string, from: string, body?: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: body ? 'POST' : 'GET',
        localAddress: from,
        agent: false,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { requests: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) };
};

/** Health asked back to back from 127.0.0.1 until `until`; the latencies in ms. */
async function probe(url: string, until: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (!until()) {
    const t = performance.now();
    await send(`${url}/api/v1/health`, '127.0.0.1');
    out.push(performance.now() - t);
  }
  return out;
}

/** Attacker i's own address: 127.0.1.1, 127.0.1.2, … (Linux routes all of 127/8 to loopback). */
const addressOf = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

/** Health probed while `attack` runs; its latencies, the attack's answers by status, and how long until its last answer. */
async function during(url: string, attack: (count: (status: number) => void) => Promise<void>) {
  const statuses = new Map<number, number>();
  let done = false;
  const started = Date.now();
  const attacked = attack((st) => statuses.set(st, (statuses.get(st) ?? 0) + 1)).then(() => {
    done = true;
  });
  const health = await probe(url, () => done);
  await attacked;
  return {
    healthMs: summary(health),
    answers: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
    lastAnswerAfterMs: Date.now() - started,
  };
}

let guess = 0;
const wrongPassword = () => JSON.stringify({ username: `guess-${guess++}`, password: 'wrong-guess' });

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: { attackers: { type: 'string', default: '300' }, seconds: { type: 'string', default: '10' } },
  });
  const attackers = Number(values.attackers),
    seconds = Number(values.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'deming-sign-in-'));
  const config = join(dir, 'deming.config.yaml');
  writeFileSync(
    config,
    `auth:\n  users:\n    - username: ada\n      passwordHash: "${hashPassword('the-right-password-1')}"\n      role: editor\n`,
  );
  const server = await spawnServer({
    DEMING_DB: join(dir, 'deming.db'),
    DEMING_CONFIG: config,
    DEMING_VIEWER_TOKEN: 'bench-viewer-token-0123456789',
  });
  const signIn = `${server.url}/api/v1/session`;
  /** Every attacker sends `body()` again as soon as it is answered, until the time is up. */
  const flood = (body: () => string) => (count: (status: number) => void) => {
    const stop = Date.now() + seconds * 1000;
    return Promise.all(
      Array.from({ length: attackers }, async (_, i) => {
        while (Date.now() < stop) count(await send(signIn, addressOf(i), body()));
      }),
    ).then(() => undefined);
  };
  try {
    const stopIdle = Date.now() + 2000;
    const report = {
      attackers,
      seconds,
      idle: { healthMs: summary(await probe(server.url, () => Date.now() >= stopIdle)) },
      // One wrong password from each attacker, all at once.
      wave: await during(server.url, async (count) => {
        await Promise.all(Array.from({ length: attackers }, async (_, i) => count(await send(signIn, addressOf(i), wrongPassword()))));
      }),
      // Each attacker sends wrong passwords back to back.
      wrongPasswords: await during(server.url, flood(wrongPassword)),
      // For comparison, the same flood of sign-ins that are refused before any password is checked (400, no password field).
      malformed: await during(
        server.url,
        flood(() => JSON.stringify({ username: 'x' })),
      ),
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    server.child.kill();
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Load (issue 7): mixed ingest — native events and signed GitHub webhooks — against a real
 * server in its own process on loopback, while 50 socket.io clients watch. First a short ramp
 * finds the highest rate whose p99 stays under 100 ms; then a long run at that concurrency.
 * `npm run bench -- load [--duration 60] [--ramp 8] [--clients 50]`
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { io as connect, type Socket } from 'socket.io-client';
import { spawnServer } from '../test/helpers/process';

const SECRET = 'load-test-webhook-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;

let seq = 0;
/** The next request: two in three are native events, one in three a signed workflow_run delivery. */
function nextRequest(): { method: 'POST'; path: string; headers: Record<string, string>; body: string } {
  const n = ++seq;
  const service = `load/service-${n % 40}`;
  const at = new Date(Date.now() - 60_000).toISOString();
  if (n % 3 === 0) {
    const body = JSON.stringify({
      action: 'completed',
      repository: { full_name: service, html_url: `https://github.com/${service}`, default_branch: 'main' },
      workflow_run: {
        id: n,
        name: 'build',
        path: '.github/workflows/build.yml',
        head_branch: 'main',
        head_sha: n.toString(16).padStart(40, 'a'),
        status: 'completed',
        conclusion: n % 10 === 0 ? 'failure' : 'success',
        html_url: `https://github.com/${service}/actions/runs/${n}`,
        created_at: at,
        updated_at: at,
        run_started_at: at,
      },
    });
    return {
      method: 'POST',
      path: '/webhooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': `d-${n}`,
        'x-hub-signature-256': sign(body),
      },
      body,
    };
  }
  const sha = n.toString(16).padStart(40, 'b');
  const events =
    n % 2 === 0
      ? [
          { type: 'change', service, sha, committedAt: at },
          {
            type: 'deployment',
            id: `load-${n}`,
            service,
            environment: 'production',
            status: 'success',
            sha,
            finishedAt: new Date().toISOString(),
          },
        ]
      : [{ type: 'incident', id: `inc-${n}`, service, openedAt: at, resolvedAt: new Date().toISOString() }];
  return { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) };
}

async function blast(url: string, connections: number, seconds: number) {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    requests: [{ setupRequest: (req) => ({ ...req, ...nextRequest() }) }],
  });
  return {
    connections,
    seconds,
    requests: r.requests.total,
    perSecond: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '60' },
      ramp: { type: 'string', default: '8' },
      clients: { type: 'string', default: '50' },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'deming-load-'));
  const server = await spawnServer({ DEMING_DB: join(dir, 'deming.db'), DEMING_GITHUB_WEBHOOK_SECRET: SECRET });
  const pid = server.child.pid!;
  const sockets: Socket[] = [];
  let pushes = 0;
  try {
    for (let i = 0; i < Number(values.clients); i++) {
      const s = connect(server.url, { transports: ['websocket'], forceNew: true });
      await new Promise<void>((resolve, reject) => {
        s.on('connect', () => resolve());
        s.on('connect_error', reject);
      });
      s.emit('scope:join', i % 2 ? 'org' : `service:load/service-${i % 40}`);
      s.on('metrics:changed', () => {
        pushes++;
      });
      s.on('events:ingested', () => {
        pushes++;
      });
      sockets.push(s);
    }
    const memoryStart = rssOf(pid);
    // The ramp: double the connections while p99 stays under 100 ms.
    const ramp = [];
    let best = { connections: 1, perSecond: 0 };
    for (let c = 1; c <= 64; c *= 2) {
      const r = await blast(server.url, c, Number(values.ramp));
      ramp.push({ connections: c, perSecond: r.perSecond, p99: r.latencyMs.p99 });
      if (r.latencyMs.p99 >= 100) break;
      if (r.perSecond > best.perSecond) best = { connections: c, perSecond: r.perSecond };
    }
    pushes = 0;
    const main = await blast(server.url, best.connections, Number(values.duration));
    const report = {
      bench: 'load',
      machine: { cores: (await import('node:os')).cpus().length },
      watchers: sockets.length,
      ramp,
      run: main,
      socketMessagesReceived: pushes,
      serverRssMiB: { start: mib(memoryStart), end: mib(rssOf(pid)) },
      goal: { p99Ms: 100, errors: 0 },
      met: main.latencyMs.p99 < 100 && main.errors === 0 && main.non2xx === 0,
    };
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    for (const s of sockets) s.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));

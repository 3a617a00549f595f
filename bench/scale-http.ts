/**
 * The HTTP half of the scale benchmark: the real server in its own process on the ingested
 * database (so its memory is its own), warm read latencies of the pages people open, and the
 * live path — one event POSTed, `metrics:changed` received by a socket.io client in that
 * service's room — at a steady rate, while the server's RSS is sampled.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/api';
import { spawnServer } from '../test/helpers/process';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
/**
 * A read's latencies: `coldMs` is the first call after the server started; the percentiles are
 * warm repeats (answered from the result cache when nothing changed), taken once the server has
 * finished what it builds in the background after its start; `afterChange` times the
 * same read right after one event for a service in its scope was stored, so the answer must be
 * recomputed (from the fact index, with that one service's facts rebuilt from SQL).
 */
export interface ReadFigure extends Latency {
  path: string;
  coldMs: number;
  bytes: number;
  afterChange: Latency;
}

export interface HttpPlan {
  /** The SQLite file, or (`env`) the server's database settings, such as DEMING_DATABASE_URL. */
  dbFile?: string;
  env?: Record<string, string>;
  configFile: string;
  from: number;
  to: number;
  department: string;
  team: string;
  service: string;
  /** Services the live events go to, each with the head of its main branch. */
  live: { service: string; head: string | null }[];
  liveSeconds: number;
  liveRate: number;
  calls: number;
  /** Stop a figure's calls after this many seconds (at least 3 calls), so a slow engine cannot stall the run. */
  budgetSeconds: number;
}

export interface HttpReport {
  reads: Record<string, ReadFigure>;
  live: Latency & {
    events: number;
    ratePerSecond: number;
    seconds: number;
    received: number;
    lost: number;
    errors: number;
    post: Latency;
    clients: number;
    rooms: number;
  };
  serverRssMiB: { atStart: number; maxSampled: number; peak: number; peakBy: Record<string, number> };
  /** From the server listening to its background building (fact and key indexes) being done. */
  backgroundMs: number;
}

const round = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kb: number) => round(kb / 1024);

/** Percentiles by linear interpolation between closest ranks, in ms. */
export function latency(values: number[]): Latency {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (s.length === 0) return NaN;
    const h = (s.length - 1) * p,
      lo = Math.floor(h),
      hi = Math.min(lo + 1, s.length - 1);
    return round(s[lo] + (h - lo) * (s[hi] - s[lo]));
  };
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(s[s.length - 1] ?? NaN) };
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function measureHttp(plan: HttpPlan, log: (msg: string) => void): Promise<HttpReport> {
  const server = await spawnServer({ ...(plan.dbFile ? { DEMING_DB: plan.dbFile } : {}), ...plan.env, DEMING_CONFIG: plan.configFile });
  const listening = performance.now();
  let backgroundMs = NaN;
  const pid = server.child.pid!;
  const atStart = status(pid, 'VmRSS');
  let maxSampled = atStart;
  const sampler = setInterval(() => {
    maxSampled = Math.max(maxSampled, status(pid, 'VmRSS'));
  }, 200);
  // The peak so far at the end of each phase, to tell which one reached it.
  const peakBy: Record<string, number> = {};
  const mark = (phase: string) => {
    peakBy[phase] = mib(status(pid, 'VmHWM'));
  };
  const clients: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  try {
    const window = `from=${new Date(plan.from).toISOString()}&to=${new Date(plan.to).toISOString()}`;
    const enc = encodeURIComponent;
    const reads: [string, string][] = [
      ['summary', `/api/v1/summary?${window}`],
      ['department metrics', `/api/v1/metrics?scope=${enc(`department:${plan.department}`)}&${window}`],
      ['department series', `/api/v1/metrics/series?scope=${enc(`department:${plan.department}`)}&bucket=week&${window}`],
      ['team metrics', `/api/v1/metrics?scope=${enc(`team:${plan.team}`)}&${window}`],
      ['team series', `/api/v1/metrics/series?scope=${enc(`team:${plan.team}`)}&bucket=week&${window}`],
      ['service metrics', `/api/v1/metrics?scope=${enc(`service:${plan.service}`)}&${window}`],
      ['service series', `/api/v1/metrics/series?scope=${enc(`service:${plan.service}`)}&bucket=week&${window}`],
      ['changes', `/api/v1/changes?scope=${enc(`department:${plan.department}`)}&limit=100&${window}`],
    ];
    const timed = async (path: string) => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${path}`).catch((e: Error) => {
        throw new Error(
          `GET ${path} failed (${e.message}: ${(e.cause as Error | undefined)?.message ?? ''}); the server said:\n${server.output().slice(-3000)}`,
        );
      });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
      return { ms, bytes: body.length };
    };
    let touches = 0;
    /** Stores one CI run for the service (it moves no DORA figure, but the service's facts must be rebuilt). */
    const touch = async (service: string) => {
      const t = new Date(plan.to - 3_600_000).toISOString();
      const res = await fetch(`${server.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'ci_run',
          source: 'bench-touch',
          id: `touch-${++touches}`,
          service,
          name: 'bench',
          status: 'success',
          startedAt: t,
          finishedAt: t,
        }),
      });
      if (!res.ok) throw new Error(`POST of a CI run answered ${res.status}: ${await res.text()}`);
    };
    const result: Record<string, ReadFigure> = {};
    for (const [name, path] of reads) {
      const cold = await timed(path);
      if (Number.isNaN(backgroundMs)) {
        // Warm means after the server's start: wait for what it builds in the background.
        for (;;) {
          const health = (await (await fetch(`${server.url}/api/v1/health`)).json()) as { building: string[] };
          if (health.building.length === 0) break;
          await sleep(100);
        }
        mark('first summary');
        backgroundMs = round(performance.now() - listening);
        mark('background building');
        log(`http: the server's background building was done ${backgroundMs} ms after it listened`);
      }
      if (cold.ms < 5000) await timed(path);
      const times: number[] = [];
      const started = performance.now();
      while (times.length < plan.calls && (times.length < 3 || performance.now() - started < plan.budgetSeconds * 1000))
        times.push((await timed(path)).ms);
      const changed: number[] = [];
      const changedStart = performance.now();
      while (
        changed.length < Math.min(plan.calls, 20) &&
        (changed.length < 3 || performance.now() - changedStart < plan.budgetSeconds * 1000)
      ) {
        await touch(plan.service);
        changed.push((await timed(path)).ms);
      }
      result[name] = { path, coldMs: round(cold.ms), bytes: cold.bytes, ...latency(times), afterChange: latency(changed) };
      log(
        `http ${name}: p50 ${result[name].p50} ms, p95 ${result[name].p95} ms (${times.length} calls, first ${round(cold.ms)} ms); after a change p50 ${result[name].afterChange.p50} ms, p95 ${result[name].afterChange.p95} ms`,
      );
    }

    mark('reads');
    // Live: each service's events go to a room some client joined; 1/rate s apart, round robin.
    const nClients = Math.min(10, plan.live.length);
    const pending = new Map<string, { sentAt: number; answered: boolean }[]>(plan.live.map((l) => [l.service, []]));
    const seen: number[] = [];
    for (let k = 0; k < nClients; k++) {
      const c: Socket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, { transports: ['websocket'], forceNew: true });
      clients.push(c);
      await new Promise<void>((resolve, reject) => {
        c.on('connect', () => resolve());
        c.on('connect_error', reject);
      });
      c.on('metrics:changed', (p) => {
        const at = performance.now();
        for (const scope of p.scopes) {
          const queue = scope.startsWith('service:') ? pending.get(scope.slice('service:'.length)) : undefined;
          if (!queue?.length) continue;
          // One push covers the oldest event, and any later one already acknowledged (coalesced with it).
          do seen.push(at - queue.shift()!.sentAt);
          while (queue.length && queue[0].answered);
        }
      });
      for (let i = k; i < plan.live.length; i += nClients) {
        const ack = await new Promise<{ ok: boolean }>((resolve) => c.emit('scope:join', `service:${plan.live[i].service}`, resolve));
        if (!ack.ok) throw new Error(`could not join service:${plan.live[i].service}`);
      }
    }
    const heads = new Map(plan.live.map((l) => [l.service, l.head]));
    const sent = new Map<string, number>();
    const nextEvent = (service: string) => {
      const n = (sent.get(service) ?? 0) + 1;
      sent.set(service, n);
      const now = Date.now();
      if (n % 2 === 1) {
        const sha = randomBytes(20).toString('hex');
        const parent = heads.get(service);
        heads.set(service, sha);
        return {
          type: 'change',
          source: 'live',
          service,
          sha,
          committedAt: new Date(now - 60_000).toISOString(),
          ...(parent && { parents: [parent] }),
        };
      }
      return {
        type: 'deployment',
        source: 'live',
        id: `live-${service}-${n}`,
        service,
        environment: 'production',
        status: 'success',
        sha: heads.get(service),
        startedAt: new Date(now - 30_000).toISOString(),
        finishedAt: new Date(now).toISOString(),
      };
    };
    const total = Math.round(plan.liveRate * plan.liveSeconds);
    const posts: Promise<void>[] = [];
    const postTimes: number[] = [];
    let errors = 0;
    log(`live: ${total} events at ${plan.liveRate}/s over ${plan.live.length} services, ${nClients} socket.io clients`);
    if ((plan.live.length / plan.liveRate) * 1000 < 300)
      log(
        `live: fewer than ${Math.ceil(0.3 * plan.liveRate)} services, so pushes to one room are coalesced (250 ms) and latency includes that wait`,
      );
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / plan.liveRate - performance.now();
      if (wait > 1) await sleep(wait);
      const { service } = plan.live[i % plan.live.length];
      const body = JSON.stringify(nextEvent(service));
      const sentAt = performance.now();
      const entry = { sentAt, answered: false };
      pending.get(service)!.push(entry);
      posts.push(
        fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
          async (res) => {
            await res.text();
            entry.answered = true;
            postTimes.push(performance.now() - sentAt);
            if (!res.ok) errors++;
          },
          () => {
            errors++;
          },
        ),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(posts);
    await sleep(1500);
    const lost = [...pending.values()].reduce((n, q) => n + q.length, 0);
    const live = {
      events: total,
      ratePerSecond: round(total / seconds),
      seconds: round(seconds),
      received: seen.length,
      lost,
      errors,
      ...latency(seen),
      post: latency(postTimes),
      clients: nClients,
      rooms: plan.live.length,
    };
    log(`live: metrics:changed p50 ${live.p50} ms, p99 ${live.p99} ms; ${lost} lost, ${errors} errors`);
    mark('live');
    return {
      reads: result,
      live,
      serverRssMiB: { atStart: mib(atStart), maxSampled: mib(maxSampled), peak: mib(status(pid, 'VmHWM')), peakBy },
      backgroundMs,
    };
  } finally {
    clearInterval(sampler);
    for (const c of clients) c.close();
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from '../../common/api';
import { startInstances, type Instances } from '../helpers/instances';
import { freePort } from '../helpers/postgres';
import { deployment } from '../helpers/factories';
import { postEvents, type LiveClient } from '../helpers/figures';

/**
 * The README's load balancer configuration ("Several instances behind a load balancer"), as
 * written there, run by a real nginx (Debian's package; `.ci/run` installs it) on a loopback port
 * in front of two real Deming instances on one PostgreSQL database (issue 23).
 */
const NGINX = '/usr/sbin/nginx';
const root = join(import.meta.dirname, '..', '..');

/** The README's nginx block of the load balancer section, pointed at `upstreams` and listening on `port` without TLS. */
function readmeConfig(upstreams: string[], port: number): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Several instances behind a load balancer'));
  const block = /```nginx\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md: no nginx block under "Several instances behind a load balancer"');
  const servers = [...block.matchAll(/server (\S+:\d+)/g)].map((m) => m[1]);
  expect(servers).toHaveLength(2);
  let conf = block.replace('listen 443 ssl;', `listen 127.0.0.1:${port};`);
  servers.forEach((s, i) => (conf = conf.replace(s, upstreams[i])));
  return conf;
}

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const r = await fetch(`${url}/api/v1/health`);
  return { status: r.status, body: (await r.json()) as HealthResponse };
}

describe("the README's nginx configuration in front of two instances", () => {
  let two: Instances;
  let dir: string;
  let nginx: ChildProcess | undefined;
  let nginxOut = '';
  let front: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    if (!existsSync(NGINX))
      throw new Error(`nginx is not installed (${NGINX}): apt-get install -y nginx (.ci/run installs it), then run this test again`);
    two = await startInstances(2, { DEMING_TRUST_PROXY: '127.0.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'deming-nginx-'));
    // nginx's workers may run as another user: the prefix is theirs to write in.
    chmodSync(dir, 0o777);
    mkdirSync(join(dir, 'logs'), { mode: 0o777 });
    const port = await freePort();
    const upstreams = two.servers.map((s) => new URL(s.url).host);
    const http = readmeConfig(upstreams, port);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;\nerror_log ${dir}/logs/error.log warn;\npid ${dir}/nginx.pid;\nevents { worker_connections 256; }\n` +
        `http {\n  access_log off;\n  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;\n` +
        `  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;\n${http}\n}\n`,
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (d: Buffer) => (nginxOut += d.toString()));
    nginx.stderr!.on('data', (d: Buffer) => (nginxOut += d.toString()));
    front = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}):\n${nginxOut}`);
      if ((await fetch(`${front}/api/v1/health`).catch(() => null))?.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGTERM');
      await exited;
    }
    await two?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers the health check through nginx, and a live client (polling, then WebSocket) hears batches posted to either instance', async () => {
    const h = await health(front);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ ready: true, instances: { listening: true } });
    // socket.io's default transports: long-polling requests first, which must all reach one instance.
    const c: LiveClient = connect(front, { forceNew: true, reconnection: false });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.on('connect', () => resolve());
      c.on('connect_error', reject);
    });
    const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) => c.emit('scope:join', 'org', resolve));
    expect(ack).toEqual({ ok: true });
    await postEvents(front, [deployment({ id: 'lb-0', service: 'lb/seed' })]);
    // Posted to each instance directly: one of them is not the one this client is on.
    for (const [i, s] of two.servers.entries()) {
      const heard = new Promise<{ counts: { service: string }[] }>((resolve) => c.once('events:ingested', resolve));
      await postEvents(s.url, [deployment({ id: `lb-${i + 1}`, service: `lb/svc-${i}` })]);
      expect((await heard).counts).toEqual([expect.objectContaining({ service: `lb/svc-${i}` })]);
    }
    // The WebSocket upgrade went through nginx too.
    for (let i = 0; i < 50 && c.io.engine.transport.name !== 'websocket'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(c.io.engine.transport.name).toBe('websocket');
  });

  it('sends everything to the other instance once the one it chose is stopping or gone', async () => {
    const chosen = (await health(front)).body.instances!.instance;
    const ids = await Promise.all(two.servers.map(async (s) => (await health(s.url)).body.instances!.instance));
    const i = ids.indexOf(chosen);
    expect(i).toBeGreaterThanOrEqual(0);
    const gone = two.servers[i];
    gone.child.kill('SIGTERM');
    await gone.exited;
    const after = await health(front);
    expect(after.status).toBe(200);
    expect(after.body.instances!.instance).toBe(ids[1 - i]);
    expect((await postEvents(front, [deployment({ id: 'lb-after', service: 'lb/seed' })])).accepted).toBe(1);
  });
});

/**
 * A small reverse proxy on loopback, as deployments put in front of Deming: it forwards every
 * request (and WebSocket upgrades) to the target and adds the forwarding headers it is told to,
 * the way nginx, a load balancer or a TLS terminator would.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** Headers the proxy adds, from the incoming request (e.g. `x-forwarded-for` appended to what the client sent). */
  headers?: (req: IncomingMessage) => Record<string, string>;
}

export interface RunningProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The usual forwarding headers: the client's address appended to any X-Forwarded-For it sent, the scheme and host it used. */
export function forwardedFor(client: string, proto = 'http'): (req: IncomingMessage) => Record<string, string> {
  return (req) => {
    const prior = req.headers['x-forwarded-for'];
    return {
      'x-forwarded-for': prior ? `${prior}, ${client}` : client,
      'x-forwarded-proto': proto,
      'x-forwarded-host': req.headers.host ?? '',
    };
  };
}

export async function startProxy(target: string, opts: ProxyOptions = {}): Promise<RunningProxy> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const up = request(
      {
        host: t.hostname,
        port: t.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, ...(opts.headers?.(req) ?? {}) },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(up);
  });
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(t.port), t.hostname, () => {
      const headers = { ...req.headers, ...(opts.headers?.(req) ?? {}) };
      const lines = [
        `${req.method} ${req.url} HTTP/1.1`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`),
      ];
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

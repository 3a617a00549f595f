/**
 * Trust at the door (DESIGN.md, "Security"): who the client is behind a reverse proxy, whether
 * the request may hold the roles given by address, and which `Host` and `Origin` this server
 * answers to. One module for Express and the socket.io handshake, so both decide alike.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Config, ServerSettings } from './config';

/** Whether an address is loopback (127.0.0.0/8 or ::1, IPv4-mapped or not). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** Headers by which a proxy says who the client is; a request carrying one was forwarded. */
const FORWARDING = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
];

export function isForwarded(req: IncomingMessage): boolean {
  return FORWARDING.some((h) => req.headers[h] !== undefined) || Object.keys(req.headers).some((h) => h.startsWith('x-forwarded-'));
}

export type TrustFn = (address: string, hop: number) => boolean;

/** `server.trustProxy` as a function of (address, hop): false trusts nobody. */
export function trustFunction(setting: ServerSettings['trustProxy']): TrustFn {
  if (setting === false || setting === 0) return () => false;
  if (typeof setting === 'number') return (_a, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

export interface Door {
  trust: TrustFn;
  /** The client's address: the peer's, or what trusted proxies say it is. */
  clientAddress(req: IncomingMessage): string | undefined;
  /**
   * Whether the request may hold the roles given by address: it comes from loopback, and if it
   * carries forwarding headers, it came through a trusted proxy that says the client is loopback
   * (with `X-Forwarded-For`, the only header Express reads).
   */
  local(req: IncomingMessage): boolean;
  /** Whether the request came over HTTPS, directly or as a trusted proxy says. */
  secure(req: IncomingMessage): boolean;
  /** The host the client asked for: `Host`, or a trusted proxy's `X-Forwarded-Host`. */
  host(req: IncomingMessage): string | undefined;
  /** Whether a Host header value names this server. */
  hostAllowed(host: string | undefined): boolean;
  /** Why the request's `Origin` is not this server's own, or null when it is (or absent). */
  foreignOrigin(req: IncomingMessage): string | null;
}

/** Splits `name:port`, `[v6]:port`, `v6`. */
function splitHost(host: string): { name: string; port: string | null } {
  const h = host.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
  if (v6) return { name: `[${v6[1]}]`, port: v6[2] ?? null };
  const i = h.lastIndexOf(':');
  if (i > 0 && h.indexOf(':') === i) return { name: h.slice(0, i), port: h.slice(i + 1) };
  return { name: h.includes(':') ? `[${h}]` : h, port: null };
}

const LOOPBACK_NAMES = /^(localhost|[a-z0-9-]+\.localhost|127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\])$/;

export function createDoor(config: Pick<Config, 'server' | 'host'>): Door {
  const trust = trustFunction(config.server.trustProxy);
  const anyTrusted = config.server.trustProxy !== false && config.server.trustProxy !== 0;
  const clientAddress = (req: IncomingMessage) => {
    if (!req.socket.remoteAddress) return undefined;
    return anyTrusted ? proxyaddr(req, trust) : req.socket.remoteAddress;
  };
  // Names this server answers to, with or without a port.
  const names = new Set<string>();
  const withPort = new Set<string>();
  const add = (h: string) => {
    const { name, port } = splitHost(h);
    if (port) withPort.add(`${name}:${port}`);
    else names.add(name);
  };
  if (config.server.publicUrl) add(config.server.publicUrl.host || config.server.publicUrl.hostname);
  for (const h of config.server.allowedHosts) add(h);
  // Listening on one specific address: that address names it too.
  if (config.host && !['0.0.0.0', '::', '[::]'].includes(config.host))
    add(config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host);
  const publicOrigin = config.server.publicUrl?.origin ?? null;
  const viaTrusted = (req: IncomingMessage) => anyTrusted && req.socket.remoteAddress !== undefined && trust(req.socket.remoteAddress, 0);
  const firstOf = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0].trim() || undefined;
  const secure = (req: IncomingMessage) => {
    if ((req.socket as { encrypted?: boolean }).encrypted) return true;
    return viaTrusted(req) && firstOf(req.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
  };
  const host = (req: IncomingMessage) => (viaTrusted(req) ? firstOf(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host;

  return {
    trust,
    clientAddress,
    local(req) {
      if (!isLoopback(req.socket.remoteAddress)) return false;
      if (!isForwarded(req)) return true;
      // Forwarded: only a trusted proxy's word counts, and only through X-Forwarded-For.
      if (!trust(req.socket.remoteAddress!, 0) || req.headers['x-forwarded-for'] === undefined) return false;
      // Other client headers than X-Forwarded-For are not read by Express: a proxy that sets them must not make a remote client look local.
      if (req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined) return false;
      return isLoopback(clientAddress(req));
    },
    secure,
    host,
    hostAllowed(value) {
      if (value === undefined || value === '') return true;
      if (value.length > 300) return false;
      const { name, port } = splitHost(value);
      if (LOOPBACK_NAMES.test(name) || names.has(name)) return true;
      return port !== null && withPort.has(`${name}:${port}`);
    },
    foreignOrigin(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return null;
      const asked = host(req);
      const own = asked ? `${secure(req) ? 'https' : 'http'}://${asked.toLowerCase()}` : null;
      if (origin.toLowerCase() === publicOrigin || (own !== null && origin.toLowerCase() === own)) return null;
      return origin === 'null' ? 'an opaque origin ("null")' : `"${origin.slice(0, 200)}"`;
    },
  };
}

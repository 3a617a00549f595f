/**
 * Roles and tokens (DESIGN.md, "Security"). A role with no token configured is granted to
 * loopback clients only; tokens are compared in constant time and never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Request } from 'express';
import type { Config, Role } from './config';
import { HttpError } from './errors';

/** Which roles each role includes. */
const grants: Record<Role, Role[]> = {
  viewer: ['viewer'],
  editor: ['editor', 'viewer'],
  ingest: ['ingest'],
  admin: ['admin', 'editor', 'viewer', 'ingest'],
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an address is loopback (127.0.0.0/8 or ::1, IPv4-mapped or not). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

export interface Authenticator {
  /** The roles a presented token carries; empty when none or unknown. */
  rolesOf(token: string | undefined): Role[];
  /** Whether any token is configured that grants the role. */
  configured(role: Role): boolean;
  /** Whether a client with this token and address may act in the role. */
  allows(role: Role, token: string | undefined, address: string | undefined): boolean;
  /** Who is acting, for audit trails: the token's configured name, or `loopback`. */
  actor(token: string | undefined): string;
}

export function createAuthenticator(config: Pick<Config, 'tokens'>): Authenticator {
  const known = config.tokens.map((t) => ({ hash: digest(t.token), role: t.role, name: t.name }));
  const rolesOf = (token: string | undefined): Role[] => {
    if (!token) return [];
    const h = digest(token);
    const out = new Set<Role>();
    // Compare against every token so the time taken does not tell which one matched.
    for (const k of known) if (timingSafeEqual(h, k.hash)) for (const r of grants[k.role]) out.add(r);
    return [...out];
  };
  const configured = (role: Role) => known.some((k) => grants[k.role].includes(role));
  return {
    rolesOf,
    configured,
    allows: (role, token, address) => rolesOf(token).includes(role) || (!configured(role) && isLoopback(address)),
    actor: (token) => {
      if (!token) return 'loopback';
      const h = digest(token);
      let name = 'loopback';
      for (const k of known) if (timingSafeEqual(h, k.hash)) name = k.name;
      return name;
    },
  };
}

export function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** Refuses the request unless the client holds the role: 401 without or with a wrong token, 403 with a token of another role. */
export function requireRole(auth: Authenticator, role: Role): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (auth.allows(role, token, req.socket.remoteAddress)) return next();
    if (token && auth.rolesOf(token).length > 0) {
      return next(new HttpError(403, 'forbidden', `This token does not have the "${role}" role.`));
    }
    next(new HttpError(401, 'unauthorized', token
      ? 'The token is not valid: check the Authorization header.'
      : `This needs a token with the "${role}" role: send "Authorization: Bearer <token>".`));
  };
}

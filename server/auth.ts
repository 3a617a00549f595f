/**
 * Roles, tokens and sessions (DESIGN.md, "Security"). Roles by address (`auth.loopbackRoles`)
 * go to loopback clients only, never through an untrusted proxy; tokens are compared in
 * constant time and never logged or echoed. A browser holds a session cookie instead of a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Config } from './config';
import { grants, roles, type Role } from './roles';
import { createDoor, isLoopback, type Door } from './door';
import { HttpError } from './errors';
import { checkToken, createSignInGuard, refusalError, type SignInGuard } from './rate-limit';
import { defaultLimits } from './config';

export { grants };

export const SESSION_COOKIE = 'deming_session';

const digest = (s: string) => createHash('sha256').update(s).digest();

export { isLoopback };

/** Who a session belongs to, as the session store knows it (null: no such session, or it ended). */
export interface SessionLookup {
  lookup(sessionId: string): Promise<{ actor: string; role: Role } | null>;
}

/** What a request presents: a bearer token, a session cookie, and whether it may hold the roles given by address. */
export interface Presented {
  token?: string;
  sessionId?: string;
  /** From loopback, directly or as a trusted proxy says (never through an untrusted hop). */
  local: boolean;
}

export interface Authenticator {
  /** The roles a presented token carries; empty when none or unknown. */
  rolesOf(token: string | undefined): Role[];
  /** Whether any token, user or sign-in method is configured that grants the role. */
  configured(role: Role): boolean;
  /** The roles a loopback client holds without a credential (`auth.loopbackRoles`, with what each includes). */
  readonly loopbackRoles: Role[];
  /** Whether a client presenting this may act in the role (a session is looked up in the store). */
  allows(role: Role, presented: Presented): Promise<boolean>;
  /** Every role a client presenting this holds. */
  held(presented: Presented): Promise<Role[]>;
  /** Who is acting, for audit trails: the token's or session's name, or `loopback`. */
  actor(token: string | undefined, sessionId?: string): Promise<string>;
  /** The roles a session carries. */
  sessionRoles(sessionId: string | undefined): Promise<Role[]>;
  /** The configured name and role of a token, for signing in with it. */
  identify(token: string | undefined): { name: string; role: Role } | null;
  /** What a request presents, read through the door (trusted proxies). */
  present(req: IncomingMessage): Presented;
  readonly door: Door;
  /** Sign-in limits, shared by password and token sign-in, bearer tokens and the socket.io handshake. */
  readonly signIn: SignInGuard;
}

export interface AuthSettings {
  tokens: Config['tokens'];
  /** Roles that users or single sign-on can grant, so they count as configured. */
  grantable?: Role[];
  /** Roles given by address (`Config.loopbackRoles`); none when absent. */
  loopbackRoles?: Role[];
  /** Trusted proxies and accepted hosts; none trusted when absent. */
  door?: Door;
  /** Sign-in limits (`limits.signInAttempts`, `limits.signInLockMs`), kept in the store; absent, every sign-in and token is refused. */
  signIn?: SignInGuard;
}

/** No sign-in limits (an authenticator asked only what is configured): every attempt is refused rather than let through unlimited. */
const noSignIn: SignInGuard = {
  password: () => Promise.reject(new Error('sign-in limits: this authenticator has no store to keep them in')),
  token: () => Promise.reject(new Error('sign-in limits: this authenticator has no store to keep them in')),
};

const noProxy = createDoor({ server: { publicUrl: null, allowedHosts: [], trustProxy: false }, host: '127.0.0.1' });

export function createAuthenticator(config: AuthSettings, sessions?: SessionLookup): Authenticator {
  const known = config.tokens.map((t) => ({ hash: digest(t.token), role: t.role, name: t.name }));
  const door = config.door ?? noProxy;
  const match = (token: string | undefined) => {
    if (!token) return [];
    const h = digest(token);
    // Compare against every token so the time taken does not tell which one matched.
    return known.filter((k) => timingSafeEqual(h, k.hash));
  };
  const rolesOf = (token: string | undefined): Role[] => [...new Set(match(token).flatMap((k) => grants[k.role]))];
  const session = async (id: string | undefined) => (id && sessions ? sessions.lookup(id) : null);
  const sessionRoles = async (id: string | undefined): Promise<Role[]> => {
    const s = await session(id);
    return s ? grants[s.role] : [];
  };
  const grantable = new Set((config.grantable ?? []).flatMap((r) => grants[r]));
  const configured = (role: Role) => known.some((k) => grants[k.role].includes(role)) || grantable.has(role);
  const loopbackRoles = [...new Set((config.loopbackRoles ?? []).flatMap((r) => grants[r]))];
  const held = async (p: Presented): Promise<Role[]> => {
    const all = new Set<Role>([...rolesOf(p.token), ...(await sessionRoles(p.sessionId)), ...(p.local ? loopbackRoles : [])]);
    return roles.filter((r) => all.has(r));
  };
  return {
    rolesOf,
    configured,
    sessionRoles,
    loopbackRoles,
    held,
    door,
    allows: async (role, p) => (await held(p)).includes(role),
    actor: async (token, sessionId) => match(token).at(-1)?.name ?? (await session(sessionId))?.actor ?? 'loopback',
    identify: (token) => {
      const m = match(token);
      // A token listed twice with different roles signs in with the widest one.
      const best = m.sort((a, b) => grants[b.role].length - grants[a.role].length)[0];
      return best ? { name: best.name, role: best.role } : null;
    },
    signIn: config.signIn ?? noSignIn,
    present: (req) => ({
      token: bearerOf(req.headers.authorization),
      sessionId: cookieValue(req.headers.cookie, SESSION_COOKIE),
      local: door.local(req),
    }),
  };
}

function bearerOf(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

export function bearerToken(req: Request): string | undefined {
  return bearerOf(req.get('authorization'));
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** The credentials a request presents: a bearer token and a session cookie. */
export function credentials(req: Request): { token?: string; sessionId?: string } {
  return { token: bearerToken(req), sessionId: cookieValue(req.get('cookie'), SESSION_COOKIE) };
}

/** Who made a request, for audit trails. */
export function actorOf(auth: Authenticator, req: Request): Promise<string> {
  const c = credentials(req);
  return auth.actor(c.token, c.sessionId);
}

/** Refuses the request unless the client holds the role: 401 without or with a wrong token, 403 with a token of another role. */
export function requireRole(auth: Authenticator, role: Role): RequestHandler {
  return async (req, res, next) => {
    const presented = auth.present(req);
    const { token, sessionId } = presented;
    // Wrong tokens are limited per client address; a locked address is refused even with a right one.
    const refused = token ? await checkToken(auth.signIn, req.ip, () => auth.rolesOf(token).length > 0) : null;
    if (refused) return next(refusalError(res, refused));
    if (await auth.allows(role, presented)) return next();
    if ((token && auth.rolesOf(token).length > 0) || (!token && (await auth.sessionRoles(sessionId)).length > 0)) {
      return next(new HttpError(403, 'forbidden', `You are signed in without the "${role}" role: ask an administrator for it.`));
    }
    next(
      new HttpError(
        401,
        'unauthorized',
        token
          ? 'The token is not valid: check the Authorization header.'
          : `This needs the "${role}" role: sign in, or send "Authorization: Bearer <token>".`,
      ),
    );
  };
}

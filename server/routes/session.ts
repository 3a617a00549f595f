/** Signing in and out: a token or a configured user's password in, an httpOnly session cookie out. */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { credentials, grants, SESSION_COOKIE } from '../auth';
import { roles, type Role } from '../config';
import { HttpError } from '../errors';
import { hashPassword, verifyPassword } from '../passwords';
import { createFailureLimiter } from '../rate-limit';
import { parseBody } from '../validate';

const loginBody = z.union([
  z.object({ token: z.string().min(1).max(500) }).strict(),
  z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }).strict(),
], { error: 'send {"token": "…"} or {"username": "…", "password": "…"}' });

/** Compared against when a username is unknown, so the answer takes as long as for a known one. */
const decoyHash = hashPassword('not a real password');

export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

function setCookie(req: Request, res: Response, id: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

export function sessionRouter(ctx: AppContext): Router {
  const r = Router();
  const limiter = createFailureLimiter(LOGIN_ATTEMPTS, LOGIN_WINDOW_MS, ctx.now);
  const sessions = ctx.sessions;

  r.get('/api/v1/session', (req, res) => {
    const c = ctx.auth.present(req);
    const signedIn = c.sessionId ? sessions?.lookup(c.sessionId) ?? null : null;
    const loopbackRoles = c.local ? ctx.auth.loopbackRoles : [];
    const held = new Set<Role>(ctx.auth.held(c));
    res.json({
      signedIn: signedIn !== null, actor: signedIn?.actor ?? (c.token ? ctx.auth.identify(c.token)?.name ?? null : null),
      // The session's own role; `roles` adds what loopback grants without signing in.
      role: signedIn?.role ?? null,
      roles: roles.filter((role) => held.has(role)),
      methods: { token: true, password: ctx.config.users.length > 0, oidc: ctx.config.oidc !== null },
      authRequired: !loopbackRoles.includes('viewer'),
    });
  });

  r.post('/api/v1/session', express.json({ limit: '8kb' }), (req, res) => {
    if (!sessions) throw new HttpError(503, 'no_sessions', 'Sessions are not available on this server.');
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.blockedFor(address);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new HttpError(429, 'too_many_attempts', `Too many failed sign-in attempts from this address: try again in ${Math.ceil(wait / 60)} minutes.`);
    }
    const body = parseBody(loginBody, req.body, 'invalid_login');
    let who: { actor: string; role: Role } | null = null;
    if ('token' in body) {
      const t = ctx.auth.identify(body.token);
      if (t) who = { actor: t.name, role: t.role };
    } else {
      const user = ctx.config.users.find((u) => u.username === body.username);
      const ok = verifyPassword(body.password, user?.passwordHash ?? decoyHash);
      if (user && ok) who = { actor: `user:${user.username}`, role: user.role };
    }
    if (!who) {
      limiter.fail(address);
      throw new HttpError(401, 'unauthorized', 'token' in body ? 'That token is not valid.' : 'The username or password is not right.');
    }
    limiter.reset(address);
    const s = sessions.create(who.actor, who.role);
    setCookie(req, res, s.id, sessions.hours * 3_600_000);
    res.json({ signedIn: true, actor: who.actor, roles: grants[who.role], expiresAt: new Date(s.expiresAt).toISOString() });
  });

  r.delete('/api/v1/session', (req, res) => {
    const { sessionId } = credentials(req);
    if (sessionId && sessions) sessions.destroy(sessionId);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.status(204).end();
  });
  return r;
}

/** Signing in and out: a token or a configured user's password in, an httpOnly session cookie out. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { credentials, grants, SESSION_COOKIE } from '../auth';
import { roles, type Role } from '../config';
import { HttpError } from '../errors';
import { hashPassword, PasswordsBusyError, verifyPassword } from '../passwords';
import { busyRefusal, checkToken, isRefusal, refusalError } from '../rate-limit';
import { tokenHash, type SessionOrigin } from '../sessions';
import { parseBody } from '../validate';
import { jsonBody } from '../body';

const loginBody = z.union(
  [
    z.object({ token: z.string().min(1).max(500) }).strict(),
    z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }).strict(),
  ],
  { error: 'send {"token": "…"} or {"username": "…", "password": "…"}' },
);

/** Compared against when a username is unknown, so the answer takes as long as for a known one. */
const decoyHash = hashPassword('not a real password');

function setCookie(req: Request, res: Response, id: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

export function sessionRouter(ctx: AppContext): Router {
  const r = Router();
  const sessions = ctx.sessions;

  r.get('/api/v1/session', async (req, res) => {
    const c = ctx.auth.present(req);
    // It says whose a token is: a wrong one counts against the address, as anywhere else.
    const refused = c.token ? await checkToken(ctx.auth.signIn, req.ip, () => ctx.auth.identify(c.token) !== null) : null;
    if (refused) throw refusalError(res, refused);
    const signedIn = c.sessionId && sessions ? await sessions.lookup(c.sessionId) : null;
    const loopbackRoles = c.local ? ctx.auth.loopbackRoles : [];
    const held = new Set<Role>(await ctx.auth.held(c));
    res.json({
      signedIn: signedIn !== null,
      actor: signedIn?.actor ?? (c.token ? (ctx.auth.identify(c.token)?.name ?? null) : null),
      // The session's own role; `roles` adds what loopback grants without signing in.
      role: signedIn?.role ?? null,
      roles: roles.filter((role) => held.has(role)),
      methods: { token: true, password: ctx.config.users.length > 0, oidc: ctx.config.oidc !== null },
      authRequired: !loopbackRoles.includes('viewer'),
    });
  });

  // Failures are limited per user name and per client address (`req.ip`, through trusted proxies only): see rate-limit.ts.
  r.post('/api/v1/session', jsonBody({ limit: '8kb', depth: ctx.config.limits.jsonDepth }), async (req, res) => {
    if (!sessions) throw new HttpError(503, 'no_sessions', 'Sessions are not available on this server.');
    const guard = ctx.auth.signIn;
    const body = parseBody(loginBody, req.body, 'invalid_login');
    let who: { actor: string; role: Role; origin: SessionOrigin } | null = null;
    if ('token' in body) {
      const t = ctx.auth.identify(body.token);
      const refused = await guard.token(req.ip, t !== null);
      if (refused) throw refusalError(res, refused);
      if (t) who = { actor: t.name, role: t.role, origin: { kind: 'token', tokenHash: tokenHash(body.token) } };
    } else {
      const attempt = await guard.password(body.username, req.ip);
      if (isRefusal(attempt)) throw refusalError(res, attempt);
      const user = ctx.config.users.find((u) => u.username === body.username);
      let ok: boolean;
      try {
        // An unknown user's password is checked too (against a decoy), so the time taken does not say who exists.
        ok = await verifyPassword(body.password, user?.passwordHash ?? decoyHash);
      } catch (e) {
        await attempt.released();
        if (e instanceof PasswordsBusyError) throw refusalError(res, busyRefusal);
        throw e;
      }
      if (user && ok) {
        await attempt.succeeded();
        who = { actor: `user:${user.username}`, role: user.role, origin: { kind: 'password', username: user.username } };
      } else await attempt.failed();
    }
    if (!who)
      throw new HttpError(401, 'unauthorized', 'token' in body ? 'That token is not valid.' : 'The username or password is not right.');
    const s = await sessions.create(who.actor, who.role, who.origin);
    setCookie(req, res, s.id, sessions.hours * 3_600_000);
    res.json({ signedIn: true, actor: who.actor, roles: grants[who.role], expiresAt: new Date(s.expiresAt).toISOString() });
  });

  r.delete('/api/v1/session', async (req, res) => {
    const { sessionId } = credentials(req);
    if (sessionId && sessions) await sessions.destroy(sessionId);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.status(204).end();
  });
  return r;
}

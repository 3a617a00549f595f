/** `GET /auth/oidc/login` and `/auth/oidc/callback`: single sign-on, ending in a session cookie. */
import { Router } from 'express';
import type { AppContext } from '../context';
import { cookieValue, SESSION_COOKIE } from '../auth';
import { HttpError } from '../errors';
import type { OidcClient } from '../oidc';

const STATE_COOKIE = 'deming_oidc_state';

export function oidcRouter(ctx: AppContext, oidc: OidcClient): Router {
  const r = Router();
  r.get('/auth/oidc/login', async (req, res) => {
    let start;
    try {
      start = await oidc.start();
    } catch (e) {
      ctx.log('single sign-on: the identity provider did not answer', e);
      throw new HttpError(502, 'oidc_unavailable', 'The identity provider did not answer: try again, or sign in with a token.');
    }
    // Lax, not Strict: the browser must send it back on the identity provider's redirect.
    res.cookie(STATE_COOKIE, start.state, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/auth/oidc', maxAge: 10 * 60_000 });
    res.redirect(302, start.url);
  });

  r.get('/auth/oidc/callback', async (req, res) => {
    const state = cookieValue(req.get('cookie'), STATE_COOKIE);
    res.clearCookie(STATE_COOKIE, { path: '/auth/oidc' });
    if (!state || req.query.state !== state) throw new HttpError(400, 'oidc_state', 'This sign-in was not started in this browser: start again from the login page.');
    const base = new URL(ctx.config.oidc!.redirectUrl);
    const callback = new URL(req.originalUrl, `${base.protocol}//${base.host}`);
    let who;
    try {
      who = await oidc.finish(callback, state);
    } catch (e) {
      ctx.log('single sign-on failed', e);
      throw new HttpError(401, 'oidc_failed', 'Single sign-on did not complete: start again from the login page.');
    }
    if (!who.role) throw new HttpError(403, 'forbidden', 'Your account has no Deming role: ask an administrator to add you to a group that has one.');
    const s = ctx.sessions!.create(who.actor, who.role);
    res.cookie(SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: ctx.sessions!.hours * 3_600_000 });
    res.redirect(302, '/');
  });
  return r;
}

/**
 * `GET /auth/oidc/login` and `/auth/oidc/callback`: single sign-on, ending in a session cookie
 * and the page the person wanted. A failure goes back to the login page with a code it explains.
 */
import { Router, type Response } from 'express';
import type { AppContext } from '../context';
import { cookieValue, SESSION_COOKIE } from '../auth';
import { OidcBusyError, type OidcClient } from '../oidc';

const STATE_COOKIE = 'deming_oidc_state';
const NEXT_COOKIE = 'deming_oidc_next';

/** A path of this site only: never another origin (`//host`, `/\host`, schemes, control characters). */
export function sameSitePath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/') || value.startsWith('//')) return '/';
  if (/[\\\s\u0000-\u001f\u007f]/.test(value) || value.startsWith('/login') || value.startsWith('/auth/')) return '/';
  return value;
}

function toLogin(res: Response, code: string): void {
  res.redirect(302, `/login?error=${code}`);
}

export function oidcRouter(ctx: AppContext, oidc: OidcClient): Router {
  const r = Router();
  r.get('/auth/oidc/login', async (req, res) => {
    let start;
    try {
      start = await oidc.start();
    } catch (e) {
      if (e instanceof OidcBusyError) return toLogin(res, 'oidc_busy');
      ctx.log('single sign-on: the identity provider did not answer', e);
      return toLogin(res, 'oidc_unavailable');
    }
    // Lax, not Strict: the browser must send them back on the identity provider's redirect.
    const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: req.secure, path: '/auth/oidc', maxAge: 10 * 60_000 };
    res.cookie(STATE_COOKIE, start.state, cookie);
    res.cookie(NEXT_COOKIE, sameSitePath(req.query.next), cookie);
    res.redirect(302, start.url);
  });

  r.get('/auth/oidc/callback', async (req, res) => {
    const state = cookieValue(req.get('cookie'), STATE_COOKIE);
    const next = sameSitePath(cookieValue(req.get('cookie'), NEXT_COOKIE));
    res.clearCookie(STATE_COOKIE, { path: '/auth/oidc' });
    res.clearCookie(NEXT_COOKIE, { path: '/auth/oidc' });
    if (!state || req.query.state !== state) return toLogin(res, 'oidc_state');
    const base = new URL(ctx.config.oidc!.redirectUrl);
    const callback = new URL(req.originalUrl, `${base.protocol}//${base.host}`);
    let who;
    try {
      who = await oidc.finish(callback, state);
    } catch (e) {
      ctx.log('single sign-on failed', e);
      return toLogin(res, 'oidc_failed');
    }
    if (!who.role) return toLogin(res, 'no_role');
    const s = await ctx.sessions!.create(who.actor, who.role, { kind: 'oidc', claim: who.claim.name, values: who.claim.values });
    res.cookie(SESSION_COOKIE, s.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: ctx.sessions!.hours * 3_600_000,
    });
    res.redirect(302, next);
  });
  return r;
}

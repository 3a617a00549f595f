/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE), through the
 * maintained `openid-client` library. A claim of the ID token (by default `groups`) maps to a
 * Deming role; the session that follows is the same as after any other sign-in.
 */
import * as client from 'openid-client';
import { z } from 'zod';
import { grants, roles, type Role } from './roles';

export const oidcSchema = z.object({
  issuer: z.url({ error: 'expected the issuer URL, such as https://login.example.gov/realms/deming' }),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** The public URL of Deming's callback: https://deming.example.gov/auth/oidc/callback */
  redirectUrl: z.url({ error: 'expected the public URL of /auth/oidc/callback on this server' }),
  roleClaim: z.string().min(1).default('groups'),
  /** Claim value → role, e.g. { "deming-admins": admin, "delivery": viewer }. */
  roles: z.record(z.string(), z.enum(roles)).default({}),
  /** The role of a signed-in person whose claim matches none; omit to refuse them. */
  defaultRole: z.enum(roles).optional(),
  scopes: z.string().default('openid profile'),
}).strict();
export type OidcSettings = z.infer<typeof oidcSchema>;

/** The widest role the claim grants, or the default. */
export function roleFromClaims(claims: Record<string, unknown>, s: Pick<OidcSettings, 'roleClaim' | 'roles' | 'defaultRole'>): Role | null {
  const raw = claims[s.roleClaim];
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const granted = values.map((v) => s.roles[v]).filter((r): r is Role => r !== undefined);
  granted.sort((a, b) => grants[b].length - grants[a].length);
  return granted[0] ?? s.defaultRole ?? null;
}

export interface OidcClient {
  /** Where to send the browser, and the state to remember for the callback. */
  start(): Promise<{ url: string; state: string }>;
  /** Completes the sign-in from the callback URL; returns who signed in and with which role. */
  finish(callbackUrl: URL, state: string): Promise<{ actor: string; role: Role | null }>;
}

const PENDING_MS = 10 * 60_000;

export function createOidcClient(s: OidcSettings, now: () => number = Date.now): OidcClient {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    // Discovered on first use and again after a failure, so an identity provider that is down at start does not stop Deming.
    discovered ??= client.discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined,
      new URL(s.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => { discovered = null; throw e; });
    return discovered;
  };
  const pending = new Map<string, { verifier: string; at: number }>();
  return {
    async start() {
      const config = await configuration();
      for (const [k, v] of pending) if (now() - v.at > PENDING_MS) pending.delete(k);
      if (pending.size > 10_000) pending.clear();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      pending.set(state, { verifier, at: now() });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: s.redirectUrl, scope: s.scopes, state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      return { url: url.href, state };
    },
    async finish(callbackUrl, state) {
      const p = pending.get(state);
      pending.delete(state);
      if (!p || now() - p.at > PENDING_MS) throw new Error('This sign-in has expired or was not started here: start again.');
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: p.verifier, expectedState: state });
      const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      const who = String(claims.preferred_username ?? claims.sub ?? 'unknown');
      return { actor: `oidc:${who}`, role: roleFromClaims(claims, s) };
    },
  };
}

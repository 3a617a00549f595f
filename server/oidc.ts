/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE), through the
 * maintained `openid-client` library. A claim of the ID token (by default `groups`) maps to a
 * Deming role; the session that follows is the same as after any other sign-in.
 */
import * as client from 'openid-client';
import { z } from 'zod';
import { roles, widestRole, type Role } from './roles';

export const oidcSchema = z
  .object({
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
  })
  .strict();
export type OidcSettings = z.infer<typeof oidcSchema>;

type RoleMapping = Pick<OidcSettings, 'roleClaim' | 'roles' | 'defaultRole'>;

/** The role claim's values that the mapping gives a role. */
export function mappedValues(claims: Record<string, unknown>, s: RoleMapping): string[] {
  const raw = claims[s.roleClaim];
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  return [...new Set(values.filter((v) => Object.hasOwn(s.roles, v)))];
}

/** The widest role the claim grants, or the default. */
export function roleFromClaims(claims: Record<string, unknown>, s: RoleMapping): Role | null {
  return widestRole(mappedValues(claims, s).map((v) => s.roles[v])) ?? s.defaultRole ?? null;
}

export interface OidcClient {
  /** Where to send the browser, and the state to remember for the callback. */
  start(): Promise<{ url: string; state: string }>;
  /**
   * Completes the sign-in from the callback URL; returns who signed in, with which role, and
   * the role claim's values that gave it (kept with the session, to check it again later).
   */
  finish(callbackUrl: URL, state: string): Promise<{ actor: string; role: Role | null; claim: { name: string; values: string[] } }>;
}

const PENDING_MS = 10 * 60_000;
/** Sign-ins started and not yet back, at most: a flood of starts is refused rather than forgetting real ones. */
export const PENDING_CAPACITY = 10_000;

/** Too many sign-ins are under way to start another: try again in a few minutes. */
export class OidcBusyError extends Error {
  constructor() {
    super('Too many single sign-ins are under way: try again in a few minutes.');
    this.name = 'OidcBusyError';
  }
}

export function createOidcClient(s: OidcSettings, now: () => number = Date.now, capacity = PENDING_CAPACITY): OidcClient {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    // Discovered on first use and again after a failure, so an identity provider that is down at start does not stop Deming.
    discovered ??= client
      .discovery(
        new URL(s.issuer),
        s.clientId,
        s.clientSecret,
        undefined,
        new URL(s.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        discovered = null;
        throw e;
      });
    return discovered;
  };
  // In the order they were started, so the expired ones are at the front.
  const pending = new Map<string, { verifier: string; at: number }>();
  const dropExpired = () => {
    for (const [k, v] of pending) {
      if (now() - v.at <= PENDING_MS) break;
      pending.delete(k);
    }
  };
  return {
    async start() {
      const config = await configuration();
      dropExpired();
      if (pending.size >= capacity) throw new OidcBusyError();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      pending.set(state, { verifier, at: now() });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: s.redirectUrl,
        scope: s.scopes,
        state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
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
      return { actor: `oidc:${who}`, role: roleFromClaims(claims, s), claim: { name: s.roleClaim, values: mappedValues(claims, s) } };
    },
  };
}

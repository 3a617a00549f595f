/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE), through the
 * maintained `openid-client` library. A claim of the ID token (by default `groups`) maps to a
 * Deming role; the session that follows is the same as after any other sign-in.
 */
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { z } from 'zod';
import type { Store } from '../db/store';
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

/** The store's part that keeps the sign-ins under way: in the database, so a callback may reach any instance. */
export type PendingStore = Pick<Store, 'addOidcPending' | 'sweepOidcPending' | 'takeOidcPending'>;

/** A state as stored: its SHA-256 (the state itself is only in the person's cookie and the provider's redirect). */
const stateHash = (state: string) => createHash('sha256').update(state).digest('base64url');

export function createOidcClient(
  s: OidcSettings,
  pending: PendingStore,
  now: () => number = Date.now,
  capacity = PENDING_CAPACITY,
): OidcClient {
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
  // This instance's view of the table: the rows at its last sweep (expired ones forgotten, the
  // rest counted) plus those it added since. A sweep every tenth of the capacity added (other
  // instances add too); far from the bound a start just adds its row, near it each add is
  // checked against the table's count, one at a time on this instance. While full, until when
  // starts are refused without asking (callbacks take rows, and rows expire).
  let known = 0;
  let added = capacity;
  let fullUntil = 0;
  let turn: Promise<unknown> = Promise.resolve();
  const step = Math.max(1, Math.floor(capacity / 10));
  const remember = async (hash: string, verifier: string, t: number): Promise<boolean> => {
    if (t < fullUntil) return false;
    if (added >= step || fullUntil > 0) {
      const swept = await pending.sweepOidcPending(t - PENDING_MS);
      known = swept.count;
      added = 0;
      fullUntil = 0;
    }
    if (known + added < capacity - step) {
      added++;
      return pending.addOidcPending(hash, verifier, t, null);
    }
    const mine = turn.then(async () => {
      const ok = await pending.addOidcPending(hash, verifier, t, capacity);
      if (ok) added++;
      else fullUntil = t + 1000;
      return ok;
    });
    turn = mine.catch(() => undefined);
    return mine;
  };
  return {
    async start() {
      const config = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const t = now();
      // Refused when full (those expired are forgotten first), rather than forget a real person's sign-in.
      if (!(await remember(stateHash(state), verifier, t))) throw new OidcBusyError();
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
      // Taken once: a replayed callback finds nothing, on this instance or another.
      const p = await pending.takeOidcPending(stateHash(state));
      if (!p || now() - p.startedAt > PENDING_MS) throw new Error('This sign-in has expired or was not started here: start again.');
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: p.verifier, expectedState: state });
      const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      const who = String(claims.preferred_username ?? claims.sub ?? 'unknown');
      return { actor: `oidc:${who}`, role: roleFromClaims(claims, s), claim: { name: s.roleClaim, values: mappedValues(claims, s) } };
    },
  };
}

/**
 * Sign-in limits against a real server (many clients from different loopback addresses), and
 * the limiter's table bound driven directly: per user name and per address, not reset by
 * another account's success, growing back-off, bearer tokens, password checks off the event loop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { hashPassword } from '../../server/passwords';
import { ADDRESS_FACTOR, createKeyLimiter, createSignInGuard, IN_FLIGHT_MS } from '../../server/rate-limit';
import { loadConfig } from '../../server/config';
import { openConfiguredStore } from '../../db/open';
import type { Store } from '../../db/store';
import { testDatabase } from '../helpers/postgres';
import { testStore } from '../helpers/store-choice';
import { address, requestFrom } from '../helpers/from-address';
import { startTestServer } from '../helpers/server';

const ATTEMPTS = 10;
const LOCK_MS = 15 * 60_000;
const VIEWER = 'viewer-token-0123456789abcdef';
const EDITOR = 'editor-token-0123456789abcdef';
let s: Awaited<ReturnType<typeof startTestServer>>;
let clock = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deming-limits-')), 'deming.config.yaml');
  const users = ['ada', 'bob']
    .map((u) => `    - username: ${u}\n      passwordHash: "${hashPassword(`${u}-correct-password`)}"\n      role: editor\n`)
    .join('');
  writeFileSync(file, `auth:\n  users:\n${users}limits:\n  signInAttempts: ${ATTEMPTS}\n  signInLockMinutes: 15\n`);
  s = await startTestServer(
    {
      DEMING_CONFIG: file,
      DEMING_VIEWER_TOKEN: VIEWER,
      DEMING_EDITOR_TOKEN: EDITOR,
      DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
      DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
    },
    () => clock,
  );
}, 30_000);
afterAll(async () => {
  await s.stop();
});

const signIn = (from: string, body: unknown) => requestFrom(from, `${s.url}/api/v1/session`, { body });
const password = (from: string, username: string, ok = false) =>
  signIn(from, { username, password: ok ? `${username}-correct-password` : 'a wrong guess' });

describe('sign-in limits per user name and per address', () => {
  it('counts a user’s failures across another account’s success: nine wrong, a good token, one wrong, locked', async () => {
    const from = address(1, 1);
    for (let i = 0; i < ATTEMPTS - 1; i++) expect((await password(from, 'ada')).status).toBe(401);
    expect((await signIn(from, { token: VIEWER })).status).toBe(200);
    expect((await password(from, 'ada')).status).toBe(401);
    // Locked now, even with the right password, and from anywhere.
    const locked = await password(address(1, 2), 'ada', true);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(locked.body.error.message).toBe('Too many failed sign-in attempts for this account: try again in 15 minutes.');
    // The same answer for a user name that does not exist: the lock does not say who does.
    for (let i = 0; i < ATTEMPTS; i++) await password(from, 'nobody-here');
    expect((await password(address(1, 3), 'nobody-here')).body.error.message).toBe(locked.body.error.message);
    clock += LOCK_MS;
  }, 30_000);

  it('locks a user guessed at from many addresses, and not the other users', async () => {
    for (let i = 0; i < ATTEMPTS; i++) expect((await password(address(2, i + 1), 'Ada')).status).toBe(401);
    // The same key whatever the case of the name.
    expect((await password(address(2, 100), 'ada', true)).status).toBe(429);
    const bob = await password(address(2, 1), 'bob', true);
    expect(bob.status).toBe(200);
    expect(bob.body.actor).toBe('user:bob');
    clock += LOCK_MS;
  }, 30_000);

  it('limits one address across many user names, more loosely than one user name', async () => {
    const from = address(3, 1);
    const limit = ATTEMPTS * ADDRESS_FACTOR;
    // People behind one NAT mistyping: more than one user's limit from the address is still fine.
    for (let i = 0; i < ATTEMPTS + 1; i++) expect((await password(from, `someone-${i}`)).status).toBe(401);
    for (let i = ATTEMPTS + 1; i < limit; i++) expect((await password(from, `someone-${i}`)).status).toBe(401);
    const locked = await password(from, 'bob', true);
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toBe('Too many failed sign-in attempts from this address: try again in 15 minutes.');
    // A success does not clear the address; other addresses are not affected.
    expect((await password(address(3, 2), 'bob', true)).status).toBe(200);
    expect((await password(from, 'bob', true)).status).toBe(429);
    clock += LOCK_MS;
    expect((await password(from, 'bob', true)).status).toBe(200);
  }, 60_000);

  it('locks a key longer each time: 15, 30, 60 minutes, and forgets it after a quiet day', async () => {
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < ATTEMPTS; i++) expect((await password(address(4, round * 20 + i + 1), 'grace')).status).toBe(401);
      const locked = await password(address(4, 200), 'grace');
      expect(locked.status).toBe(429);
      waits.push(Number(locked.headers['retry-after']));
      clock += waits.at(-1)! * 1000;
    }
    expect(waits).toEqual([15 * 60, 30 * 60, 60 * 60]);
    clock += 24 * 3_600_000;
    for (let i = 0; i < ATTEMPTS; i++) await password(address(4, 100 + i), 'grace');
    expect(Number((await password(address(4, 200), 'grace')).headers['retry-after'])).toBe(15 * 60);
    clock += LOCK_MS;
  }, 60_000);
});

describe('bearer tokens', () => {
  it('refuses every bearer request from an address after too many wrong tokens, a right one too, until the lock ends', async () => {
    const from = address(5, 1);
    const org = (token: string, at = from) => requestFrom(at, `${s.url}/api/v1/org`, { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < ATTEMPTS * ADDRESS_FACTOR; i++) expect((await org(`wrong-token-${i}-0123456789`)).status).toBe(401);
    const locked = await org(VIEWER);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(locked.body.error.message).toBe('Too many failed sign-in attempts with a token from this address: try again in 15 minutes.');
    // A token sign-in and the socket.io handshake from there too; another address is not affected.
    expect((await signIn(from, { token: VIEWER })).status).toBe(429);
    expect((await org(VIEWER, address(5, 2))).status).toBe(200);
    const socket = connect(s.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: VIEWER },
      localAddress: from,
    } as Parameters<typeof connect>[1]);
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    socket.close();
    expect(error.message).toMatch(/^too many attempts: .*with a token from this address/);
    // Password sign-in from the address is a separate count: a stale token in a script does not lock people out.
    expect((await password(from, 'bob', true)).status).toBe(200);
    clock += LOCK_MS;
    expect((await org(VIEWER)).status).toBe(200);
  }, 30_000);
});

describe('bearer tokens at the health check', () => {
  it('counts wrong tokens sent to health, which still answers, so it is no way around the limit', async () => {
    const from = address(5, 3);
    for (let i = 0; i < ATTEMPTS * ADDRESS_FACTOR; i++) {
      expect(
        (await requestFrom(from, `${s.url}/api/v1/health`, { headers: { authorization: `Bearer guess-${i}-0123456789abcdef` } })).status,
      ).toBe(200);
    }
    expect((await requestFrom(from, `${s.url}/api/v1/health`, { headers: { authorization: `Bearer ${VIEWER}` } })).status).toBe(200);
    expect((await requestFrom(from, `${s.url}/api/v1/org`, { headers: { authorization: `Bearer ${VIEWER}` } })).status).toBe(429);
    clock += LOCK_MS;
  }, 30_000);
});

describe('password checks off the event loop', () => {
  it('answers health while 50 password sign-ins are being checked', async () => {
    let lastSignIn = 0;
    const signIns = Array.from({ length: 50 }, (_, i) =>
      password(address(6, i + 1), `flood-${i}`).then((r) => {
        lastSignIn = Date.now();
        return r.status;
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const health = await requestFrom('127.0.0.1', `${s.url}/api/v1/health`);
    const healthAt = Date.now();
    const statuses = await Promise.all(signIns);
    expect(health.status).toBe(200);
    // The checks were running (most answered 401; beyond the queue, 503 "busy") and health did not wait for them.
    expect(statuses.filter((x) => x === 401).length).toBeGreaterThanOrEqual(30);
    expect(statuses.every((x) => x === 401 || x === 503)).toBe(true);
    expect(healthAt).toBeLessThan(lastSignIn);
  }, 30_000);
});

/** A fresh store of the suite's kind (SQLite file or PostgreSQL database), for the limiter driven directly. */
async function freshStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'deming-limits-store-'));
  const pg = testStore() === 'postgres' ? await testDatabase() : null;
  const store = await openConfiguredStore(
    loadConfig({ DEMING_DB: join(dir, 'deming.db'), ...(pg ? { DEMING_DATABASE_URL: pg.url, DEMING_DATABASE_POOL_SIZE: '4' } : {}) }),
  );
  return {
    store,
    close: async () => {
      await store.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('the limiter’s table', () => {
  let db: Awaited<ReturnType<typeof freshStore>>;
  beforeAll(async () => {
    db = await freshStore();
  });
  afterAll(() => db?.close());

  it('keeps a locked key through 600 other addresses, within its capacity', async () => {
    let t = 0;
    const limiter = createKeyLimiter({ kind: 'table-bound', store: db.store, limit: 3, lockMs: 60_000, capacity: 200, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.begin('victim-guessed')).toEqual({ ok: true });
      await limiter.end('victim-guessed', 'failed');
    }
    expect(await limiter.lockedFor('victim-guessed')).toBe(60);
    for (let i = 0; i < 600; i++) {
      const key = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      expect((await limiter.once(key, true)).ok).toBe(true);
      if (i % 50 === 0) expect(await db.store.countSignInLimits('table-bound')).toBeLessThanOrEqual(200);
    }
    expect(await db.store.countSignInLimits('table-bound')).toBeLessThanOrEqual(200);
    expect(await limiter.lockedFor('victim-guessed')).toBe(60);
    expect(await limiter.begin('victim-guessed')).toMatchObject({ ok: false, why: 'locked' });
  }, 60_000);

  it('refuses wrong tokens from unknown addresses while every key it holds is locked, rather than forget a lock', async () => {
    let t = 0;
    // One wrong password locks a user name; five wrong tokens lock an address's tokens.
    const guard = createSignInGuard({ attempts: 1, lockMs: 60_000, capacity: 100, now: () => t, store: db.store });
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < ADDRESS_FACTOR; j++) {
        const refused = await guard.token(`10.0.0.${i}`, false);
        if (refused) throw new Error(`refused at ${i}: ${refused.message}`);
      }
    }
    expect(await guard.token('10.0.1.1', false)).toMatchObject({
      status: 429,
      message: 'Too many sign-in attempts on this server: try again in 1 minute.',
      retryAfter: 60,
    });
    // A right token from an unknown address needs no room; a right one from a locked address is refused.
    expect(await guard.token('10.0.1.1', true)).toBeNull();
    expect(await guard.token('10.0.0.5', true)).toMatchObject({ status: 429 });
    t += 60_000;
    expect(await guard.token('10.0.1.1', false)).toBeNull();
  }, 60_000);

  it('does not let many attempts at once past the limit', async () => {
    const limiter = createKeyLimiter({ kind: 'at-once', store: db.store, limit: 3, lockMs: 60_000, now: () => 0 });
    const admitted = await Promise.all(Array.from({ length: 8 }, () => limiter.begin('ada')));
    expect(admitted.filter((a) => a.ok)).toHaveLength(3);
    expect(admitted.filter((a) => !a.ok)).toEqual(Array(5).fill({ ok: false, why: 'busy', retryAfter: 1 }));
  });

  it('stops counting an attempt in flight after two minutes (its instance stopped while checking it)', async () => {
    let t = 0;
    const limiter = createKeyLimiter({ kind: 'lost', store: db.store, limit: 1, lockMs: 60_000, now: () => t });
    expect(await limiter.begin('ada')).toEqual({ ok: true });
    expect(await limiter.begin('ada')).toMatchObject({ ok: false, why: 'busy' });
    t += IN_FLIGHT_MS;
    expect(await limiter.begin('ada')).toEqual({ ok: true });
  });

  it('counts every failure when two servers on the store fail the same key at once, and both see the lock', async () => {
    const t = 0;
    const a = createSignInGuard({ attempts: 4, lockMs: 60_000, now: () => t, store: db.store });
    const b = createSignInGuard({ attempts: 4, lockMs: 60_000, now: () => t, store: db.store });
    // 20 wrong tokens (the address limit), half through each, all at once: none is lost to a race.
    const refused = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).token('10.9.9.9', false)));
    expect(refused.every((r) => r === null)).toBe(true);
    expect(await a.token('10.9.9.9', true)).toMatchObject({ status: 429, retryAfter: 60 });
    expect(await b.token('10.9.9.9', true)).toMatchObject({ status: 429, retryAfter: 60 });
  });

  it('doubles each lock up to a day', async () => {
    let t = 0;
    const limiter = createKeyLimiter({ kind: 'doubling', store: db.store, limit: 1, lockMs: 3_600_000, now: () => t });
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.begin('k');
      await limiter.end('k', 'failed');
      locks.push((await limiter.lockedFor('k')) / 3600);
      t += (await limiter.lockedFor('k')) * 1000;
    }
    expect(locks).toEqual([1, 2, 4, 8, 16, 24, 24]);
  });
});

/**
 * Sessions re-checked against the configuration at every use: real servers stopped and started
 * again on the same database file with a new configuration, a real identity provider, and
 * `npx deming sessions` run as an operator would while the server runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { openStore } from '../../db/store';
import { insertSession } from '../../db/queries/sessions';
import { loadConfig } from '../../server/config';
import { hashPassword } from '../../server/passwords';
import { createSessionStore } from '../../server/sessions';
import { startServer, type RunningServer } from '../../server/server';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { CookieJar, finishSignIn, freePort, startSignIn } from '../helpers/oidc-signin';
import { runCli } from '../helpers/process';

const TOKENS = {
  DEMING_VIEWER_TOKEN: 'viewer-token-0123456789',
  DEMING_INGEST_TOKEN: 'ingest-token-0123456789',
  DEMING_ADMIN_TOKEN: 'admin-token-0123456789',
};
const hashes = { ada: hashPassword('ada-correct-password'), bob: hashPassword('bob-correct-password') };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deming-recheck-'));
});
afterAll(() => {
  // A server child may still be writing its kept start state (its snapshot files) as it exits.
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** A server on the given database file and configuration (YAML), as `npx deming start` would run it. */
async function start(db: string, yaml: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return startServer(loadConfig({ DEMING_DB: db, DEMING_CONFIG: file, PORT: '0', DEMING_DEMO: 'off', ...TOKENS, ...env }), {
    log: () => {},
  });
}

const users = (list: [string, string][]) =>
  `auth:\n  users:\n${list.map(([u, role]) => `    - username: ${u}\n      passwordHash: "${hashes[u as keyof typeof hashes]}"\n      role: ${role}\n`).join('')}`;

async function signIn(url: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}
// A new connection each time: a server started again on the same port must not get the last one's kept-alive socket.
const session = async (url: string, cookie: string) =>
  (await fetch(`${url}/api/v1/session`, { headers: { cookie, connection: 'close' } })).json();
const status = async (url: string, path: string, cookie: string, init: RequestInit = {}) =>
  (await fetch(`${url}${path}`, { ...init, headers: { cookie, 'content-type': 'application/json', connection: 'close', ...init.headers } }))
    .status;
const planLoop = (url: string, cookie: string) =>
  status(url, '/api/v1/loops', cookie, {
    method: 'POST',
    body: JSON.stringify({ scope: 'org', name: 'x', from: '2026-01-05', to: '2026-01-19' }),
  });

describe('password and token sessions after the configuration changes', () => {
  it('ends a removed user’s session and lowers a lowered user’s role at the next request after a restart', async () => {
    const db = join(dir, 'users.db');
    let s = await start(
      db,
      users([
        ['ada', 'editor'],
        ['bob', 'editor'],
      ]),
    );
    const ada = await signIn(s.url, { username: 'ada', password: 'ada-correct-password' });
    const bob = await signIn(s.url, { username: 'bob', password: 'bob-correct-password' });
    expect(await planLoop(s.url, ada)).toBe(201);
    await s.close();
    // ada removed, bob now only a viewer.
    s = await start(db, users([['bob', 'viewer']]));
    try {
      expect(await status(s.url, '/api/v1/org', ada)).toBe(401);
      expect(await session(s.url, ada)).toMatchObject({ signedIn: false, role: null });
      expect(await session(s.url, bob)).toMatchObject({ signedIn: true, actor: 'user:bob', role: 'viewer', roles: ['viewer'] });
      expect(await status(s.url, '/api/v1/org', bob)).toBe(200);
      expect(await planLoop(s.url, bob)).toBe(403);
    } finally {
      await s.close();
    }
  }, 30_000);

  it('ends the sessions of a rotated token, and gives a token session its token’s role now', async () => {
    const db = join(dir, 'tokens.db');
    let s = await start(
      db,
      'auth:\n  tokens:\n    - { name: ci, token: first-editor-token-0123, role: editor }\n    - { name: desk, token: desk-token-0123456789ab, role: editor }\n',
    );
    const rotated = await signIn(s.url, { token: 'first-editor-token-0123' });
    const kept = await signIn(s.url, { token: 'desk-token-0123456789ab' });
    // The database keeps neither token.
    const raw = openDatabase(db, { check: 'off' });
    const stored = JSON.stringify(raw.prepare('SELECT * FROM sessions').all());
    raw.close();
    expect(stored).not.toContain('first-editor-token-0123');
    expect(stored).not.toContain('desk-token-0123456789ab');
    await s.close();
    s = await start(
      db,
      'auth:\n  tokens:\n    - { name: ci, token: second-editor-token-01, role: editor }\n    - { name: desk, token: desk-token-0123456789ab, role: viewer }\n',
    );
    try {
      expect(await status(s.url, '/api/v1/org', rotated)).toBe(401);
      expect(await session(s.url, kept)).toMatchObject({ signedIn: true, actor: 'desk', role: 'viewer' });
      expect(await planLoop(s.url, kept)).toBe(403);
    } finally {
      await s.close();
    }
  }, 30_000);

  it('ends a session made before sessions recorded how they were made', async () => {
    const file = join(dir, 'old.db');
    const db = openDatabase(file);
    const table = openStore(file);
    try {
      const store = createSessionStore(table, loadConfig({ DEMING_DB: file, ...TOKENS }), Date.now);
      const made = await store.create('env:viewer', 'viewer', {
        kind: 'token',
        tokenHash: createHash('sha256').update(TOKENS.DEMING_VIEWER_TOKEN).digest('hex'),
      });
      expect(await store.lookup(made.id)).toEqual({ actor: 'env:viewer', role: 'viewer' });
      // A row as the migration would leave an older one (no origin), were it kept.
      const id = randomBytes(32).toString('base64url');
      insertSession(db, createHash('sha256').update(id).digest('hex'), {
        actor: 'env:viewer',
        role: 'viewer',
        kind: '',
        origin: '',
        createdAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
      });
      expect(await store.lookup(id)).toBeNull();
      expect((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
      await table.close();
    }
  });
});

describe('npx deming sessions', () => {
  it('revokes a user’s sessions in a running server, and lists sessions without their ids', async () => {
    const db = join(dir, 'cli.db');
    const file = join(dir, 'cli.yaml');
    writeFileSync(
      file,
      users([
        ['ada', 'editor'],
        ['bob', 'editor'],
      ]),
    );
    const s = await startServer(loadConfig({ DEMING_DB: db, DEMING_CONFIG: file, PORT: '0', DEMING_DEMO: 'off', ...TOKENS }), {
      log: () => {},
    });
    const env = { DEMING_DB: db, DEMING_CONFIG: file, ...TOKENS };
    try {
      const ada1 = await signIn(s.url, { username: 'ada', password: 'ada-correct-password' });
      const ada2 = await signIn(s.url, { username: 'ada', password: 'ada-correct-password' });
      const bob = await signIn(s.url, { username: 'bob', password: 'bob-correct-password' });
      const viewer = await signIn(s.url, { token: TOKENS.DEMING_VIEWER_TOKEN });
      const list = await runCli(['sessions', 'list'], env);
      expect(list.code).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ACTOR\s+ROLE\s+KIND\s+CREATED\s+EXPIRES$/);
      expect(lines.filter((l) => /^user:ada\s+editor\s+password\s+\d{4}-/.test(l))).toHaveLength(2);
      expect(lines.some((l) => /^env:viewer\s+viewer\s+token\s/.test(l))).toBe(true);
      for (const c of [ada1, ada2, bob, viewer]) expect(list.stdout).not.toContain(c.split('=')[1]);

      const revoke = await runCli(['sessions', 'revoke', '--user', 'ada'], env);
      expect(revoke).toMatchObject({ code: 0, stdout: 'Ended 2 sessions of user:ada.\n' });
      expect(await status(s.url, '/api/v1/org', ada1)).toBe(401);
      expect(await status(s.url, '/api/v1/org', ada2)).toBe(401);
      expect(await status(s.url, '/api/v1/org', bob)).toBe(200);

      expect((await runCli(['sessions', 'revoke', '--actor', 'env:viewer'], env)).stdout).toBe('Ended 1 session of env:viewer.\n');
      expect(await status(s.url, '/api/v1/org', viewer)).toBe(401);
      expect((await runCli(['sessions', 'revoke', '--all'], env)).stdout).toBe('Ended 1 session.\n');
      expect(await status(s.url, '/api/v1/org', bob)).toBe(401);

      const wrong = await runCli(['sessions', 'revoke'], env);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('exactly one of --user <name>, --actor <actor>');
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('single sign-on sessions after the role mapping changes', () => {
  let provider: TestProvider;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    provider = await startOidcProvider(
      { clientId: 'deming', clientSecret: 'a-client-secret-for-tests', redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback` },
      (login) => (login === 'grace' ? ['delivery-leads', 'everyone'] : ['everyone']),
    );
  });
  afterAll(async () => {
    await provider?.close();
  });

  const oidc = (roles: string) =>
    `auth:\n  oidc:\n    issuer: ${provider.issuer}\n    clientId: deming\n    clientSecret: a-client-secret-for-tests\n    redirectUrl: http://127.0.0.1:${port}/auth/oidc/callback\n    roles:\n${roles}`;

  it('ends a session whose group is no longer mapped, and follows a mapping that lowers its role', async () => {
    const db = join(dir, 'oidc.db');
    let s = await start(db, oidc('      delivery-leads: editor\n'), { PORT: String(port) });
    const signInAs = async (login: string) => {
      const jar = new CookieJar();
      const back = await finishSignIn(s.url, jar, await startSignIn(s.url, jar), login);
      expect(back.status).toBe(302);
      return `deming_session=${jar.get('deming_session')}`;
    };
    const grace = await signInAs('grace');
    expect(await session(s.url, grace)).toMatchObject({ signedIn: true, actor: 'oidc:grace', role: 'editor' });
    await s.close();
    s = await start(db, oidc('      delivery-leads: viewer\n'), { PORT: String(port) });
    expect(await session(s.url, grace)).toMatchObject({ signedIn: true, role: 'viewer' });
    const again = await signInAs('grace');
    await s.close();
    // The group's mapping removed: what gave the role is gone (a group mapped only now does not count for an old session).
    s = await start(db, oidc('      everyone: viewer\n'), { PORT: String(port) });
    try {
      expect(await status(s.url, '/api/v1/org', grace)).toBe(401);
      expect(await session(s.url, again)).toMatchObject({ signedIn: false });
      // Signing in again gives the role the mapping gives now.
      expect(await session(s.url, await signInAs('grace'))).toMatchObject({ signedIn: true, role: 'viewer' });
    } finally {
      await s.close();
    }
  }, 60_000);
});

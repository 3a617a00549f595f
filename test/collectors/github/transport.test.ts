/**
 * The collector against an unreliable GitHub: faults of every kind converge to the same database
 * as a clean run; Link pagination and long pull requests; GitHub Enterprise Server under
 * /api/v3; GitHub App auth.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acme } from '../../fakes/github/acme';
import { generateRepo } from '../../fakes/github/generate';
import { startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import type { FakeGithub } from '../../fakes/github/scenario';
import { eitherDb } from '../../helpers/either-store';
import { acmeConfig, collect, dumpDb, dumpWithCursors } from './helpers';

const scenario: FakeGithub = acme();
let fake: FakeGithubServer;
let reference: Record<string, unknown[]>;

beforeAll(async () => {
  fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
  const t = await eitherDb();
  await collect(t, acmeConfig(fake.apiUrl));
  reference = await dumpWithCursors(t);
  await t.cleanup();
});
afterAll(() => fake.close());

describe('an unreliable GitHub', () => {
  it('converges to the same database through 5xx, secondary rate limits, 429, resets and pages cut short', async () => {
    const t = await eitherDb();
    fake.injectFaults({ every: 3, kinds: ['500', 'secondary-403', 'reset', '429', 'truncate', '502'] });
    const from = fake.requests.length;
    try {
      const result = await collect(t, acmeConfig(fake.apiUrl));
      const faults = fake.requests
        .slice(from)
        .filter((r) => r.fault)
        .map((r) => r.fault);
      expect(new Set(faults)).toEqual(new Set(['500', 'secondary-403', 'reset', '429', 'truncate', '502']));
      expect(result.errors.map((e) => e.resource)).toEqual(['acme/gone']);
      expect(await dumpWithCursors(t)).toEqual(reference);
    } finally {
      fake.clearFaults();
      await t.cleanup();
    }
  });
});

describe('a repository that fails for a while', () => {
  it('is tried again once the others are done, and the history is complete', async () => {
    const t = await eitherDb();
    // Every request about acme/api fails until its retries (5) are spent, then it answers again.
    fake.injectFaults({ every: 1, kinds: ['500', '502'], match: /^\/repos\/acme\/api/, times: 6 });
    try {
      const result = await collect(t, acmeConfig(fake.apiUrl));
      expect(result.repositories.map((r) => [r.name, r.error ?? 'ok'])).toEqual([
        ['acme/jobs', 'ok'],
        ['acme/gone', expect.stringMatching(/^not found/)],
        ['acme/web', 'ok'],
        ['acme/api', 'ok'],
      ]);
      expect(result.errors.map((e) => e.resource)).toEqual(['acme/gone']);
      expect(await dumpWithCursors(t)).toEqual(reference);
    } finally {
      fake.clearFaults();
      await t.cleanup();
    }
  });
});

describe('a repository that fails', () => {
  it('is reported with the cause and skipped (archived, no access, not found); the others are collected', async () => {
    const strict = await startFakeGithub(scenario, { tokens: ['test-token'], forbidden: ['acme/api'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(strict.apiUrl);
      const repositories = ['acme/old', 'acme/api', 'acme/gone', 'acme/web'].map((name) => ({ name }));
      const result = await collect(t, { ...config, github: { ...config.github!, organisations: [], repositories } });
      expect(result.errors).toEqual([
        { resource: 'acme/old', message: 'archived: skipped (remove it from sources.github.repositories, or unarchive it).' },
        {
          resource: 'acme/api',
          message: expect.stringMatching(
            /^forbidden \(403\): the token lacks a read permission .*Resource not accessible by personal access token/,
          ),
        },
        { resource: 'acme/gone', message: expect.stringMatching(/^not found \(404\)/) },
      ]);
      expect(await t.all('SELECT DISTINCT s.name FROM deployments d JOIN services s ON s.id = d.service_id')).toEqual([
        { name: 'acme/web' },
      ]);
    } finally {
      await strict.close();
      await t.cleanup();
    }
  });
});

describe('a pull request GitHub no longer has', () => {
  it('is left out, and the others of its batch are stored', async () => {
    const gone = await startFakeGithub(scenario, { tokens: ['test-token'], graphqlMissing: [2] });
    const t = await eitherDb();
    try {
      const result = await collect(t, acmeConfig(gone.apiUrl), { only: ['acme/web'] });
      expect(result.errors).toEqual([]);
      expect(await t.all('SELECT number FROM pull_requests ORDER BY number')).toEqual([{ number: 1 }, { number: 3 }]);
    } finally {
      await gone.close();
      await t.cleanup();
    }
  });
});

describe('GitHub Enterprise Server', () => {
  it('collects the same history from a baseUrl under /api/v3, with GraphQL at /api/graphql', async () => {
    const ghes = await startFakeGithub(scenario, { tokens: ['test-token'], prefix: '/api/v3' });
    const t = await eitherDb();
    try {
      await collect(t, acmeConfig(ghes.apiUrl));
      expect(ghes.apiUrl).toMatch(/\/api\/v3$/);
      expect(ghes.requests.filter((r) => !(r.path.startsWith('/api/v3/') || r.path === '/api/graphql'))).toEqual([]);
      expect(ghes.requests.some((r) => r.path === '/api/graphql')).toBe(true);
      const { cursors: _cursors, raw_events: _raw, ...rows } = reference;
      expect(await dumpDb(t)).toEqual(rows);
    } finally {
      await ghes.close();
      await t.cleanup();
    }
  });
});

describe('GitHub App auth', () => {
  it("signs a JWT with the app's key (read from a file), gets an installation token and collects with it", async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const keyFile = join(mkdtempSync(join(tmpdir(), 'deming-key-')), 'app.pem');
    writeFileSync(keyFile, privateKey);
    const app = await startFakeGithub(scenario, { tokens: ['only-the-installation-token-works'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(app.apiUrl, {
        auth: ['    app:', '      appId: 12345', `      privateKey: ${keyFile}`, '      installationId: 678'],
      });
      expect(config.github?.auth).toMatchObject({ kind: 'app', appId: 12345, installationId: 678 });
      const result = await collect(t, config);
      expect(result.errors.map((e) => e.resource)).toEqual(['acme/gone']);
      expect(app.requests[0]).toMatchObject({ method: 'POST', path: '/app/installations/678/access_tokens', status: 201 });
      expect((await dumpDb(t)).deployments).toEqual(reference.deployments);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});

describe('pagination', () => {
  it('follows Link headers through every page, and the further commit pages of long pull requests', async () => {
    const end = Date.parse('2026-03-01T00:00:00Z');
    const big: FakeGithub = {
      repos: [generateRepo('acme', 'big', { pulls: 120, deployments: 30, runs: 250, end, days: 60, incidents: 3 })],
      orgs: new Map(),
    };
    const server = await startFakeGithub(big, { commitsPerPage: 2 });
    const t = await eitherDb();
    try {
      const config = acmeConfig(server.apiUrl);
      const result = await collect(
        t,
        { ...config, github: { ...config.github!, organisations: [], repositories: [{ name: 'acme/big' }] } },
        { now: end },
      );
      expect(result.errors).toEqual([]);
      expect({
        pulls: await t.count('pull_requests'),
        deployments: await t.count('deployments'),
        runs: await t.count('ci_runs'),
        incidents: await t.count('incidents'),
      }).toEqual({ pulls: 120, deployments: 30, runs: 250, incidents: 3 });
      // 1 to 3 commits per pull request, plus its merge commit.
      expect(await t.count('changes')).toBe(120 + 40 * (1 + 2 + 3));
      expect(
        server.requests.filter((r) => r.path.endsWith('/actions/runs')).map((r) => new URLSearchParams(r.query).get('page') ?? '1'),
      ).toEqual(['1', '2', '3']);
      expect(server.requests.filter((r) => r.path === '/graphql').length).toBeGreaterThan(5);
    } finally {
      await server.close();
      await t.cleanup();
    }
  });
});

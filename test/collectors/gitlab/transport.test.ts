/**
 * The collector against an unreliable or misconfigured GitLab: each fault converges to the same
 * database as a clean run; a self-managed instance under a path prefix; a project that fails is
 * reported and skipped; a token without read_api, a wrong token and a base URL that is not a
 * GitLab API stop the run with the cause; pagination through every page; an HTTP proxy from the environment.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { health } from '../../fakes/gitlab/health';
import { ProjectBuilder, type FakeGitlab } from '../../fakes/gitlab/scenario';
import { startFakeGitlab, type FakeGitlabServer, type FaultKind } from '../../fakes/gitlab/server';
import { eitherDb } from '../../helpers/either-store';
import { collect, dumpDb, dumpWithCursors, healthConfig } from './helpers';

const TOKENS = { 'test-token': ['read_api'] };
const scenario = health();
let fake: FakeGitlabServer;
let reference: Record<string, unknown[]>;

beforeAll(async () => {
  fake = await startFakeGitlab(scenario, { tokens: TOKENS });
  const t = await eitherDb();
  await collect(t, healthConfig(fake.apiUrl));
  reference = await dumpWithCursors(t);
  await t.cleanup();
});
afterAll(() => fake.close());

describe('an unreliable GitLab', () => {
  it.each<[string, FaultKind[], RegExp | undefined]>([
    ['429 with Retry-After', ['429'], undefined],
    ['500, 502 and 503', ['500', '502', '503'], undefined],
    ['connection resets', ['reset'], undefined],
    ['bodies cut short', ['truncate'], undefined],
    ['short pages', ['short'], /updated_after/],
  ])('converges to the same database through %s', async (_name, kinds, match) => {
    const t = await eitherDb();
    fake.injectFaults({ every: 2, kinds, match });
    const from = fake.requests.length;
    try {
      const result = await collect(t, healthConfig(fake.apiUrl));
      expect(result.errors).toEqual([]);
      expect(fake.requests.slice(from).filter((r) => r.fault).length).toBeGreaterThanOrEqual(match ? 1 : 3);
      expect(await dumpWithCursors(t)).toEqual(reference);
    } finally {
      fake.clearFaults();
      await t.cleanup();
    }
  });
});

describe('a self-managed GitLab under a path prefix', () => {
  it('collects the same history from https://host/gitlab/api/v4, with GraphQL at /gitlab/api/graphql', async () => {
    const prefixed = await startFakeGitlab(scenario, { tokens: TOKENS, prefix: '/gitlab/api/v4' });
    const t = await eitherDb();
    try {
      const result = await collect(t, healthConfig(prefixed.apiUrl));
      expect(result.errors).toEqual([]);
      expect(prefixed.requests.filter((r) => !(r.path.startsWith('/gitlab/api/v4/') || r.path === '/gitlab/api/graphql'))).toEqual([]);
      // Ids and links carry the instance's host and prefix; the rows are otherwise the same.
      const strip = (dump: Record<string, unknown[]>) => JSON.parse(JSON.stringify(dump).replace(/127\.0\.0\.1:\d+(\/gitlab)?/g, 'HOST'));
      const { cursors: _c, raw_events: _r, ...rows } = reference;
      expect(strip(await dumpDb(t))).toEqual(strip(rows));
      expect(JSON.stringify((await dumpDb(t)).deployments)).toMatch(/127\.0\.0\.1:\d+\/gitlab\/projects\/101\/deployments\//);
    } finally {
      await prefixed.close();
      await t.cleanup();
    }
  });
});

describe('a project that fails', () => {
  it('is reported with the cause and skipped (no access, not found, archived); the others are collected', async () => {
    const strict = await startFakeGitlab(health(), { tokens: TOKENS, forbidden: ['health/portal'] });
    const t = await eitherDb();
    try {
      const config = healthConfig(strict.apiUrl);
      const result = await collect(t, {
        ...config,
        gitlab: { ...config.gitlab!, groups: [], projects: ['health/old', 'health/portal', 'health/gone', 'health/clinics/booking'] },
      });
      expect(result.errors).toEqual([
        { resource: 'health/old', message: 'archived: skipped (remove it from sources.gitlab.projects, or unarchive it).' },
        { resource: 'health/portal', message: expect.stringMatching(/^forbidden \(403\): the token's user or bot cannot read this/) },
        { resource: 'health/gone', message: expect.stringMatching(/^not found \(404\)/) },
      ]);
      expect(await t.all('SELECT DISTINCT s.name FROM deployments d JOIN services s ON s.id = d.service_id')).toEqual([
        { name: 'health/clinics/booking' },
      ]);
    } finally {
      await strict.close();
      await t.cleanup();
    }
  });
});

describe('a token or base URL that cannot work', () => {
  it('a token without read_api stops the run, naming the missing scope; nothing is stored', async () => {
    const narrow = await startFakeGitlab(health(), { tokens: { 'test-token': ['read_user', 'read_repository'] } });
    const t = await eitherDb();
    try {
      const result = await collect(t, healthConfig(narrow.apiUrl));
      expect(result.errors).toEqual([
        {
          resource: 'gitlab',
          message:
            'the token lacks the read_api scope (it has read_user, read_repository): create a personal, project or group access token with read_api, and set GITLAB_TOKEN to it.',
        },
      ]);
      expect(narrow.requests.map((r) => r.path)).toEqual(['/api/v4/personal_access_tokens/self']);
      expect((await dumpWithCursors(t)).raw_events).toEqual([]);
    } finally {
      await narrow.close();
      await t.cleanup();
    }
  });

  it('a wrong token is refused with what to check', async () => {
    const t = await eitherDb();
    try {
      const result = await collect(t, healthConfig(fake.apiUrl, { auth: ['    token: not-a-token'] }));
      expect(result.errors).toEqual([
        { resource: 'gitlab', message: expect.stringMatching(/^GitLab refused the token \(401\): check GITLAB_TOKEN/) },
      ]);
    } finally {
      await t.cleanup();
    }
  });

  it('a base URL that is not a GitLab API says so', async () => {
    const other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const t = await eitherDb();
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v4`;
      const result = await collect(t, healthConfig(url));
      expect(result.errors).toEqual([
        {
          resource: 'gitlab',
          message: expect.stringMatching(/answered text\/html, not GitLab's JSON: check that sources\.gitlab\.baseUrl is the API root/),
        },
      ]);
      expect((await dumpWithCursors(t)).raw_events).toEqual([]);
    } finally {
      other.closeAllConnections();
      other.close();
      await t.cleanup();
    }
  });
});

describe('pagination', () => {
  it('reads every page of every list, and the further commit pages of long merge requests', async () => {
    const gl: FakeGitlab = { groups: [{ id: 1, path: 'big' }], projects: [] };
    const b = new ProjectBuilder('big/app', { id: 900 });
    b.environment('production', 'production');
    b.commit('big-root', [], '2026-01-01T00:00:00.000Z');
    b.push('big-root', '2026-01-01T00:00:00.000Z');
    let head = 'big-root';
    for (let i = 1; i <= 130; i++) {
      const at = new Date(Date.parse('2026-01-02T00:00:00Z') + i * 3_600_000).toISOString();
      const commits = [0, 1, 2].map((k) => {
        const name = `big-${i}-${k}`;
        b.commit(name, [k === 0 ? head : `big-${i}-${k - 1}`], at);
        return name;
      });
      b.mergeRequest({ iid: i, commits, createdAt: at, mergedAt: at, mergeName: `big-m${i}` });
      head = `big-m${i}`;
      b.pipeline({ commit: head, status: 'success', createdAt: at });
      b.deployment({ commit: head, createdAt: at });
    }
    gl.projects.push(b.project);
    const server = await startFakeGitlab(gl, { commitsPerPage: 2 });
    const t = await eitherDb();
    try {
      const config = healthConfig(server.apiUrl);
      const result = await collect(
        t,
        { ...config, gitlab: { ...config.gitlab!, groups: ['big'], exclude: [] } },
        { now: Date.parse('2026-01-10T00:00:00Z') },
      );
      expect(result.errors).toEqual([]);
      expect({ prs: await t.count('pull_requests'), deployments: await t.count('deployments'), runs: await t.count('ci_runs') }).toEqual({
        prs: 130,
        deployments: 130,
        runs: 130,
      });
      // Three commits and a merge commit each, and the root: the default branch read from the horizon.
      expect(await t.count('changes')).toBe(130 * 4 + 1);
      expect(server.requests.filter((r) => r.path.endsWith('/deployments')).length).toBe(2);
      expect(server.requests.filter((r) => r.operation === 'mergeRequestCommits').length).toBe(130);
    } finally {
      await server.close();
      await t.cleanup();
    }
  });
});

describe('an HTTP proxy from the environment', () => {
  it('carries every request when HTTP_PROXY is set, and NO_PROXY exempts the host', async () => {
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const target = new URL(req.url!);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const t = await eitherDb();
    const direct = await eitherDb();
    try {
      const result = await collect(t, healthConfig(fake.apiUrl), { env: { HTTP_PROXY: proxyUrl } });
      expect(result.errors).toEqual([]);
      expect(seen.length).toBe(result.requests);
      expect(seen.every((s) => s.includes(`${fake.url}/api/`))).toBe(true);
      const { cursors: _c, raw_events: _r, ...rows } = reference;
      expect(await dumpDb(t)).toEqual(rows);
      seen.length = 0;
      await collect(direct, healthConfig(fake.apiUrl), { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
      expect(seen).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      await t.cleanup();
      await direct.cleanup();
    }
  });
});

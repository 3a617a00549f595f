/**
 * A GitHub release that stops being a deployment (issue 16): turned pre-release or deleted, it is
 * retracted (DESIGN.md), pulled by the collector or told by the release webhook; it stops counting
 * and the raw log keeps every version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config';
import { acme, NOW } from '../../fakes/github/acme';
import { signature } from '../../fakes/github/deliveries';
import { releaseJson } from '../../fakes/github/rest';
import { startFakeGithub } from '../../fakes/github/server';
import { RepoBuilder } from '../../fakes/github/scenario';
import { eitherDb } from '../../helpers/either-store';
import { get, startTestServer } from '../../helpers/server';
import { acmeConfig, collect, dumpDb } from './helpers';

const api = (s: ReturnType<typeof acme>) => s.repos.find((r) => r.name === 'api')!;
const releasesOf = (rows: Record<string, unknown[]>) =>
  (rows.deployments as { service: string; ext_id: string; status: string }[])
    .filter((d) => d.service === 'acme/api' && d.ext_id.includes('/releases/'))
    .map((d) => d.status);
const shippedBy = (rows: Record<string, unknown[]>) =>
  (rows.shipped as { service: string; ext_id: string }[]).filter((s) => s.service === 'acme/api').map((s) => s.ext_id);

describe('a GitHub release that no longer counts', () => {
  it('is retracted by the next pull when turned pre-release or deleted, and counts again when it counts again', async () => {
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(t, config);
      expect(releasesOf(await dumpDb(t))).toEqual(['success', 'success']);
      expect(shippedBy(await dumpDb(t)).length).toBeGreaterThan(0);

      // v1.1.0 turned pre-release, v1.0.0 deleted.
      const releases = api(scenario).releases;
      const v110 = releases.find((r) => r.tag === 'v1.1.0')!;
      v110.prerelease = true;
      releases.splice(
        releases.findIndex((r) => r.tag === 'v1.0.0'),
        1,
      );
      await collect(t, config, { now: NOW + 3_600_000 });
      const after = await dumpDb(t);
      expect(releasesOf(after)).toEqual(['retracted', 'retracted']);
      // What they shipped is shipped by the deployments that still count, or by none.
      expect(shippedBy(after).filter((id) => id.includes('/releases/'))).toEqual([]);

      // Released again: it counts again.
      v110.prerelease = false;
      await collect(t, config, { now: NOW + 7_200_000 });
      expect(releasesOf(await dumpDb(t)).sort()).toEqual(['retracted', 'success']);
      const versions = (
        await t.all<{ payload: string }>(
          "SELECT payload FROM raw_events WHERE type = 'deployment' AND event_id = ? ORDER BY id",
          `acme/api/releases/${v110.id}`,
        )
      ).map((r) => (JSON.parse(r.payload) as { status: string }).status);
      expect(versions).toEqual(['success', 'retracted', 'success']);
    } finally {
      await t.cleanup();
      await fake.close();
    }
  });

  it('is retracted when the rules change, though GitHub has nothing new (its list answers 304), and a glob that does not parse is refused naming its key', async () => {
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(t, config);
      expect(releasesOf(await dumpDb(t))).toEqual(['success', 'success']);
      const original = readFileSync(config.file, 'utf8');
      const withRules = (rules: string) => {
        writeFileSync(config.file, original.replace('tagPattern: "^v" }', `tagPattern: "^v", ${rules} }`));
        return loadConfig({ DEMING_CONFIG: config.file, DEMING_DB: ':memory:' });
      };
      await collect(t, withRules('exclude: "v1.1*"'), { now: NOW + 3_600_000 });
      const v110 = api(scenario).releases.find((r) => r.tag === 'v1.1.0')!;
      const status = async (id: number) =>
        ((await dumpDb(t)).deployments as { ext_id: string; status: string }[]).find((d) => d.ext_id === `acme/api/releases/${id}`)!.status;
      expect(await status(v110.id)).toBe('retracted');
      expect(() => withRules('include: "v[1-"')).toThrow(ConfigError);
      expect(() => withRules('include: "v[1-"')).toThrow(
        /sources\.github\.repositories\[0\]\.deployments\.include: "v\[1-" is not a valid glob/,
      );
    } finally {
      await t.cleanup();
      await fake.close();
    }
  });

  it('counts only when its tag is reachable from the default branch, unless includeOtherBranches says otherwise, asked once in GraphQL', async () => {
    const scenario = acme();
    // A backport on a support branch off v1.0.0, released as v1.0.1: not production of the main line.
    const b = RepoBuilder.of(api(scenario));
    b.commit('api-hotfix', ['api-s1'], '2026-03-03T17:00:00Z');
    b.release({ tag: 'v1.0.1', commit: 'api-hotfix', createdAt: '2026-03-03T18:00:00Z', targetIsSha: true });
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const t = await eitherDb();
    try {
      const config = acmeConfig(fake.apiUrl);
      await collect(t, config);
      expect(releasesOf(await dumpDb(t))).toEqual(['success', 'success']);
      const reach = fake.requests.filter((r) => r.endpoint === 'POST /graphql releaseReach');
      expect(reach).toHaveLength(1);

      // Nothing new: the list answers 304 and nothing is asked again.
      const from = fake.requests.length;
      await collect(t, config);
      expect(fake.requests.slice(from).filter((r) => r.path.endsWith('/graphql'))).toEqual([]);

      const original = readFileSync(config.file, 'utf8');
      writeFileSync(config.file, original.replace('tagPattern: "^v" }', 'tagPattern: "^v", includeOtherBranches: true }'));
      await collect(t, loadConfig({ DEMING_CONFIG: config.file, DEMING_DB: ':memory:' }), { now: NOW + 3_600_000 });
      expect(releasesOf(await dumpDb(t))).toEqual(['success', 'success', 'success']);
      expect(fake.requests.filter((r) => r.endpoint === 'POST /graphql releaseReach')).toHaveLength(1);

      // And back: the backport is retracted.
      writeFileSync(config.file, original);
      await collect(t, loadConfig({ DEMING_CONFIG: config.file, DEMING_DB: ':memory:' }), { now: NOW + 7_200_000 });
      expect(releasesOf(await dumpDb(t)).sort()).toEqual(['retracted', 'success', 'success']);
    } finally {
      await t.cleanup();
      await fake.close();
    }
  });

  it("is retracted by the release webhook's prereleased, edited and deleted actions", async () => {
    const SECRET = 'It is a secret to everybody';
    const scenario = acme();
    const fake = await startFakeGithub(scenario, { tokens: ['test-token'] });
    const server = await startTestServer({ DEMING_CONFIG: acmeConfig(fake.apiUrl).file, DEMING_GITHUB_WEBHOOK_SECRET: SECRET }, () => NOW);
    let n = 0;
    const deliver = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      const res = await fetch(`${server.url}/webhooks/github`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'release',
          'x-github-delivery': `release-${++n}`,
          'x-hub-signature-256': signature(SECRET, body),
        },
      });
      return res.status;
    };
    const deployments = async () =>
      (
        (await get(`${server.url}/api/v1/deployments?scope=service:acme/api&from=2026-03-01&to=2026-03-10`)).body.items as {
          id: string;
          status: string;
        }[]
      )
        .filter((d) => d.id.includes('/releases/'))
        .map((d) => d.status)
        .sort();
    const count = async () =>
      (await get(`${server.url}/api/v1/metrics?scope=service:acme/api&from=2026-03-01&to=2026-03-10`)).body.deploymentFrequency
        .count as number;
    try {
      const repo = api(scenario);
      const repository = { full_name: 'acme/api', html_url: 'https://github.com/acme/api', default_branch: 'main' };
      const json = (tag: string, o: Record<string, unknown> = {}) => ({
        ...releaseJson(
          fake.apiUrl,
          repo,
          repo.releases.find((r) => r.tag === tag)!,
        ),
        ...o,
      });
      for (const tag of ['v1.0.0', 'v1.1.0'])
        expect(await deliver({ action: 'published', release: json(tag), repository })).toBeLessThan(300);
      expect(await deployments()).toEqual(['success', 'success']);
      const before = await count();

      expect(await deliver({ action: 'prereleased', release: json('v1.1.0', { prerelease: true }), repository })).toBeLessThan(300);
      expect(await deployments()).toEqual(['retracted', 'success']);
      expect(await count()).toBe(before - 1);

      expect(await deliver({ action: 'edited', release: json('v1.1.0'), repository })).toBeLessThan(300);
      expect(await deployments()).toEqual(['success', 'success']);
      expect(await deliver({ action: 'edited', release: json('v1.1.0', { prerelease: true }), repository })).toBeLessThan(300);
      expect(await deliver({ action: 'deleted', release: json('v1.0.0'), repository })).toBeLessThan(300);
      expect(await deployments()).toEqual(['retracted', 'retracted']);
      expect(await count()).toBe(before - 2);
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});

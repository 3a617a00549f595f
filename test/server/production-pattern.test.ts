/**
 * What counts as production is re-evaluated when the pattern changes (issue 16, DESIGN.md
 * "production"): a server started again on the same file with another pattern gives the figures
 * a fresh ingest under that pattern gives; a deployment whose source declared it keeps what its
 * source said.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { NativeEventInput } from '../../common/events';
import { get, post, startTestServer } from '../helpers/server';
import { eitherDb } from '../helpers/either-store';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'deming-production-'));
  made.push(d);
  return d;
};

const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const at = (day: number) => `2026-03-0${day}T00:00:00Z`;
const service = 'acme/app';
const deployment = (
  id: string,
  environment: string,
  commit: number,
  day: number,
  extra: Partial<Extract<NativeEventInput, { type: 'deployment' }>> = {},
): NativeEventInput => ({
  type: 'deployment',
  source: 'ci',
  id,
  service,
  environment,
  status: 'success',
  sha: sha(commit),
  finishedAt: at(day),
  ...extra,
});

/** c1 <- c2 <- c3; production by the default pattern: d1 and d3; d2 deploys to "live"; d4 to "live" but its source says it is not production; d5 to "staging", declared production. */
const events: NativeEventInput[] = [
  { type: 'change', source: 'git', service, sha: sha(1), committedAt: at(1) },
  { type: 'change', source: 'git', service, sha: sha(2), committedAt: at(3), parents: [sha(1)] },
  { type: 'change', source: 'git', service, sha: sha(3), committedAt: at(5), parents: [sha(2)] },
  deployment('d1', 'production', 1, 2),
  deployment('d2', 'live', 2, 4),
  deployment('d3', 'production', 3, 6),
  deployment('d4', 'live', 3, 7, { production: false }),
  deployment('d5', 'staging', 3, 8, { production: true }),
];

function configWith(production: string | null): string {
  const file = join(tempDir(), 'deming.config.yaml');
  writeFileSync(file, production === null ? 'timezone: UTC\n' : `production: '${production}'\n`);
  return file;
}

const range = 'scope=service:acme/app&from=2026-03-01&to=2026-03-10';

/** What a user reads of the service: the figures and which deployments count. */
async function readings(url: string) {
  const metrics = (await get(`${url}/api/v1/metrics?${range}`)).body;
  const deployments = (
    (await get(`${url}/api/v1/deployments?${range}`)).body.items as { id: string; production: boolean; changes: number }[]
  )
    .map((d) => ({ id: d.id, production: d.production, changes: d.changes }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const changes = ((await get(`${url}/api/v1/changes?${range}`)).body.items as { sha: string; deploymentId: string }[])
    .map((c) => [c.sha, c.deploymentId])
    .sort();
  return { metrics, deployments, changes };
}

describe('the production pattern changed between two starts', () => {
  it('re-evaluates the stored deployments and links them again: the figures equal a fresh ingest under the new pattern', async () => {
    const db = await eitherDb();
    onTestFinished(() => db.cleanup());
    const first = await startTestServer({ ...db.env, DEMING_CONFIG: configWith(null) });
    let before;
    try {
      expect((await post(`${first.url}/api/v1/events`, events)).status).toBe(200);
      before = await readings(first.url);
    } finally {
      await first.stop();
    }
    // d1 ships c1, d3 ships c2 and c3; d5 (declared) ships nothing new.
    expect(before.metrics.deploymentFrequency.count).toBe(3);
    expect(before.changes).toEqual([
      [sha(1), 'd1'],
      [sha(2), 'd3'],
      [sha(3), 'd3'],
    ]);

    const pattern = '^(prod(uction)?|live)$';
    const logged: string[] = [];
    const again = await startTestServer({ ...db.env, DEMING_CONFIG: configWith(pattern) }, undefined, (m) => logged.push(m));
    let after;
    try {
      after = await readings(again.url);
    } finally {
      await again.stop();
    }
    expect(logged.join('\n')).toMatch(
      /production pattern changed from \/\^prod\(uction\)\?\$\/i to \/\^\(prod\(uction\)\?\|live\)\$\/i: 1 stored deployments re-evaluated, 1 services linked again/,
    );
    // d2 now counts and ships c2; d4 stays out, as its source said; d5 stays in.
    expect(after.metrics.deploymentFrequency.count).toBe(4);
    expect(after.changes).toEqual([
      [sha(1), 'd1'],
      [sha(2), 'd2'],
      [sha(3), 'd3'],
    ]);
    expect(after.deployments.filter((d) => d.production).map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd5']);

    const fresh = await startTestServer({ DEMING_CONFIG: configWith(pattern) });
    try {
      expect((await post(`${fresh.url}/api/v1/events`, events)).status).toBe(200);
      expect(after).toEqual(await readings(fresh.url));
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a pattern that does not compile, naming the key and the fix, and changes nothing', async () => {
    const db = await eitherDb();
    onTestFinished(() => db.cleanup());
    await expect(startTestServer({ ...db.env, DEMING_CONFIG: configWith('^(prod') })).rejects.toThrow(
      /production: "\^\(prod" is not a valid regular expression.*such as/,
    );
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitCollector, type GitRepository } from '../../../collectors/git/collector';
import type { CollectorContext } from '../../../collectors/types';
import { ingestEvents } from '../../../db/ingest';
import { openStore } from '../../../db/store';
import { validateEvents } from '../../../common/validate-events';
import { countRawEvents } from '../../../db/queries/events';
import { metricsIn } from '../../helpers/reads';
import { PRODUCTION, tempDb } from '../../helpers/db';
import { buildHistory, createRepo as makeRepo } from './repo';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
const createRepo = () => {
  const r = makeRepo();
  cleanups.push(r.remove);
  return r;
};
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

function store() {
  const t = tempDb();
  cleanups.push(t.cleanup);
  // The collector reads its cursors through a store on the same file.
  const reads = openStore(t.file, { check: 'off' });
  cleanups.push(() => {
    void reads.close();
  });
  const ingested: number[] = [];
  const ctx: CollectorContext = {
    store: reads,
    ingest: async (events, cursors) => {
      ingested.push(events.length);
      return ingestEvents(t.db, validateEvents(events), {
        production: PRODUCTION,
        now: Date.parse('2026-03-10T00:00:00Z'),
        resolveTeam: () => null,
        cursors,
      });
    },
    now: () => Date.parse('2026-03-10T00:00:00Z'),
    log: () => {},
  };
  return { ...t, ctx, ingested };
}

const collect = (ctx: CollectorContext, location: string, cacheDir = join(tmpdir(), 'deming-unused-cache')) =>
  createGitCollector({ repositories: [{ location, service: 'acme/app', releaseTags: 'v*' } satisfies GitRepository], cacheDir }).run(ctx);

const metricsOf = (s: ReturnType<typeof store>) =>
  metricsIn(s.db, 'service:acme/app', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z'));

async function expectHistory(s: ReturnType<typeof store>, expected: ReturnType<typeof buildHistory>) {
  const m = await metricsOf(s);
  expect(m.deploymentFrequency.count).toBe(expected.deployments);
  expect(m.leadTime).toMatchObject({ count: 7, excluded: 0, p50: 86_400, p85: 172_800, p95: 172_800 });
  const deployments = s.db.prepare('SELECT ext_id AS id, source, environment, status FROM deployments ORDER BY finished_at').all();
  expect(deployments).toEqual(
    ['v1.0', 'v1.1', 'v1.2'].map((id) => ({ id, source: 'git:acme/app', environment: 'production', status: 'success' })),
  );
}

describe('the git collector', () => {
  it('turns commits into changes and release tags into production deployments, with exact lead times', async () => {
    const repo = createRepo();
    const history = buildHistory(repo);
    const s = store();
    const r = await collect(s.ctx, repo.dir);
    expect(r.errors).toEqual([]);
    expect(r.stored).toBe(7 + 3);
    await expectHistory(s, history);
    // Only what lead time needs is stored: no names or e-mail addresses.
    const raw = s.db.prepare('SELECT payload FROM raw_events').all() as { payload: string }[];
    expect(raw.some((e) => /example\.org|Test/.test(e.payload))).toBe(false);
  });

  it('sends nothing and adds nothing on a re-run, and only what is new after new commits', async () => {
    const repo = createRepo();
    buildHistory(repo);
    const s = store();
    await collect(s.ctx, repo.dir);
    const before = countRawEvents(s.db);
    s.ingested.length = 0;
    expect((await collect(s.ctx, repo.dir)).stored).toBe(0);
    expect(s.ingested).toEqual([]);
    expect(countRawEvents(s.db)).toBe(before);

    repo.commit('c6', '2026-03-08T00:00:00Z');
    repo.tag('v1.3', '2026-03-09T00:00:00Z');
    expect((await collect(s.ctx, repo.dir)).stored).toBe(2);
    // The new commit, then the new tag.
    expect(s.ingested).toEqual([1, 1]);
    expect((await metricsOf(s)).leadTime.count).toBe(8);
  });

  it('reads a bare repository, and clones a URL into the cache then fetches it', async () => {
    const repo = createRepo();
    const history = buildHistory(repo);
    const bare = join(tempDir('deming-bare-'), 'app.git');
    execFileSync('git', ['clone', '--quiet', '--bare', repo.dir, bare]);
    const s1 = store();
    expect((await collect(s1.ctx, bare)).errors).toEqual([]);
    await expectHistory(s1, history);

    const cache = join(tempDir('deming-cache-'), 'git-cache');
    const s2 = store();
    expect((await collect(s2.ctx, `file://${repo.dir}`, cache)).errors).toEqual([]);
    await expectHistory(s2, history);
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^deming-git-\w+-[0-9a-f]{12}\.git$/)]);
    repo.commit('c6', '2026-03-08T00:00:00Z');
    repo.tag('v1.3', '2026-03-09T00:00:00Z');
    expect((await collect(s2.ctx, `file://${repo.dir}`, cache)).stored).toBe(2);
  });

  it('reports a path that is not a repository, even one inside a repository, and goes on', async () => {
    const repo = createRepo();
    buildHistory(repo);
    const inside = join(repo.dir, 'docs');
    mkdirSync(inside);
    const s = store();
    for (const location of [inside, join(tmpdir(), 'no-such-repository-here')]) {
      const r = await collect(s.ctx, location);
      expect(r.errors).toEqual([
        {
          resource: expect.stringContaining(location),
          message: expect.stringMatching(/is not a git repository: give the path of a clone/),
        },
      ]);
    }
    expect(existsSync(join(tmpdir(), 'no-such-repository-here'))).toBe(false);
    expect(countRawEvents(s.db)).toBe(0);
  });
});

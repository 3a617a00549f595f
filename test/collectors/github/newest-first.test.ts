/**
 * A first backfill of several repositories reads every repository's recent 90 days before any
 * repository's older history, so the dashboard shows the recent months first; it ends with the
 * data one pass down to the horizon gives; a run stopped in the older history goes on from its
 * committed cursors without reading the recent months again; and a re-sync with nothing new is
 * still only conditional REST requests answered 304.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRepo } from '../../fakes/github/generate';
import { countByEndpoint, startFakeGithub, type FakeGithubServer } from '../../fakes/github/server';
import type { FakeGithub } from '../../fakes/github/scenario';
import { eitherDb, type RowReader } from '../../helpers/either-store';
import type { Config } from '../../../server/config';
import { acmeConfig, collect, dumpDb, dumpWithCursors, FAST } from './helpers';
import { createGithubCollector, RECENT_DAYS, type RepositoryReport } from '../../../collectors/github/collector';
import { collectorContext } from '../../../server/collectors/context';

const DAY = 86_400_000;
const END = Date.parse('2026-03-01T00:00:00Z');
const RECENT_FROM = END - RECENT_DAYS * DAY;
const gh: FakeGithub = {
  repos: [
    generateRepo('acme', 'one', { pulls: 240, deployments: 120, runs: 240, incidents: 1, end: END - DAY, days: 330 }),
    generateRepo('acme', 'two', { pulls: 150, deployments: 60, runs: 150, incidents: 1, end: END - DAY, days: 300 }),
    generateRepo('acme', 'three', { pulls: 60, deployments: 30, runs: 60, incidents: 0, end: END - DAY, days: 200 }),
  ],
  orgs: new Map(),
};
const NAMES = gh.repos.map((r) => `${r.owner}/${r.name}`);

let fake: FakeGithubServer;
let config: Config;

beforeAll(async () => {
  fake = await startFakeGithub(gh, { tokens: ['test-token'] });
  const base = acmeConfig(fake.apiUrl);
  config = {
    ...base,
    github: { ...base.github!, organisations: [], backfillDays: 365, repositories: NAMES.map((name) => ({ name })) },
  };
});
afterAll(() => fake.close());

/** The deployments stored per repository, by id. */
const storedDeployments = (db: RowReader) =>
  db.all<{ ext_id: string }>("SELECT ext_id FROM deployments WHERE source = 'github' ORDER BY ext_id");

describe('a first backfill of several repositories', () => {
  let reference: Record<string, unknown[]>;
  let referenceRequests: Record<string, number>;

  it("reads every repository's recent months before any older history, and ends with what one pass gives", async () => {
    const t = await eitherDb();
    const order: string[] = [];
    // (Asked as the last recent stage ends: the collector goes on meanwhile, so the read starts there and then.)
    let atRecentEnd: Promise<{ ext_id: string }[]> | null = null;
    const from = fake.requests.length;
    try {
      const result = await collect(t, config, {
        now: END,
        onRepository: (r: RepositoryReport) => {
          order.push(`${r.name} ${r.stage}`);
          if (order.length === NAMES.length) atRecentEnd = storedDeployments(t);
        },
      });
      expect(result.errors).toEqual([]);
      expect(order).toEqual([...NAMES.map((n) => `${n} recent`), ...NAMES.map((n) => `${n} older`)]);
      // Once every repository's recent stage is done: every deployment of the last 90 days of every repository is stored...
      const recent = gh.repos.flatMap((r) =>
        r.deployments.filter((d) => Date.parse(d.createdAt) >= RECENT_FROM).map((d) => `${r.owner}/${r.name}/deployments/${d.id}`),
      );
      expect(recent.length).toBeGreaterThan(30);
      expect(atRecentEnd).not.toBeNull();
      const storedThen = new Set((await atRecentEnd!).map((d) => d.ext_id));
      expect(recent.filter((id) => !storedThen.has(id))).toEqual([]);
      // ...and the older history of the largest is not yet.
      // (The rest of the page where the recent months end is stored with them: the deployments after the first 100 are not.)
      const older = [...gh.repos[0].deployments]
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .slice(100)
        .map((d) => `acme/one/deployments/${d.id}`);
      expect(older.length).toBe(20);
      expect(older.filter((id) => storedThen.has(id))).toEqual([]);

      reference = await dumpWithCursors(t);
      referenceRequests = countByEndpoint(fake.requests.slice(from));
      // The history is all there: the same as one pass from the horizon (`--since`) gives.
      const once = await eitherDb();
      try {
        await collect(once, config, { now: END, since: END - 365 * DAY });
        expect(await dumpDb(t)).toEqual(await dumpDb(once));
      } finally {
        await once.cleanup();
      }

      // A re-sync with nothing new: conditional requests answered 304, no GraphQL query.
      const again = fake.requests.length;
      await collect(t, config, { now: END });
      const resync = fake.requests.slice(again);
      expect(resync.length).toBeGreaterThan(0);
      expect(resync.filter((r) => !r.conditional || r.status !== 304)).toEqual([]);
      expect(await dumpWithCursors(t)).toEqual(reference);
    } finally {
      await t.cleanup();
    }
  });

  it('stopped in the older history, goes on from its committed cursors and ends with the same database', async () => {
    const t = await eitherDb();
    const store = await t.open();
    const from = fake.requests.length;
    try {
      const stop = new AbortController();
      const order: string[] = [];
      let olderPages = 0;
      const ctx = collectorContext(
        { store, config, now: () => END, log: () => {} },
        {
          signal: stop.signal,
          progress: (p) => {
            // Stop after the second page of older history is stored.
            if (p.resource.endsWith(':pulls') && order.length >= NAMES.length && ++olderPages === 2) stop.abort();
          },
        },
      );
      if (config.organisation.length > 0) await store.syncOrganisation(config.organisation);
      const stopped = await createGithubCollector({
        settings: config.github!,
        client: { timing: FAST },
        onRepository: (r) => order.push(r.name),
      }).run(ctx);
      expect(stopped.errors).toEqual([]);
      expect(stop.signal.aborted).toBe(true);
      const cursors = await t.all("SELECT resource, cursor FROM collector_cursors WHERE cursor LIKE '%older%'");
      expect(cursors.length).toBeGreaterThan(0);

      await store.close();
      const resumed = await collect(t, config, { now: END });
      expect(resumed.errors).toEqual([]);
      expect(await dumpWithCursors(t)).toEqual(reference);
      // No page of pull requests read twice: the two runs together read what one uninterrupted run read.
      const both = countByEndpoint(fake.requests.slice(from));
      expect(both['POST /graphql pullRequestsPage']).toBe(referenceRequests['POST /graphql pullRequestsPage']);
      expect(both['POST /graphql deploymentsPage']).toBe(referenceRequests['POST /graphql deploymentsPage']);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
});

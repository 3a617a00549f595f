import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../db/ingest';
import { IngestValidationError, validateEvents } from '../../common/validate-events';
import { ingest, PRODUCTION, tempDb } from '../helpers/db';
import { change, deployment, incident, sha } from '../helpers/factories';
import { generateDemo } from '../../collectors/demo/generate';
import { metricsIn } from '../helpers/reads';
import { shuffle } from '../helpers/factories';
import type { Db } from '../../db/connection';

let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const shippedBy = (db: Db) =>
  Object.fromEntries(
    (
      db
        .prepare(`SELECT dc.sha, d.ext_id AS d FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id ORDER BY dc.sha`)
        .all() as { sha: string; d: string }[]
    ).map((r) => [r.sha, r.d]),
  );

describe('idempotent ingestion', () => {
  it('stores a re-sent event once, and an update when a field changed', () => {
    const open = incident({ id: 'inc-1' });
    expect(ingest(t.db, [open])).toMatchObject({ accepted: 1, updated: 0, unchanged: 0 });
    expect(ingest(t.db, [open])).toMatchObject({ accepted: 0, updated: 0, unchanged: 1 });
    expect(ingest(t.db, [{ ...open, resolvedAt: '2026-03-04T01:00:00Z' }])).toMatchObject({ accepted: 0, updated: 1, unchanged: 0 });
    expect(count(t.db, 'incidents')).toBe(1);
    expect(t.db.prepare('SELECT resolved_at AS r FROM incidents').get()).toEqual({ r: Date.parse('2026-03-04T01:00:00Z') });
    // The raw log keeps both versions that changed something.
    expect(count(t.db, 'raw_events')).toBe(2);
  });

  it('keeps one change per (service, sha) whichever sources report it', () => {
    ingest(t.db, [
      change({ sha: sha('x'), source: 'github' }),
      change({ sha: sha('x'), source: 'gitlab', url: 'https://example.org/c/x' }),
    ]);
    expect(count(t.db, 'changes')).toBe(1);
  });

  it('creates a service on first sight in team unassigned unless the configuration maps it', () => {
    ingest(
      t.db,
      [deployment({ service: 'bcgov/forms' }), deployment({ service: 'other/thing' })],
      [{ id: 'citz', name: 'Citizens', teams: [{ id: 'forms', name: 'Forms', services: ['bcgov/*'] }] }],
    );
    expect(t.db.prepare('SELECT name, team_id AS team FROM services ORDER BY name').all()).toEqual([
      { name: 'bcgov/forms', team: 'forms' },
      { name: 'other/thing', team: 'unassigned' },
    ]);
  });
});

describe('all or nothing', () => {
  it('refuses a batch with one bad event and stores nothing of it', () => {
    const batch = [deployment(), change({ sha: sha('a') }), { ...incident(), openedAt: '2026-03-04T00:00:00' }];
    expect(() => ingest(t.db, batch)).toThrow(IngestValidationError);
    try {
      validateEvents(batch);
    } catch (e) {
      expect((e as IngestValidationError).details).toEqual([{ path: '[2].openedAt', message: expect.stringContaining('time zone') }]);
    }
    for (const table of ['deployments', 'changes', 'incidents', 'raw_events', 'services']) expect(count(t.db, table)).toBe(0);
  });

  it('rolls back a batch that fails while storing', () => {
    const events = validateEvents([deployment(), change({ sha: sha('a') })]);
    t.db.exec("CREATE TRIGGER boom BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    expect(() => ingestEvents(t.db, events, { production: PRODUCTION, now: 0, resolveTeam: () => null })).toThrow('disk trouble');
    expect(count(t.db, 'deployments')).toBe(0);
    expect(count(t.db, 'services')).toBe(0);
  });
});

describe('linking commits to deployments', () => {
  const chain = ['a', 'b', 'c', 'd'].map((n, i, all) =>
    change({ sha: sha(n), committedAt: `2026-03-0${i + 1}T00:00:00Z`, parents: i ? [sha(all[i - 1])] : [] }),
  );

  it('ships a deployment’s sha and its ancestors, less what an earlier deployment shipped', () => {
    ingest(t.db, [
      ...chain,
      deployment({ id: 'one', sha: sha('b'), finishedAt: '2026-03-02T12:00:00Z' }),
      deployment({ id: 'two', sha: sha('d'), finishedAt: '2026-03-05T00:00:00Z' }),
    ]);
    expect(shippedBy(t.db)).toEqual({ [sha('a')]: 'one', [sha('b')]: 'one', [sha('c')]: 'two', [sha('d')]: 'two' });
  });

  it('re-links when an earlier deployment arrives late', () => {
    ingest(t.db, [...chain, deployment({ id: 'two', sha: sha('d'), finishedAt: '2026-03-05T00:00:00Z' })]);
    expect(Object.values(shippedBy(t.db))).toEqual(['two', 'two', 'two', 'two']);
    ingest(t.db, [deployment({ id: 'one', sha: sha('b'), finishedAt: '2026-03-02T12:00:00Z' })]);
    expect(shippedBy(t.db)).toEqual({ [sha('a')]: 'one', [sha('b')]: 'one', [sha('c')]: 'two', [sha('d')]: 'two' });
  });

  it('re-links when the parents of a shipped commit arrive after the deployment', () => {
    ingest(t.db, [deployment({ id: 'two', sha: sha('d'), finishedAt: '2026-03-05T00:00:00Z' })]);
    expect(Object.keys(shippedBy(t.db))).toEqual([sha('d')]);
    ingest(t.db, chain);
    expect(Object.keys(shippedBy(t.db)).length).toBe(4);
  });

  it('ships exactly the listed commits when the deployment carries them', () => {
    ingest(t.db, [
      ...chain,
      deployment({ id: 'listed', sha: sha('d'), commits: [sha('c'), sha('d')], finishedAt: '2026-03-05T00:00:00Z' }),
    ]);
    expect(shippedBy(t.db)).toEqual({ [sha('c')]: 'listed', [sha('d')]: 'listed' });
  });

  it('unlinks a deployment whose status changes from success to failure', () => {
    const d = deployment({ id: 'flip', sha: sha('d'), finishedAt: '2026-03-05T00:00:00Z' });
    ingest(t.db, [...chain, d]);
    ingest(t.db, [{ ...d, status: 'failure' }]);
    expect(shippedBy(t.db)).toEqual({});
  });
});

describe('order independence on a realistic history', () => {
  it('gives the same figures for a demo service whatever the arrival order', async () => {
    const demo = generateDemo({ now: Date.parse('2026-11-01T00:00:00Z'), seed: 7 });
    const service = demo.organisation[0].teams[0].services[0];
    const events = demo.events.filter((e) => e.service === service);
    const read = (db: Db) => metricsIn(db, `service:${service}`, Date.parse('2025-06-01T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z'));
    ingest(t.db, events, demo.organisation);
    const expected = await read(t.db);
    expect(expected.leadTime.count).toBeGreaterThan(100);
    for (const seed of [11, 12]) {
      const other = tempDb();
      try {
        const shuffled = shuffle(events, seed);
        for (let i = 0; i < shuffled.length; i += 97) ingest(other.db, shuffled.slice(i, i + 97), demo.organisation);
        expect(await read(other.db)).toEqual(expected);
      } finally {
        other.cleanup();
      }
    }
  });
});

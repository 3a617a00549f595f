/**
 * Idempotency keys are stored by service and found through an in-memory fingerprint index
 * (db/key-index.ts). Whatever the index holds, re-sending an event must be answered as DESIGN
 * says: by `(type, source, id)` across every service, for every process writing to the file, and
 * across an upgrade from the table keyed by `(type, source, id)` alone.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { hash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { ingestEvents, ingestTransaction } from '../../db/ingest';
import { validateEvents } from '../../common/validate-events';
import { KeyIndex, keyFingerprint } from '../../db/key-index';
import { ingest, PRODUCTION, tempDb } from '../helpers/db';
import { change, deployment, incident, sha } from '../helpers/factories';
import type { NativeEventInput } from '../../common/events';

let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => {
  t.cleanup();
});

const keys = (db: Db) =>
  db
    .prepare(
      `SELECT s.name AS service, k.type, k.source, k.event_id AS id, k.version
  FROM event_keys k JOIN services s ON s.id = k.service_id ORDER BY k.type, k.event_id`,
    )
    .all();
const counts = (r: { accepted: number; updated: number; unchanged: number }) => ({
  accepted: r.accepted,
  updated: r.updated,
  unchanged: r.unchanged,
});

describe('an event re-sent naming another service', () => {
  it('is an update of the same event, whose key moves to the new service', () => {
    const c = change({ sha: sha('a') });
    expect(counts(ingest(t.db, [c]))).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    expect(counts(ingest(t.db, [{ ...c, service: 'acme/other' }]))).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
    expect(keys(t.db)).toEqual([{ service: 'acme/other', type: 'change', source: 'api', id: sha('a'), version: 1 }]);
    // Sent again as it is now: unchanged. Sent as it first was: an update again.
    expect(counts(ingest(t.db, [{ ...c, service: 'acme/other' }]))).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
    expect(counts(ingest(t.db, [c]))).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
    expect(keys(t.db)).toEqual([{ service: 'acme/app', type: 'change', source: 'api', id: sha('a'), version: 2 }]);
  });

  it('moves a deployment out of the service it left, and what it shipped with it', () => {
    const d = deployment({ id: 'd1', sha: sha('a') });
    ingest(t.db, [change({ sha: sha('a') }), d]);
    expect(counts(ingest(t.db, [{ ...d, service: 'acme/other' }]))).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
    const shipped = t.db
      .prepare(
        `SELECT s.name AS service, d.ext_id AS deployment, dc.sha
      FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id JOIN services s ON s.id = dc.service_id`,
      )
      .all();
    // It ships its sha in acme/other now, and acme/app keeps nothing of it.
    expect(shipped).toEqual([{ service: 'acme/other', deployment: 'd1', sha: sha('a') }]);
  });

  it('is the same event in one batch as in several', () => {
    const i = incident({ id: 'inc-9' });
    const r = ingest(t.db, [i, { ...i, service: 'acme/other' }, i, { ...i, service: 'acme/other' }]);
    expect(counts(r)).toEqual({ accepted: 1, updated: 3, unchanged: 0 });
    expect(keys(t.db)).toEqual([{ service: 'acme/other', type: 'incident', source: 'api', id: 'inc-9', version: 3 }]);
  });
});

describe('keys stored by another process', () => {
  it('are known to this one at its next batch, before and after it built its index', () => {
    const other = openDatabase(t.file);
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => change({ sha: sha(n) }));
      ingest(other, [a]); // before this connection's index exists
      expect(counts(ingest(t.db, [a, b]))).toEqual({ accepted: 1, updated: 0, unchanged: 1 });
      ingest(other, [c, { ...b, service: 'acme/other' }]); // after: it must catch up on both
      expect(counts(ingest(t.db, [c]))).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(counts(ingest(t.db, [{ ...b, service: 'acme/other' }]))).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(counts(ingest(t.db, [b]))).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
      // And the other way round.
      expect(counts(ingest(other, [a, b, c]))).toEqual({ accepted: 0, updated: 0, unchanged: 3 });
      expect(t.db.prepare('SELECT count(*) AS n FROM event_keys').get()).toEqual({ n: 3 });
    } finally {
      other.close();
    }
  });
});

describe('a batch that is rolled back', () => {
  it('leaves no key behind, so the same events are new when sent again', () => {
    const good = change({ sha: sha('a') });
    const bad = change({ sha: sha('b'), service: 'acme/unmapped' });
    // A service mapped to a team that does not exist fails on its foreign key, after `good` was keyed.
    const opts = { production: PRODUCTION, now: Date.now(), resolveTeam: (s: string) => (s === 'acme/unmapped' ? 'no-such-team' : null) };
    expect(() => ingestEvents(t.db, validateEvents([good, bad]), opts)).toThrow(/FOREIGN KEY/);
    expect(keys(t.db)).toEqual([]);
    expect(counts(ingest(t.db, [good]))).toEqual({ accepted: 1, updated: 0, unchanged: 0 });
    expect(counts(ingest(t.db, [good]))).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
  });
});

describe('a transaction of several batches that is rolled back', () => {
  it('does not hide from this process the keys another one stores next', () => {
    const other = openDatabase(t.file);
    try {
      ingest(t.db, [change({ sha: sha('first') })]);
      // The second batch's key sorts after the other process's, so reading on from it would skip it.
      const ids = Array.from({ length: 64 }, (_, i) => `k${i}`).sort(
        (a, b) => keyFingerprint('incident', 'api', a) - keyFingerprint('incident', 'api', b),
      );
      const [theirs, mine1, mine2] = [ids[0], ids[1], ids[63]];
      expect(() =>
        ingestTransaction(t.db, () => {
          ingest(t.db, [incident({ id: mine1 })]);
          ingest(t.db, [incident({ id: mine2 })]);
          throw new Error('the wrapping transaction fails');
        }),
      ).toThrow('the wrapping transaction fails');
      ingest(other, [incident({ id: theirs })]);
      expect(counts(ingest(t.db, [incident({ id: theirs })]))).toEqual({ accepted: 0, updated: 0, unchanged: 1 });
      expect(counts(ingest(t.db, [incident({ id: mine1 }), incident({ id: mine2 })]))).toEqual({ accepted: 2, updated: 0, unchanged: 0 });
    } finally {
      other.close();
    }
  });
});

describe('two different keys with the same fingerprint', () => {
  /** Two change ids whose fingerprints collide (a birthday search over 32 bits). */
  function collidingIds(): [string, string] {
    const seen = new Map<number, string>();
    for (let i = 0; ; i++) {
      const id = `c-${i}`;
      const fp = keyFingerprint('change', 'api', id);
      const before = seen.get(fp);
      if (before !== undefined) return [before, id];
      seen.set(fp, id);
    }
  }

  it('are still two events, in one service or two', () => {
    const [x, y] = collidingIds();
    expect(keyFingerprint('change', 'api', x)).toBe(keyFingerprint('change', 'api', y));
    const ex = change({ sha: sha('x'), id: x });
    const ey = change({ sha: sha('y'), id: y, service: 'acme/other' });
    expect(counts(ingest(t.db, [ex, ey]))).toEqual({ accepted: 2, updated: 0, unchanged: 0 });
    expect(counts(ingest(t.db, [ey, ex]))).toEqual({ accepted: 0, updated: 0, unchanged: 2 });
    expect(counts(ingest(t.db, [{ ...ey, service: 'acme/app' }]))).toEqual({ accepted: 0, updated: 1, unchanged: 0 });
    expect(keys(t.db)).toEqual(
      [x, y].sort().map((id) => ({ service: 'acme/app', type: 'change', source: 'api', id, version: id === y ? 1 : 0 })),
    );
  });
});

describe('the fingerprint index', () => {
  it('keeps every pair through its growth, once each', () => {
    const index = new KeyIndex();
    const start = index.capacity;
    for (let i = 1; i <= 20_000; i++) {
      index.add(keyFingerprint('ci_run', 'api', `r${i}`), 1 + (i % 7));
      index.add(keyFingerprint('ci_run', 'api', `r${i}`), 1 + (i % 7));
    }
    expect(index.size).toBe(20_000);
    expect(index.capacity).toBeGreaterThan(start);
    const out: number[] = [];
    for (let i = 1; i <= 20_000; i++) expect(index.holders(keyFingerprint('ci_run', 'api', `r${i}`), out)).toContain(1 + (i % 7));
  });

  it('is a fingerprint stored in the database, so it never changes', () => {
    // Databases hold these values in event_keys.fp: a different function would miss their keys.
    expect([
      keyFingerprint('change', 'api', 'a'.repeat(40)),
      keyFingerprint('deployment', 'github', '12345'),
      keyFingerprint('incident', 'pagerduty', 'ÉvÉnement'),
    ]).toEqual([FP_CHANGE, FP_DEPLOYMENT, FP_INCIDENT]);
  });
});

// Computed once by this function when it was introduced (migration 006).
const FP_CHANGE = 2374758146,
  FP_DEPLOYMENT = 4240394416,
  FP_INCIDENT = 1992830673;

describe('a database from before keys were stored by service', () => {
  const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

  /** A database at schema 5, holding `events` as that version stored them. */
  function version5(file: string, events: NativeEventInput[]): void {
    const db = new Database(file);
    for (const f of readdirSync(migrationsDir)
      .filter((f) => /^00[1-5]_/.test(f))
      .sort())
      db.exec(readFileSync(join(migrationsDir, f), 'utf8'));
    db.pragma('user_version = 5');
    db.exec(
      "INSERT INTO departments VALUES ('unassigned', 'Unassigned'); INSERT INTO teams VALUES ('unassigned', 'Unassigned', 'unassigned')",
    );
    for (const e of validateEvents(events)) {
      const payload = JSON.stringify(e);
      const id = e.type === 'change' ? (e.id ?? e.sha) : e.id;
      db.prepare("INSERT OR IGNORE INTO services (name, team_id) VALUES (?, 'unassigned')").run(e.service);
      db.prepare('INSERT INTO raw_events (type, source, event_id, received_at, payload) VALUES (?, ?, ?, 0, ?)').run(
        e.type,
        'api',
        id,
        payload,
      );
      db.prepare(
        `INSERT INTO event_keys (type, source, event_id, hash) VALUES (?, 'api', ?, ?)
        ON CONFLICT DO UPDATE SET hash = excluded.hash, version = version + 1`,
      ).run(e.type, id, hash('sha1', payload, 'hex'));
    }
    db.close();
  }

  it('keeps every key, in the service its latest event names, and answers re-sends as before', () => {
    const file = join(t.dir, 'old.db');
    const open = incident({ id: 'inc-1' });
    const resolved = { ...open, resolvedAt: '2026-03-05T00:00:00Z' };
    const moved = change({ sha: sha('m') });
    version5(file, [open, resolved, change({ sha: sha('a') }), moved, { ...moved, service: 'acme/other' }]);
    const db = openDatabase(file);
    try {
      // Brought up to the newest schema (its number is the highest migration's).
      expect(db.pragma('user_version', { simple: true })).toBe(
        Math.max(
          ...readdirSync(migrationsDir)
            .filter((f) => /^\d{3}_/.test(f))
            .map((f) => Number(f.slice(0, 3))),
        ),
      );
      expect(keys(db)).toEqual([
        { service: 'acme/app', type: 'change', source: 'api', id: sha('a'), version: 0 },
        { service: 'acme/other', type: 'change', source: 'api', id: sha('m'), version: 1 },
        { service: 'acme/app', type: 'incident', source: 'api', id: 'inc-1', version: 1 },
      ]);
      expect(counts(ingest(db, [resolved, change({ sha: sha('a') }), { ...moved, service: 'acme/other' }]))).toEqual({
        accepted: 0,
        updated: 0,
        unchanged: 3,
      });
      expect(counts(ingest(db, [open, moved, change({ sha: sha('b') })]))).toEqual({ accepted: 1, updated: 2, unchanged: 0 });
    } finally {
      db.close();
    }
  });
});

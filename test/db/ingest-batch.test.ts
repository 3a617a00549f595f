/**
 * What one batch stores must not depend on how events are cut into batches: the shortcuts the
 * ingest path takes inside a batch (a pull request repeated by its commits is written once; the
 * commits that bring parents are looked up once per service after the loop) are checked
 * against the same events sent one at a time, where no shortcut can apply.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, tempDb } from '../helpers/db';
import { change, deployment, incident, sha } from '../helpers/factories';
import type { Db } from '../../db/connection';
import type { NativeEventInput } from '../../common/events';

let t: ReturnType<typeof tempDb>;
let one: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
  one = tempDb();
});
afterEach(() => {
  t.cleanup();
  one.cleanup();
});

const rows = (db: Db, sql: string) => db.prepare(sql).all();
const pullRequests = (db: Db) =>
  rows(
    db,
    `SELECT s.name AS service, p.number, p.opened_at, p.merged_at, p.merge_sha, p.first_commit_at, p.plan_started_at, p.url
  FROM pull_requests p JOIN services s ON s.id = p.service_id ORDER BY s.name, p.number`,
  );
const changesWithPr = (db: Db) =>
  rows(db, `SELECT c.sha, p.number FROM changes c LEFT JOIN pull_requests p ON p.id = c.pull_request_id ORDER BY c.sha`);
const shipped = (db: Db) =>
  rows(
    db,
    'SELECT dc.sha, d.ext_id AS deployment FROM deployment_changes dc JOIN deployments d ON d.id = dc.deployment_id ORDER BY dc.sha, d.ext_id',
  );

/** Stores `events` as one batch in `t` and one event per batch in `one`; both must end the same. */
function sameAsOneByOne(events: NativeEventInput[], before: NativeEventInput[] = []) {
  if (before.length) {
    ingest(t.db, before);
    ingest(one.db, before);
  }
  const batch = ingest(t.db, events);
  let accepted = 0,
    updated = 0,
    unchanged = 0;
  for (const e of events) {
    const r = ingest(one.db, [e]);
    accepted += r.accepted;
    updated += r.updated;
    unchanged += r.unchanged;
  }
  expect({ accepted: batch.accepted, updated: batch.updated, unchanged: batch.unchanged }).toEqual({ accepted, updated, unchanged });
  expect(pullRequests(t.db)).toEqual(pullRequests(one.db));
  expect(changesWithPr(t.db)).toEqual(changesWithPr(one.db));
  expect(shipped(t.db)).toEqual(shipped(one.db));
  return batch;
}

describe('a pull request repeated by its commits in one batch', () => {
  const pr = { number: 7, openedAt: '2026-03-01T00:00:00Z', mergedAt: '2026-03-03T00:00:00Z', url: 'https://example.org/pull/7' };

  it('is stored once, and every commit points at it', () => {
    sameAsOneByOne(['a', 'b', 'c'].map((n) => change({ sha: sha(n), pullRequest: pr })));
    expect(pullRequests(t.db)).toHaveLength(1);
    expect(changesWithPr(t.db)).toEqual(
      ['a', 'b', 'c'].map((n) => ({ sha: sha(n), number: 7 })).sort((x, y) => x.sha.localeCompare(y.sha)),
    );
  });

  it('is written again whenever a commit reports it differently, so the last report wins as if sent one by one', () => {
    // A, then B, then A again: the third must be written, because the row holds B's url by then.
    const a = { ...pr, url: 'https://example.org/pull/7?a' };
    const b = { ...pr, url: 'https://example.org/pull/7?b', mergeSha: sha('c') };
    const events = [
      change({ sha: sha('a'), pullRequest: a }),
      change({ sha: sha('b'), pullRequest: b }),
      change({ sha: sha('c'), pullRequest: a }),
      // A field left out keeps what an earlier report said.
      change({ sha: sha('d'), pullRequest: { number: 7, planStartedAt: '2026-02-20T00:00:00Z' } }),
      change({ sha: sha('e'), pullRequest: { number: 7, planStartedAt: '2026-02-20T00:00:00Z' } }),
    ];
    sameAsOneByOne(events, [change({ sha: sha('z'), pullRequest: { number: 7, firstCommitAt: '2026-02-28T00:00:00Z' } })]);
    expect(pullRequests(t.db)).toEqual([
      {
        service: 'acme/app',
        number: 7,
        opened_at: Date.parse(pr.openedAt),
        merged_at: Date.parse(pr.mergedAt),
        merge_sha: sha('c'),
        first_commit_at: Date.parse('2026-02-28T00:00:00Z'),
        plan_started_at: Date.parse('2026-02-20T00:00:00Z'),
        url: 'https://example.org/pull/7?a',
      },
    ]);
  });

  it('is one pull request per service when two services use the same number', () => {
    sameAsOneByOne([
      change({ sha: sha('a'), pullRequest: pr }),
      change({ sha: sha('b'), service: 'bcgov/other', pullRequest: pr }),
      change({ sha: sha('c'), pullRequest: pr }),
    ]);
    expect(pullRequests(t.db)).toHaveLength(2);
  });
});

describe('idempotency keys within one batch', () => {
  it('tells new, changed and unchanged apart when one event comes several times in a batch', () => {
    const open = incident({ id: 'inc-1' });
    const resolved = { ...open, resolvedAt: '2026-03-04T01:00:00Z' };
    expect(sameAsOneByOne([open, open, resolved, resolved, open])).toMatchObject({ accepted: 1, updated: 2, unchanged: 2 });
    expect(rows(t.db, 'SELECT version FROM event_keys')).toEqual([{ version: 2 }]);
    expect(rows(t.db, 'SELECT count(*) AS n FROM raw_events')).toEqual([{ n: 3 }]);
  });
});

describe('parents of shipped commits arriving in a batch', () => {
  const chain = ['a', 'b', 'c', 'd'].map((n, i, all) =>
    change({ sha: sha(n), committedAt: `2026-03-0${i + 1}T00:00:00Z`, parents: i ? [sha(all[i - 1])] : [] }),
  );
  const two = deployment({ id: 'two', sha: sha('d'), finishedAt: '2026-03-05T00:00:00Z' });

  it('widen what the deployment that shipped them shipped', () => {
    sameAsOneByOne(chain, [two]);
    expect(shipped(t.db)).toHaveLength(4);
  });

  it('still do when that deployment is updated in the same batch, before or after them', () => {
    sameAsOneByOne([...chain.slice(0, 2), { ...two, finishedAt: '2026-03-06T00:00:00Z' }, ...chain.slice(2)], [two]);
    expect(shipped(t.db)).toHaveLength(4);
  });

  it('ship nothing when that deployment turns out failed in the same batch', () => {
    sameAsOneByOne([...chain, { ...two, status: 'failure' }], [two]);
    expect(shipped(t.db)).toEqual([]);
  });

  it('go to the earliest deployment that reaches them when several services and deployments are involved', () => {
    const one1 = deployment({ id: 'one', sha: sha('b'), finishedAt: '2026-03-02T12:00:00Z' });
    const other = chain.map((c) => ({ ...c, service: 'bcgov/other' }));
    sameAsOneByOne([...chain.slice(2), ...other, one1, ...chain.slice(0, 2)], [two, { ...two, id: 'other-two', service: 'bcgov/other' }]);
    expect(shipped(t.db)).toEqual(
      [
        ...[
          ['a', 'one'],
          ['a', 'other-two'],
          ['b', 'one'],
          ['b', 'other-two'],
          ['c', 'other-two'],
          ['c', 'two'],
          ['d', 'other-two'],
          ['d', 'two'],
        ],
      ]
        .map(([n, d]) => ({ sha: sha(n), deployment: d }))
        .sort((x, y) => x.sha.localeCompare(y.sha) || x.deployment.localeCompare(y.deployment)),
    );
  });
});

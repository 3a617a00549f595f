/**
 * Issue 8: every optimisation keeps the figures exactly equal to the straightforward
 * computation. The full `dept` province (200 services in 20 teams, one year, ~480,000
 * events) is ingested through the real path, then every scope's `readMetrics` and
 * `readSeries` (the in-memory fact index, selection instead of sorting, cached answers) are
 * compared, figure by figure and bit for bit, with the reference (server/metrics/reference.ts:
 * fetch the window's rows, compute). Then a late batch arrives and the cached
 * answers must follow it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import { validateEvents } from '../../common/validate-events';
import { listDepartments, listServices, listTeams, syncOrganisation } from '../../db/queries/org';
import { teamResolver } from '../../common/org';
import { SIZES, backfillServices, batches, chunks, organisationOf, placeOf, startOf } from '../../bench/scale-generate';
import { differences } from '../../bench/scale-diff';
import { readMetrics, readSeries } from '../../server/metrics/read';
import { referenceMetrics, referenceSeries } from '../../server/metrics/reference';
import { listChanges, listChangesByIds } from '../../db/queries/changes';
import { indexedChanges } from '../../server/metrics/indexed';
import type { Scope } from '../../server/scope';
import { readsOf, resolveIn } from '../helpers/reads';
import type { NativeEventInput } from '../../common/events';
import { tempDb } from '../helpers/db';

const SHAPE = SIZES.dept;
const START = startOf(SHAPE);
const END = SHAPE.end;
const DAY = 86_400_000;
const WINDOWS = [
  { name: 'the whole year', from: START, to: END },
  { name: 'a window starting mid-day, mid-week', from: START + 150 * DAY + 13 * 3_600_000, to: START + 250 * DAY },
];
const TZ = 'Europe/Paris';

let t: ReturnType<typeof tempDb>;
let db: Db;
let held: NativeEventInput[] = [];
let events = 0;
const resolveTeam = teamResolver(organisationOf(SHAPE));
const store = (batch: NativeEventInput[]) =>
  ingestEvents(db, validateEvents(batch), { production: /^prod(uction)?$/i, now: END, resolveTeam });

function scopes(): Scope[] {
  return [
    { kind: 'org', key: 'org' },
    ...listDepartments(db).map((d) => ({ kind: 'department' as const, id: d.id, key: `department:${d.id}` })),
    ...listTeams(db).map((x) => ({ kind: 'team' as const, id: x.id, key: `team:${x.id}` })),
    ...listServices(db).map((s) => ({ kind: 'service' as const, id: s.name, key: `service:${s.name}` })),
  ];
}

/** Every difference between the two paths over every scope, window and bucket. */
async function compareAll(opts: { series: boolean }): Promise<string[]> {
  const problems: string[] = [];
  const reads = readsOf(db);
  for (const scope of scopes()) {
    const r = await resolveIn(db, scope);
    if (r.serviceIds.length === 0) continue;
    for (const w of WINDOWS) {
      for (const tz of ['UTC', TZ]) {
        problems.push(
          ...differences(
            await readMetrics(reads, r, w.from, w.to, { tz }),
            await referenceMetrics(reads, r, w.from, w.to, { tz }),
            '',
            0,
          ).map((d) => `${scope.key} ${w.name} ${tz} metrics ${d}`),
        );
      }
      if (!opts.series || (scope.kind === 'service' && !scope.id.endsWith('-svc-00'))) continue;
      for (const bucket of ['week', 'month'] as const) {
        problems.push(
          ...differences(
            await readSeries(reads, r, w.from, w.to, bucket, { tz: TZ }),
            await referenceSeries(reads, r, w.from, w.to, bucket, { tz: TZ }),
            '',
            0,
          ).map((d) => `${scope.key} ${w.name} ${bucket} series ${d}`),
        );
      }
    }
  }
  return problems.slice(0, 20);
}

/** Every difference between the changes lists (every order, a short and a long page) of some scopes. */
async function compareChanges(): Promise<string[]> {
  const problems: string[] = [];
  const reads = readsOf(db);
  const picked = scopes().filter((sc) => sc.kind === 'org' || sc.kind === 'department' || /team-00[05]$|-svc-0[07]$/.test(sc.key));
  for (const scope of picked) {
    const ids = (await resolveIn(db, scope)).serviceIds;
    for (const w of WINDOWS) {
      for (const order of ['slowest', 'fastest', 'newest', 'oldest'] as const) {
        for (const limit of [100, 5000]) {
          const got = listChangesByIds(db, indexedChanges(reads.workspace, await reads.facts.all(ids), { ...w, tz: 'UTC' }, order, limit));
          const want = listChanges(db, ids, w.from, w.to, order, limit);
          problems.push(...differences(got, want, '', 0).map((d) => `${scope.key} ${w.name} ${order} ${limit}: ${d}`));
        }
      }
    }
  }
  return problems.slice(0, 20);
}

beforeAll(() => {
  t = tempDb();
  db = t.db;
  syncOrganisation(db, organisationOf(SHAPE));
  for (const batch of batches(SHAPE, { withholdBackfill: true }, held)) {
    store(batch);
    events += batch.length;
  }
}, 600_000);

afterAll(() => t?.cleanup());

describe(`the dept province (${SHAPE.services} services, ${SHAPE.months} months)`, () => {
  it('is the full dept size, with every kind of figure present', async () => {
    expect(events).toBeGreaterThan(400_000);
    expect(listServices(db).length).toBe(SHAPE.services + SHAPE.unmapped);
    const m = await referenceMetrics(readsOf(db), await resolveIn(db, 'org'), START, END, { tz: 'UTC' });
    for (const n of [m.changeFailureRate.failed, m.reworkRate.rework, m.leadTime.excluded, m.timeToRestore.count, m.stages.count])
      expect(n).toBeGreaterThan(0);
  });

  it('gives every figure of every scope exactly as the straightforward computation does', async () => {
    expect(await compareAll({ series: true })).toEqual([]);
  }, 600_000);

  it('lists the same changes in the same order as the SQL that sorts them all', async () => {
    expect(await compareChanges()).toEqual([]);
  }, 600_000);

  it('gives the same figures and change lists on both paths with leadTimeFrom: author', async () => {
    // Another connection to the file, reading lead time from the author time (the province's
    // changes are authored a minute before they are committed).
    const byCommit = db;
    const commitP50 = (await readMetrics(readsOf(byCommit), await resolveIn(byCommit, 'org'), START, END, { tz: 'UTC' })).leadTime.p50;
    db = openDatabase(t.file, { check: 'off', leadTimeFrom: 'author' });
    try {
      expect((await readMetrics(readsOf(db), await resolveIn(db, 'org'), START, END, { tz: 'UTC' })).leadTime.p50).not.toBe(commitP50);
      expect(await compareAll({ series: false })).toEqual([]);
      expect(await compareChanges()).toEqual([]);
    } finally {
      db.close();
      db = byCommit;
    }
  }, 600_000);

  it('still does after a late backfill into the middle of history, read from the cache before and after', async () => {
    const reads = readsOf(db);
    const org = await resolveIn(db, 'org');
    const before = await readMetrics(reads, org, START, END, { tz: 'UTC' });
    const late = new Set(backfillServices(SHAPE).map((i) => placeOf(SHAPE, i).service));
    const quiet = listServices(db).find((x) => !late.has(x.name))!;
    const quietScope = await resolveIn(db, { kind: 'service', id: quiet.name, key: `service:${quiet.name}` });
    const quietBefore = await readMetrics(reads, quietScope, START, END, { tz: 'UTC' });
    expect(await readMetrics(reads, org, START, END, { tz: 'UTC' })).toBe(before); // a cached answer
    for (const batch of chunks(held)) store(batch);
    const after = await readMetrics(reads, org, START, END, { tz: 'UTC' });
    expect(after).not.toBe(before);
    expect(after.leadTime.count).toBeGreaterThan(before.leadTime.count);
    // A service the backfill did not touch keeps its cached answer.
    expect(late.size).toBe(SHAPE.backfill.services);
    expect(await readMetrics(reads, quietScope, START, END, { tz: 'UTC' })).toBe(quietBefore);
    expect(await compareAll({ series: false })).toEqual([]);
    expect(await compareChanges()).toEqual([]);
  }, 600_000);

  it('drops what it holds when another connection writes to the file', async () => {
    const reads = readsOf(db);
    const svc = placeOf(SHAPE, 1).service;
    const r = await resolveIn(db, { kind: 'service', id: svc, key: `service:${svc}` });
    const before = await readMetrics(reads, r, START, END, { tz: 'UTC' });
    const other = openDatabase(t.file);
    try {
      ingestEvents(
        other,
        validateEvents([
          { type: 'change', service: svc, sha: 'f'.repeat(40), committedAt: new Date(END - 3 * DAY).toISOString() },
          {
            type: 'deployment',
            id: 'late-other-process',
            service: svc,
            environment: 'production',
            status: 'success',
            sha: 'f'.repeat(40),
            finishedAt: new Date(END - 2 * DAY).toISOString(),
          },
        ]),
        { production: /^prod(uction)?$/i, now: END, resolveTeam },
      );
    } finally {
      other.close();
    }
    const after = await readMetrics(reads, r, START, END, { tz: 'UTC' });
    expect(after.deploymentFrequency.count).toBe(before.deploymentFrequency.count + 1);
    expect(differences(after, await referenceMetrics(reads, r, START, END, { tz: 'UTC' }), '', 0)).toEqual([]);
  });
});

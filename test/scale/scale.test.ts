/**
 * The scale benchmark's correctness half (issue 8): the `dept` generator's province, ingested
 * through the real path, must give every figure of `GET /api/v1/metrics` that an independent
 * recompute from the events gives, and a late backfill must end where in-order ingestion does.
 *
 * Reduced scale: 24 services (+1 unmapped) in 3 departments over 12 months, instead of the
 * bench's 200 services: the same generator and shapes, but 200 services are 480,000 events, and
 * two ingestions of them plus the oracle take two to three minutes on this 2-core machine, while
 * this runs in `npm test` beside the rest of the suite (here: about 60,000 events, ~15 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { NativeEventInput } from '../../common/events';
import { openDatabase } from '../../db/connection';
import { ingestEvents } from '../../db/ingest';
import { validateEvents } from '../../common/validate-events';
import { syncOrganisation } from '../../db/queries/org';
import { teamResolver } from '../../common/org';
import { loadConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { SIZES, batches, chunks, organisationOf, placeOf, serviceCount, startOf, type ScaleShape } from '../../bench/scale-generate';
import { differences } from '../../bench/scale-diff';
import { Oracle, percentile } from './oracle';

const SHAPE: ScaleShape = {
  ...SIZES.dept,
  services: 24,
  teams: 6,
  departments: 3,
  unmapped: 1,
  months: 12,
  backfill: { services: 4, events: 1200 },
};
const START = startOf(SHAPE);
const END = SHAPE.end;
const DAY = 86_400_000;
/** The whole history, and a window that starts mid-week, mid-day, with incidents open across its start. */
const WINDOWS = [
  { from: START, to: END },
  { from: START + 150 * DAY + 13 * 3_600_000, to: START + 250 * DAY },
];

let dir: string;
let backfilled: RunningServer;
let inOrder: RunningServer;
const all: NativeEventInput[] = [];
let held: NativeEventInput[] = [];
let oracle: Oracle;

/** A database file holding the given batches, ingested as the HTTP route would. */
function ingestFile(file: string, stream: Iterable<NativeEventInput[]>): void {
  const db = openDatabase(file);
  const org = organisationOf(SHAPE);
  syncOrganisation(db, org);
  const resolveTeam = teamResolver(org);
  for (const batch of stream) ingestEvents(db, validateEvents(batch), { production: /^prod(uction)?$/i, now: END, resolveTeam });
  db.close();
}

async function serve(file: string): Promise<RunningServer> {
  const config = join(dir, 'deming.config.yaml');
  writeFileSync(config, stringify({ organisation: organisationOf(SHAPE) }));
  return startServer(loadConfig({ DEMING_DB: file, PORT: '0', DEMING_DEMO: 'off', DEMING_CONFIG: config }), { log: () => {} });
}

async function metrics(s: RunningServer, scope: string, from: number, to: number) {
  const q = new URLSearchParams({ scope, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  const res = await fetch(`${s.url}/api/v1/metrics?${q}`);
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-scale-'));
  // Late: the backfill's stretch of history arrives after everything else.
  ingestFile(
    join(dir, 'backfilled.db'),
    (function* () {
      held = [];
      yield* batches(SHAPE, { withholdBackfill: true }, held);
      yield* chunks(held);
    })(),
  );
  // In order: every event in its service's time order.
  ingestFile(
    join(dir, 'in-order.db'),
    (function* () {
      for (const b of batches(SHAPE, { withholdBackfill: false })) {
        all.push(...b);
        yield b;
      }
    })(),
  );
  oracle = new Oracle(all);
  backfilled = await serve(join(dir, 'backfilled.db'));
  inOrder = await serve(join(dir, 'in-order.db'));
}, 120_000);

afterAll(async () => {
  await backfilled?.close();
  await inOrder?.close();
  rmSync(dir, { recursive: true, force: true });
});

const places = Array.from({ length: serviceCount(SHAPE) }, (_, i) => placeOf(SHAPE, i));
const servicesOf = (pick: (p: (typeof places)[number]) => boolean) => places.filter(pick).map((p) => p.service);
const departments = [...new Set(places.map((p) => p.department ?? 'unassigned'))];
const teams = [...new Set(places.map((p) => p.team ?? 'unassigned'))];
/** org, every department, four teams and five services (one of them backfilled, one unmapped). */
const SCOPES: { scope: string; services: string[] }[] = [
  { scope: 'org', services: servicesOf(() => true) },
  ...departments.map((d) => ({ scope: `department:${d}`, services: servicesOf((p) => (p.department ?? 'unassigned') === d) })),
  ...[teams[0], teams[2], teams[teams.length - 2], 'unassigned'].map((t) => ({
    scope: `team:${t}`,
    services: servicesOf((p) => (p.team ?? 'unassigned') === t),
  })),
  ...[0, 3, 11, SHAPE.services - 1, SHAPE.services].map((i) => ({ scope: `service:${places[i].service}`, services: [places[i].service] })),
];

describe('the scale generator', () => {
  it('makes a province whose lead time falls from weeks to hours, with every kind of event', () => {
    const types = new Set(all.map((e) => e.type));
    expect([...types].sort()).toEqual(['change', 'ci_run', 'deployment', 'incident']);
    expect(held.length).toBeGreaterThanOrEqual(SHAPE.backfill.events);
    expect(held.length).toBeLessThan(SHAPE.backfill.events + 10);
    expect(held.every((e) => e.type === 'deployment' || e.type === 'change')).toBe(true);
    const org = servicesOf(() => true);
    const first = oracle.metrics(org, START, START + 60 * DAY).leadTime.p50!;
    const last = oracle.metrics(org, END - 60 * DAY, END).leadTime.p50!;
    expect(first).toBeGreaterThan(7 * 86_400);
    expect(last).toBeLessThan(86_400);
    const m = oracle.metrics(org, START, END);
    for (const figure of [m.changeFailureRate.failed, m.reworkRate.rework, m.leadTime.excluded, m.timeToRestore.count, m.stages.count]) {
      expect(figure).toBeGreaterThan(0);
    }
  });

  it('the oracle interpolates percentiles linearly between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.85)).toBeCloseTo(44);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('the engine at scale against an independent recompute', () => {
  it.each(WINDOWS.map((w, i) => ({ ...w, name: i === 0 ? 'the whole history' : 'a window starting mid-week' })))(
    'every figure of GET /api/v1/metrics matches over $name',
    async ({ from, to }) => {
      const problems: string[] = [];
      for (const { scope, services } of SCOPES) {
        const got = await metrics(backfilled, scope, from, to);
        const want: Record<string, unknown> = oracle.metrics(services, from, to);
        if (!scope.startsWith('service:')) want.bands = oracle.bands(services, from, to);
        const { scope: _s, from: _f, to: _t, ...figures } = got;
        problems.push(...differences(figures, want).map((d) => `${scope} ${d}`));
      }
      expect(problems).toEqual([]);
    },
  );

  it('a late backfill gives the same answers as in-order ingestion', async () => {
    const problems: string[] = [];
    for (const { from, to } of WINDOWS) {
      for (const { scope } of SCOPES) {
        const late = await metrics(backfilled, scope, from, to);
        const ordered = await metrics(inOrder, scope, from, to);
        problems.push(...differences(late, ordered, '', 0).map((d) => `${scope} ${d}`));
      }
    }
    expect(problems).toEqual([]);
  });
});

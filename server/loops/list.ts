/**
 * `GET /api/v1/loops`: a scope's loops, planned and cadence loops on one line of time
 * (server/loops/timeline.ts), each with its Check against the loop before it, of either kind.
 */
import type { LoopRow } from '../../db/queries/loops';
import type { FiveMetrics, LoopAct, LoopItem, LoopMetric, LoopResponse, LoopsResponse, MetricsResponse } from '../../common/api';
import { checkLeadTime } from './check';
import { targetMet } from './units';
import { metricValue } from '../../common/loop-metrics';
import { HttpError } from '../errors';
import { retrospectiveOf, type AuditEntry } from './retrospective';
import { cadenceWindowOf, plannedSpan, timeline, type Cadence, type TimelineLoop } from './timeline';

export const MAX_LOOPS = 120;
const iso = (t: number) => new Date(t).toISOString();

interface PlannedSpan {
  from: number;
  to: number;
  row: LoopRow;
}
type Loop = TimelineLoop<PlannedSpan>;

/** What the loops of one scope are read from; the route binds it to the storage and the metrics engine. */
export interface LoopReads {
  /** The scope's live planned loops that overlap [from, to), oldest first. */
  planned(from: number, to: number): Promise<LoopRow[]>;
  /** How many live planned loops the scope has. */
  count(): Promise<number>;
  /** One live planned loop of this scope. */
  loop(id: number): Promise<LoopRow | undefined>;
  /** The audit entries of these loops. */
  audit(ids: readonly number[]): Promise<(AuditEntry & { loopId: number })[]>;
  metrics(from: number, to: number): Promise<MetricsResponse>;
  /** The lead times (seconds) of the changes that reached production in [from, to), for the Check. */
  leadTimes(from: number, to: number): Promise<number[]>;
}

export interface LoopOptions extends Cadence {
  /** A loop still running is measured up to now, not over days that have not happened. */
  now: number;
}

function actOf(row: LoopRow | undefined): LoopAct | null {
  if (!row?.actDecision) return null;
  return { decision: row.actDecision as LoopAct['decision'], notes: row.actNotes ?? '', decidedAt: iso(row.actDecidedAt ?? row.toAt) };
}

/** The loops overlapping [from, to) of the scope, planned and cadence, oldest first. */
async function loopsIn(reads: LoopReads, from: number, to: number, c: Cadence): Promise<Loop[]> {
  const span = plannedSpan(from, to, c);
  const planned = (await reads.planned(Math.min(span.from, from), Math.max(span.to, to))).map((row) => ({
    from: row.fromAt,
    to: row.toAt,
    row,
  }));
  return timeline(from, to, c, planned).map((l) => (l.row ? { ...l, id: String(l.row.row.id), name: l.row.row.name } : l));
}

/** The loop that ends latest at or before `start`: the one holding the instant before it (loops tile time). */
async function loopBefore(reads: LoopReads, start: number, c: Cadence): Promise<Loop | undefined> {
  return (await loopsIn(reads, start - 1, start, c)).at(-1);
}

/** Measures loops, each against the one before it (`previous` for the first). */
async function items(
  reads: LoopReads,
  scope: string,
  loops: readonly Loop[],
  previous: Loop | undefined,
  now: number,
): Promise<LoopItem[]> {
  const audit = await reads.audit(loops.flatMap((l) => (l.row ? [l.row.row.id] : [])));
  let previousTimes = previous ? await reads.leadTimes(previous.from, Math.max(previous.from + 1, Math.min(previous.to, now))) : null;
  const out: LoopItem[] = [];
  for (const w of loops) {
    const row = w.row?.row;
    const measuredTo = Math.max(w.from + 1, Math.min(w.to, now));
    const m = await reads.metrics(w.from, measuredTo);
    const times = await reads.leadTimes(w.from, measuredTo);
    const plan = row?.planMetric
      ? { metric: row.planMetric as LoopMetric, target: row.planTarget ?? 0, hypothesis: row.planHypothesis ?? '' }
      : null;
    const metrics: FiveMetrics = {
      deploymentFrequency: m.deploymentFrequency,
      leadTime: m.leadTime,
      changeFailureRate: m.changeFailureRate,
      timeToRestore: m.timeToRestore,
      failedDeploymentRecoveryTime: m.failedDeploymentRecoveryTime,
      reworkRate: m.reworkRate,
    };
    const item: LoopItem = {
      id: w.id,
      scope,
      name: w.name,
      from: iso(w.from),
      to: iso(w.to),
      measuredTo: iso(measuredTo),
      derived: !row,
      plan,
      metrics,
      stages: m.stages,
      baseline: m.baseline,
      speedup: m.speedup,
      check: previous && previousTimes ? { previousId: previous.id, leadTime: checkLeadTime(previousTimes, times) } : null,
      act: actOf(row),
      previousAct: actOf(previous?.row?.row),
      // Only a finished loop has met or missed its target.
      targetMet: plan && w.to <= now ? targetMet(plan.metric, plan.target, metricValue(m, plan.metric)) : null,
      retrospective: row ? retrospectiveOf(audit.filter((a) => a.loopId === row.id)) : null,
    };
    previous = w;
    previousTimes = times;
    out.push(item);
  }
  return out;
}

export async function readLoops(reads: LoopReads, scope: string, from: number, to: number, opts: LoopOptions): Promise<LoopsResponse> {
  const loops = await loopsIn(reads, from, to, opts);
  if (loops.length > MAX_LOOPS) {
    throw new HttpError(400, 'invalid_query', `from: the window holds ${loops.length} loops, more than ${MAX_LOOPS}; shorten it.`);
  }
  const first = loops[0];
  const previous = first ? await loopBefore(reads, first.from, opts) : undefined;
  // `derived`: nothing is planned in this scope yet, so every loop is a cadence loop.
  return {
    scope,
    from: iso(from),
    to: iso(to),
    derived: (await reads.count()) === 0,
    items: await items(reads, scope, loops, previous, opts.now),
  };
}

/**
 * `GET /api/v1/loops/:id`: one loop of the scope wherever it lies, with the loop before it, or
 * a 404. A cadence loop is found for as long as some part of its window is not planned over.
 */
export async function readLoop(reads: LoopReads, scope: string, id: string, opts: LoopOptions): Promise<LoopResponse> {
  let loop: Loop | undefined;
  if (/^\d{1,15}$/.test(id)) {
    const row = await reads.loop(Number(id));
    if (row) loop = { id, name: row.name, from: row.fromAt, to: row.toAt, row: { from: row.fromAt, to: row.toAt, row } };
  } else {
    const window = cadenceWindowOf(id, opts);
    loop = window ? (await loopsIn(reads, window.from, window.to, opts)).find((l) => l.id === id) : undefined;
  }
  if (!loop) {
    throw new HttpError(
      404,
      'unknown_loop',
      `No loop "${id.slice(0, 60)}" in ${scope}: it was deleted, or a planned loop now covers all of its days. GET /api/v1/loops?scope=${scope} lists the loops there are.`,
    );
  }
  const before = await loopBefore(reads, loop.from, opts);
  const earlier = before ? await loopBefore(reads, before.from, opts) : undefined;
  if (!before) return { loop: (await items(reads, scope, [loop], undefined, opts.now))[0], previous: null };
  const [previous, current] = await items(reads, scope, [before, loop], earlier, opts.now);
  return { loop: current, previous };
}

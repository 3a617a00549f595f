/** `GET /api/v1/loops`: a scope's loops, recorded or derived from the cadence, each with its Check. */
import type { Db } from '../../db/connection';
import { countLoops, getPreviousLoop, listLoops, type LoopRow } from '../../db/queries/loops';
import type { FiveMetrics, LoopAct, LoopItem, LoopMetric, LoopsResponse } from '../../common/api';
import type { ResolvedScope } from '../scope';
import { readMetrics, type MetricsOptions } from '../metrics/read';
import { factIndex } from '../metrics/fact-index';
import { indexedLeadTimes } from '../metrics/indexed';
import { checkLeadTime } from './check';
import { targetMet } from './units';
import { metricValue } from '../../common/loop-metrics';
import { HttpError } from '../errors';

const DAY_MS = 86_400_000;
export const MAX_LOOPS = 120;
const iso = (t: number) => new Date(t).toISOString();

interface Window { id: string; name: string; from: number; to: number; row?: LoopRow }

/** The fixed-cadence loops that overlap [from, to), counted from the anchor. */
export function cadenceWindows(from: number, to: number, anchor: number, days: number): Window[] {
  const len = days * DAY_MS;
  const out: Window[] = [];
  for (let k = Math.floor((from - anchor) / len); anchor + k * len < to; k++) {
    const s = anchor + k * len;
    if (s + len <= from) continue;
    out.push({ id: `cadence:${iso(s).slice(0, 10)}`, name: `Loop of ${iso(s).slice(0, 10)}`, from: s, to: s + len });
  }
  return out;
}

/** A loop's lead times, for its Check (the same facts its metrics come from). */
function leadTimes(db: Db, serviceIds: number[], from: number, to: number): number[] {
  return indexedLeadTimes(factIndex(db).all(serviceIds), { from, to, tz: 'UTC' });
}

function actOf(row: LoopRow | undefined): LoopAct | null {
  if (!row?.actDecision) return null;
  return { decision: row.actDecision as LoopAct['decision'], notes: row.actNotes ?? '', decidedAt: iso(row.actDecidedAt ?? row.toAt) };
}

export interface LoopOptions extends MetricsOptions {
  cadenceDays: number; anchor: number;
  /** A loop still running is measured up to now, not over days that have not happened. */
  now: number;
}

export function readLoops(db: Db, r: ResolvedScope, from: number, to: number, opts: LoopOptions): LoopsResponse {
  const derived = countLoops(db, r.scope.key) === 0;
  const windows: Window[] = derived
    ? cadenceWindows(from, to, opts.anchor, opts.cadenceDays)
    : listLoops(db, r.scope.key, from, to).map((row) => ({ id: String(row.id), name: row.name, from: row.fromAt, to: row.toAt, row }));
  if (windows.length > MAX_LOOPS) {
    throw new HttpError(400, 'invalid_query', `from: the window holds ${windows.length} loops, more than ${MAX_LOOPS}; shorten it.`);
  }
  // The loop before the first one shown, so the first one has a Check too.
  const first = windows[0];
  let previous: Window | undefined;
  if (first) {
    if (derived) previous = { id: `cadence:${iso(first.from - opts.cadenceDays * DAY_MS).slice(0, 10)}`, name: '', from: first.from - opts.cadenceDays * DAY_MS, to: first.from };
    else {
      const row = getPreviousLoop(db, r.scope.key, first.from);
      // The first recorded loop is checked against the same length of time before it.
      previous = row
        ? { id: String(row.id), name: row.name, from: row.fromAt, to: row.toAt, row }
        : { id: '', name: '', from: first.from - (first.to - first.from), to: first.from };
    }
  }
  let previousTimes = previous ? leadTimes(db, r.serviceIds, previous.from, previous.to) : null;
  const items = windows.map((w): LoopItem => {
    const measuredTo = Math.max(w.from + 1, Math.min(w.to, opts.now));
    const m = readMetrics(db, r, w.from, measuredTo, opts);
    const times = leadTimes(db, r.serviceIds, w.from, measuredTo);
    const plan = w.row?.planMetric ? { metric: w.row.planMetric as LoopMetric, target: w.row.planTarget ?? 0, hypothesis: w.row.planHypothesis ?? '' } : null;
    const item: LoopItem = {
      id: w.id, scope: r.scope.key, name: w.name, from: iso(w.from), to: iso(w.to), measuredTo: iso(measuredTo), derived,
      plan,
      metrics: {
        deploymentFrequency: m.deploymentFrequency, leadTime: m.leadTime, changeFailureRate: m.changeFailureRate,
        timeToRestore: m.timeToRestore, failedDeploymentRecoveryTime: m.failedDeploymentRecoveryTime, reworkRate: m.reworkRate,
      },
      stages: m.stages, baseline: m.baseline, speedup: m.speedup,
      check: previous && previousTimes ? { previousId: previous.id || null, leadTime: checkLeadTime(previousTimes, times) } : null,
      act: actOf(w.row),
      previousAct: actOf(previous?.row),
      // Only a finished loop has met or missed its target.
      targetMet: plan && w.to <= opts.now ? targetMet(plan.metric, plan.target, metricValue(m, plan.metric)) : null,
    };
    previous = w;
    previousTimes = times;
    return item;
  });
  return { scope: r.scope.key, from: iso(from), to: iso(to), derived, items };
}

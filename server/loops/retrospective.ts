/**
 * Whether a planned loop's plan is retrospective, read from its audit trail: the plan was made
 * after the loop started, or its `from` or target was changed after it started. A loop's first
 * day counts as its start: a plan made (or changed) on that day is on time. Once marked, a loop
 * stays marked.
 */
import type { LoopRetrospective } from '../../common/api';

const DAY_MS = 86_400_000;

interface Snapshot {
  fromAt: number;
  planMetric: string | null;
  planTarget: number | null;
}
export interface AuditEntry {
  action: string;
  at: number;
  before: string | null;
  after: string | null;
}

/** The end of the day on which `t` falls: anything from then on is after the loop started. */
const afterStart = (at: number, from: number) => at >= Math.floor(from / DAY_MS) * DAY_MS + DAY_MS;
const parse = (s: string | null): Snapshot | null => (s ? (JSON.parse(s) as Snapshot) : null);
const iso = (t: number) => new Date(t).toISOString();

/** The first reason the loop's plan became retrospective, from its audit entries (any order). */
export function retrospectiveOf(entries: readonly AuditEntry[]): LoopRetrospective | null {
  for (const e of [...entries].sort((a, b) => a.at - b.at)) {
    const before = parse(e.before);
    const after = parse(e.after);
    if (!after) continue;
    const started = afterStart(e.at, Math.min(after.fromAt, before?.fromAt ?? after.fromAt));
    if (!started) continue;
    if (after.planMetric !== null && (!before || before.planMetric === null)) {
      return { reason: 'planned-after-start', at: iso(e.at), startedAt: iso(Math.min(after.fromAt, before?.fromAt ?? after.fromAt)) };
    }
    if (before && before.fromAt !== after.fromAt && after.planMetric !== null) {
      return { reason: 'from-changed-after-start', at: iso(e.at), startedAt: iso(Math.min(after.fromAt, before.fromAt)) };
    }
    if (
      before &&
      before.planMetric !== null &&
      after.planMetric !== null &&
      (before.planMetric !== after.planMetric || before.planTarget !== after.planTarget)
    ) {
      return { reason: 'target-changed-after-start', at: iso(e.at), startedAt: iso(Math.min(after.fromAt, before.fromAt)) };
    }
  }
  return null;
}

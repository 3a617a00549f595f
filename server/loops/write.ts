/** Plan, edit, act on and delete recorded loops; every change is audited, and a refused one changes nothing. */
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { findOverlappingLoop, getLoop, insertLoop, insertLoopAudit, updateLoop, type LoopRow } from '../../db/queries/loops';
import { loopMetrics } from '../../common/api';
import { HttpError } from '../errors';
import { parseBody } from '../validate';
import { canonicalTarget } from './units';

const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'expected a date such as 2026-03-02 or a timestamp with a zone' });
const plan = z.object({
  metric: z.enum(loopMetrics, { error: `expected one of ${loopMetrics.join(', ')}` }),
  target: z.number({ error: 'expected a number' }).finite(),
  unit: z.string().optional(),
  hypothesis: z.string().trim().min(1, 'say what you expect to happen and why').max(2000),
}).strict();
const act = z.object({
  decision: z.enum(['adopt', 'adapt', 'abandon'], { error: 'expected adopt, adapt or abandon' }),
  notes: z.string().max(5000).default(''),
}).strict();
const name = z.string().trim().min(1, 'must not be empty').max(200);

export const planBody = z.object({ scope: z.string(), name, from: instant, to: instant, plan: plan.optional() }).strict();
export const patchBody = z.object({ name: name.optional(), from: instant.optional(), to: instant.optional(), plan: plan.nullable().optional(), act: act.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, from, to, plan, act');

const toMs = (s: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);

function checkRange(db: Db, scope: string, from: number, to: number, exceptId = 0): void {
  if (from >= to) throw new HttpError(400, 'invalid_loop', 'to: must be after from.', [{ path: 'to', message: 'must be after from' }]);
  if (to - from > 366 * 86_400_000) throw new HttpError(400, 'invalid_loop', 'to: a loop lasts at most a year; plan shorter loops.', [{ path: 'to', message: 'a loop lasts at most a year' }]);
  const clash = findOverlappingLoop(db, scope, from, to, exceptId);
  if (clash) {
    const span = `${new Date(clash.fromAt).toISOString().slice(0, 10)} to ${new Date(clash.toAt).toISOString().slice(0, 10)}`;
    throw new HttpError(409, 'loop_overlaps', `from: this loop overlaps "${clash.name}" (${span}); loops of one scope follow each other.`,
      [{ path: 'from', message: `overlaps "${clash.name}" (${span})` }]);
  }
}

const snapshot = (l: LoopRow) => JSON.stringify(l);

/** Records a new loop (Plan). The scope must already have been resolved (it exists). */
export function planLoop(db: Db, scope: string, body: unknown, actor: string, now: number): number {
  const b = parseBody(planBody, body, 'invalid_loop');
  const from = toMs(b.from), to = toMs(b.to);
  return db.transaction(() => {
    checkRange(db, scope, from, to);
    const id = insertLoop(db, {
      scope, name: b.name, fromAt: from, toAt: to, createdAt: now,
      planMetric: b.plan?.metric ?? null,
      planTarget: b.plan ? canonicalTarget(b.plan.metric, b.plan.target, b.plan.unit) : null,
      planHypothesis: b.plan?.hypothesis ?? null,
    });
    insertLoopAudit(db, { loopId: id, action: 'plan', actor, at: now, before: null, after: snapshot(getLoop(db, id)!) });
    return id;
  })();
}

function loadLoop(db: Db, id: string): LoopRow {
  const row = /^\d+$/.test(id) ? getLoop(db, Number(id)) : undefined;
  if (!row) throw new HttpError(404, 'unknown_loop', `No loop "${id.slice(0, 60)}": cadence loops cannot be changed; plan a loop first (POST /api/v1/loops).`);
  return row;
}

/** Edits a loop, or records its Act. */
export function patchLoop(db: Db, id: string, body: unknown, actor: string, now: number): LoopRow {
  const b = parseBody(patchBody, body, 'invalid_loop');
  return db.transaction(() => {
    const before = loadLoop(db, id);
    const next: LoopRow = { ...before };
    if (b.name !== undefined) next.name = b.name;
    if (b.from !== undefined) next.fromAt = toMs(b.from);
    if (b.to !== undefined) next.toAt = toMs(b.to);
    if (b.from !== undefined || b.to !== undefined) checkRange(db, before.scope, next.fromAt, next.toAt, before.id);
    if (b.plan === null) Object.assign(next, { planMetric: null, planTarget: null, planHypothesis: null });
    else if (b.plan) Object.assign(next, { planMetric: b.plan.metric, planTarget: canonicalTarget(b.plan.metric, b.plan.target, b.plan.unit), planHypothesis: b.plan.hypothesis });
    if (b.act === null) Object.assign(next, { actDecision: null, actNotes: null, actDecidedAt: null });
    else if (b.act) Object.assign(next, { actDecision: b.act.decision, actNotes: b.act.notes, actDecidedAt: now });
    updateLoop(db, next);
    const action = b.act !== undefined && Object.keys(b).length === 1 ? 'act' : 'edit';
    insertLoopAudit(db, { loopId: before.id, action, actor, at: now, before: snapshot(before), after: snapshot(next) });
    return next;
  })();
}

/** Marks a loop deleted; its events and audit trail stay. */
export function deleteLoop(db: Db, id: string, actor: string, now: number): void {
  db.transaction(() => {
    const before = loadLoop(db, id);
    updateLoop(db, { ...before, deletedAt: now });
    insertLoopAudit(db, { loopId: before.id, action: 'delete', actor, at: now, before: snapshot(before), after: null });
  })();
}

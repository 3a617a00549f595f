/**
 * Plan, edit, act on and delete recorded loops: the request is checked here, and each write is
 * one unit of work of the storage (`LoopWrites`: one transaction that writes the loop and its
 * audit entry, or nothing). A refused write changes nothing.
 */
import { z } from 'zod';
import type { LoopInsert, LoopRow, LoopWrite } from '../../db/queries/loops';
import { loopMetrics } from '../../common/api';
import { HttpError } from '../errors';
import { parseBody } from '../validate';
import { canonicalTarget } from './units';

const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected a date such as 2026-03-02 or a timestamp with a zone',
});
const plan = z
  .object({
    metric: z.enum(loopMetrics, { error: `expected one of ${loopMetrics.join(', ')}` }),
    target: z.number({ error: 'expected a number' }).finite(),
    unit: z.string().optional(),
    hypothesis: z.string().trim().min(1, 'say what you expect to happen and why').max(2000),
  })
  .strict();
const act = z
  .object({
    decision: z.enum(['adopt', 'adapt', 'abandon'], { error: 'expected adopt, adapt or abandon' }),
    notes: z.string().max(5000).default(''),
  })
  .strict();
const name = z.string().trim().min(1, 'must not be empty').max(200);

export const planBody = z.object({ scope: z.string(), name, from: instant, to: instant, plan: plan.optional() }).strict();
export const patchBody = z
  .object({
    name: name.optional(),
    from: instant.optional(),
    to: instant.optional(),
    plan: plan.nullable().optional(),
    act: act.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, from, to, plan, act');

const toMs = (s: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);

/** The storage's units of work on loops (db/queries/loops.ts; the store's, once there is one). */
export interface LoopWrites {
  planLoop(loop: LoopInsert, actor: string): LoopWrite | Promise<LoopWrite>;
  patchLoop(
    id: number,
    change: (before: LoopRow) => LoopRow,
    action: 'edit' | 'act',
    actor: string,
    at: number,
  ): LoopWrite | Promise<LoopWrite>;
  deleteLoop(id: number, actor: string, at: number): LoopWrite | Promise<LoopWrite>;
}

function checkRange(from: number, to: number): void {
  if (from >= to) throw new HttpError(400, 'invalid_loop', 'to: must be after from.', [{ path: 'to', message: 'must be after from' }]);
  if (to - from > 366 * 86_400_000)
    throw new HttpError(400, 'invalid_loop', 'to: a loop lasts at most a year; plan shorter loops.', [
      { path: 'to', message: 'a loop lasts at most a year' },
    ]);
}

const unknownLoop = (id: string) =>
  new HttpError(
    404,
    'unknown_loop',
    `No loop "${id.slice(0, 60)}": cadence loops cannot be changed; plan a loop first (POST /api/v1/loops).`,
  );

/** The loop a write stored, or the HTTP error that says why it stored nothing. */
function stored(w: LoopWrite, id: string): LoopRow {
  if (w.ok) return w.loop;
  if (w.reason === 'missing') throw unknownLoop(id);
  const span = `${new Date(w.clash.fromAt).toISOString().slice(0, 10)} to ${new Date(w.clash.toAt).toISOString().slice(0, 10)}`;
  throw new HttpError(409, 'loop_overlaps', `from: this loop overlaps "${w.clash.name}" (${span}); loops of one scope follow each other.`, [
    { path: 'from', message: `overlaps "${w.clash.name}" (${span})` },
  ]);
}

/** A recorded loop's id from the URL; cadence ids and anything else are a 404. */
function loopId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw unknownLoop(id);
  return Number(id);
}

/** Records a new loop (Plan). The scope must already have been resolved (it exists). */
export async function planLoop(store: LoopWrites, scope: string, body: unknown, actor: string, now: number): Promise<number> {
  const b = parseBody(planBody, body, 'invalid_loop');
  const from = toMs(b.from),
    to = toMs(b.to);
  checkRange(from, to);
  const loop = stored(
    await store.planLoop(
      {
        scope,
        name: b.name,
        fromAt: from,
        toAt: to,
        createdAt: now,
        planMetric: b.plan?.metric ?? null,
        planTarget: b.plan ? canonicalTarget(b.plan.metric, b.plan.target, b.plan.unit) : null,
        planHypothesis: b.plan?.hypothesis ?? null,
      },
      actor,
    ),
    '',
  );
  return loop.id;
}

/** Edits a loop, or records its Act. */
export async function patchLoop(store: LoopWrites, id: string, body: unknown, actor: string, now: number): Promise<LoopRow> {
  const b = parseBody(patchBody, body, 'invalid_loop');
  const n = loopId(id);
  const edit: Partial<LoopRow> = {};
  if (b.name !== undefined) edit.name = b.name;
  if (b.from !== undefined) edit.fromAt = toMs(b.from);
  if (b.to !== undefined) edit.toAt = toMs(b.to);
  if (b.plan === null) Object.assign(edit, { planMetric: null, planTarget: null, planHypothesis: null });
  else if (b.plan)
    Object.assign(edit, {
      planMetric: b.plan.metric,
      planTarget: canonicalTarget(b.plan.metric, b.plan.target, b.plan.unit),
      planHypothesis: b.plan.hypothesis,
    });
  if (b.act === null) Object.assign(edit, { actDecision: null, actNotes: null, actDecidedAt: null });
  else if (b.act) Object.assign(edit, { actDecision: b.act.decision, actNotes: b.act.notes, actDecidedAt: now });
  // The range is checked on the loop as it will be; a bad one throws inside the unit, which then stores nothing.
  const change = (before: LoopRow): LoopRow => {
    const next = { ...before, ...edit };
    if (b.from !== undefined || b.to !== undefined) checkRange(next.fromAt, next.toAt);
    return next;
  };
  const action = b.act !== undefined && Object.keys(b).length === 1 ? 'act' : 'edit';
  return stored(await store.patchLoop(n, change, action, actor, now), id);
}

/** Marks a loop deleted; its events and audit trail stay. Returns the loop as it was. */
export async function deleteLoop(store: LoopWrites, id: string, actor: string, now: number): Promise<LoopRow> {
  return stored(await store.deleteLoop(loopId(id), actor, now), id);
}

/** PDCA loops recorded by people, and their audit trail. */
import type { Db } from '../connection';
import { prepared } from '../prepared';

export interface LoopRow {
  id: number;
  scope: string;
  name: string;
  fromAt: number;
  toAt: number;
  planMetric: string | null;
  planTarget: number | null;
  planHypothesis: string | null;
  actDecision: string | null;
  actNotes: string | null;
  actDecidedAt: number | null;
  createdAt: number;
  deletedAt: number | null;
}

const columns = `id, scope, name, from_at AS fromAt, to_at AS toAt, plan_metric AS planMetric, plan_target AS planTarget,
  plan_hypothesis AS planHypothesis, act_decision AS actDecision, act_notes AS actNotes, act_decided_at AS actDecidedAt,
  created_at AS createdAt, deleted_at AS deletedAt`;

/** Live loops of a scope that overlap [from, to), oldest first. */
export function listLoops(db: Db, scope: string, from: number, to: number): LoopRow[] {
  return prepared<[string, number, number], LoopRow>(
    db,
    `SELECT ${columns} FROM loops
    WHERE scope = ? AND deleted_at IS NULL AND from_at < ? AND to_at > ? ORDER BY from_at, id`,
  ).all(scope, to, from);
}

export function countLoops(db: Db, scope: string): number {
  return prepared<[string], { n: number }>(db, 'SELECT count(*) AS n FROM loops WHERE scope = ? AND deleted_at IS NULL').get(scope)!.n;
}

export function getLoop(db: Db, id: number): LoopRow | undefined {
  return prepared<[number], LoopRow>(db, `SELECT ${columns} FROM loops WHERE id = ? AND deleted_at IS NULL`).get(id);
}

/** A live loop of the scope that overlaps [from, to), other than `exceptId`. */
export function findOverlappingLoop(db: Db, scope: string, from: number, to: number, exceptId = 0): LoopRow | undefined {
  return prepared<[string, number, number, number], LoopRow>(
    db,
    `SELECT ${columns} FROM loops
    WHERE scope = ? AND deleted_at IS NULL AND from_at < ? AND to_at > ? AND id != ? LIMIT 1`,
  ).get(scope, to, from, exceptId);
}

export type LoopInsert = Omit<LoopRow, 'id' | 'deletedAt' | 'actDecision' | 'actNotes' | 'actDecidedAt'>;

function insertLoop(db: Db, l: LoopInsert): number {
  return Number(
    prepared(
      db,
      `INSERT INTO loops (scope, name, from_at, to_at, plan_metric, plan_target, plan_hypothesis, created_at)
    VALUES (@scope, @name, @fromAt, @toAt, @planMetric, @planTarget, @planHypothesis, @createdAt)`,
    ).run(l).lastInsertRowid,
  );
}

function updateLoop(db: Db, l: LoopRow): void {
  prepared(
    db,
    `UPDATE loops SET name = @name, from_at = @fromAt, to_at = @toAt, plan_metric = @planMetric, plan_target = @planTarget,
    plan_hypothesis = @planHypothesis, act_decision = @actDecision, act_notes = @actNotes, act_decided_at = @actDecidedAt,
    deleted_at = @deletedAt WHERE id = @id`,
  ).run(l);
}

export interface LoopAuditRow {
  id: number;
  loopId: number;
  action: string;
  actor: string;
  at: number;
  before: string | null;
  after: string | null;
}

function insertLoopAudit(db: Db, a: Omit<LoopAuditRow, 'id'>): void {
  prepared(
    db,
    'INSERT INTO loop_audit (loop_id, action, actor, at, before, after) VALUES (@loopId, @action, @actor, @at, @before, @after)',
  ).run(a);
}

/** The audit trail of a scope's loops (deleted ones included), newest first. */
export function listLoopAudit(db: Db, scope: string, limit: number): (LoopAuditRow & { scope: string; name: string })[] {
  return prepared<[string, number], LoopAuditRow & { scope: string; name: string }>(
    db,
    `SELECT a.id, a.loop_id AS loopId, a.action, a.actor, a.at,
    a.before, a.after, l.scope, l.name FROM loop_audit a JOIN loops l ON l.id = a.loop_id WHERE l.scope = ? ORDER BY a.at DESC, a.id DESC LIMIT ?`,
  ).all(scope, limit);
}

/** The audit entries of the given loops, oldest first (what a loop's retrospective mark is read from). */
export function listAuditOfLoops(db: Db, loopIds: readonly number[]): LoopAuditRow[] {
  if (loopIds.length === 0) return [];
  return prepared<[string], LoopAuditRow>(
    db,
    `SELECT id, loop_id AS loopId, action, actor, at, before, after FROM loop_audit
    WHERE loop_id IN (SELECT value FROM json_each(?)) ORDER BY loop_id, at, id`,
  ).all(JSON.stringify(loopIds));
}

// --- Units of work: each one transaction that checks, writes the loop and its audit entry, or changes nothing.

/** What a unit of work on a loop did: the loop as stored, or why nothing was written. */
export type LoopWrite =
  { ok: true; loop: LoopRow; before: LoopRow | null } | { ok: false; reason: 'missing' } | { ok: false; reason: 'overlap'; clash: LoopRow };

const snapshot = (l: LoopRow) => JSON.stringify(l);

/** Records a new loop and its `plan` audit entry, unless it overlaps a live loop of its scope. */
export function planLoop(db: Db, l: LoopInsert, actor: string): LoopWrite {
  return db
    .transaction((): LoopWrite => {
      const clash = findOverlappingLoop(db, l.scope, l.fromAt, l.toAt);
      if (clash) return { ok: false, reason: 'overlap', clash };
      const loop = getLoop(db, insertLoop(db, l))!;
      insertLoopAudit(db, { loopId: loop.id, action: 'plan', actor, at: l.createdAt, before: null, after: snapshot(loop) });
      return { ok: true, loop, before: null };
    })
    .immediate();
}

/**
 * Edits a live loop: `change` (pure) gives the loop after from the loop before; the result must
 * not overlap another live loop of the scope. Audited as `action`.
 */
export function patchLoop(
  db: Db,
  id: number,
  change: (before: LoopRow) => LoopRow,
  action: 'edit' | 'act',
  actor: string,
  at: number,
): LoopWrite {
  return db
    .transaction((): LoopWrite => {
      const before = getLoop(db, id);
      if (!before) return { ok: false, reason: 'missing' };
      const next = { ...change(before), id: before.id, scope: before.scope };
      if (next.fromAt !== before.fromAt || next.toAt !== before.toAt) {
        const clash = findOverlappingLoop(db, before.scope, next.fromAt, next.toAt, before.id);
        if (clash) return { ok: false, reason: 'overlap', clash };
      }
      updateLoop(db, next);
      insertLoopAudit(db, { loopId: before.id, action, actor, at, before: snapshot(before), after: snapshot(next) });
      return { ok: true, loop: next, before };
    })
    .immediate();
}

/** Marks a live loop deleted (its audit trail stays) and audits it. */
export function deleteLoop(db: Db, id: number, actor: string, at: number): LoopWrite {
  return db
    .transaction((): LoopWrite => {
      const before = getLoop(db, id);
      if (!before) return { ok: false, reason: 'missing' };
      const loop = { ...before, deletedAt: at };
      updateLoop(db, loop);
      insertLoopAudit(db, { loopId: before.id, action: 'delete', actor, at, before: snapshot(before), after: null });
      return { ok: true, loop, before };
    })
    .immediate();
}

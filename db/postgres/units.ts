/**
 * The small statements of the PostgreSQL store's units of work and reads: the organisation,
 * settings, cursors, sessions, webhook deliveries and loops, each as db/queries/ has them for
 * SQLite (same rows, same order, same JSON of a loop in its audit trail).
 */
import type { OrganisationConfig } from '../../common/org';
import { teamResolver, UNASSIGNED_DEPARTMENT, UNASSIGNED_TEAM } from '../../common/org';
import type { Cursor } from '../queries/cursors';
import type { DepartmentRow, ServiceRow, TeamRow } from '../queries/org';
import type { SessionRow } from '../queries/sessions';
import { DELIVERY_MEMORY_MS, type DeliveryRecord, type DeliveryRow } from '../queries/webhook-deliveries';
import type { LoopAuditRow, LoopInsert, LoopRow, LoopWrite } from '../queries/loops';
import { one, q, run, type Queryable } from './sql';

// ---- The organisation.

export async function ensureUnassigned(db: Queryable): Promise<void> {
  await run(db, "INSERT INTO departments (id, name) VALUES ($1, 'Unassigned') ON CONFLICT DO NOTHING", [UNASSIGNED_DEPARTMENT]);
  await run(db, "INSERT INTO teams (id, name, department_id) VALUES ($1, 'Unassigned', $2) ON CONFLICT DO NOTHING", [
    UNASSIGNED_TEAM,
    UNASSIGNED_DEPARTMENT,
  ]);
}

export async function syncOrganisation(db: Queryable, org: OrganisationConfig): Promise<void> {
  const resolve = teamResolver(org);
  await ensureUnassigned(db);
  if (org.length > 0) {
    await run(
      db,
      `INSERT INTO departments (id, name) SELECT * FROM unnest($1::text[], $2::text[])
      ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
      [org.map((d) => d.id), org.map((d) => d.name)],
    );
    const teams = org.flatMap((d) => d.teams.map((t) => ({ ...t, departmentId: d.id })));
    if (teams.length > 0)
      await run(
        db,
        `INSERT INTO teams (id, name, department_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, department_id = excluded.department_id`,
        [teams.map((t) => t.id), teams.map((t) => t.name), teams.map((t) => t.departmentId)],
      );
  }
  const moved = (await listServices(db))
    .map((s) => ({ id: s.id, from: s.teamId, to: resolve(s.name) ?? UNASSIGNED_TEAM }))
    .filter((s) => s.to !== s.from);
  if (moved.length > 0)
    await run(db, 'UPDATE services s SET team_id = x.t FROM unnest($1::bigint[], $2::text[]) AS x(i, t) WHERE s.id = x.i', [
      moved.map((m) => m.id),
      moved.map((m) => m.to),
    ]);
}

export const listServices = (db: Queryable) =>
  q<ServiceRow>(db, 'SELECT id, name, team_id AS "teamId" FROM services ORDER BY name COLLATE "C"');
export const listTeams = (db: Queryable) =>
  q<TeamRow>(db, 'SELECT id, name, department_id AS "departmentId" FROM teams ORDER BY name COLLATE "C"');
export const listDepartments = (db: Queryable) => q<DepartmentRow>(db, 'SELECT id, name FROM departments ORDER BY name COLLATE "C"');
export const countServices = async (db: Queryable) => (await one<{ n: number }>(db, 'SELECT count(*) AS n FROM services'))!.n;

// ---- Settings and cursors.

export const getSetting = async (db: Queryable, key: string) =>
  (await one<{ value: string }>(db, 'SELECT value FROM settings WHERE key = $1', [key]))?.value;
export async function putSetting(db: Queryable, key: string, value: string): Promise<void> {
  await run(db, 'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}
export const getCursor = (db: Queryable, collector: string, resource: string) =>
  one<Cursor>(db, 'SELECT collector, resource, cursor, etag FROM collector_cursors WHERE collector = $1 AND resource = $2', [
    collector,
    resource,
  ]);
export const listCursors = (db: Queryable, collector: string) =>
  q<Cursor & { updatedAt: number }>(
    db,
    `SELECT collector, resource, cursor, etag, updated_at AS "updatedAt" FROM collector_cursors WHERE collector = $1
    ORDER BY resource COLLATE "C"`,
    [collector],
  );

// ---- Sessions.

const sessionColumns = 'actor, role, kind, origin, created_at AS "createdAt", expires_at AS "expiresAt"';

export async function insertSession(db: Queryable, idHash: string, row: SessionRow): Promise<void> {
  await run(db, 'INSERT INTO sessions (id_hash, actor, role, kind, origin, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    idHash,
    row.actor,
    row.role,
    row.kind,
    row.origin,
    row.createdAt,
    row.expiresAt,
  ]);
}
export const getSession = (db: Queryable, idHash: string, now: number) =>
  one<SessionRow>(db, `SELECT ${sessionColumns} FROM sessions WHERE id_hash = $1 AND expires_at > $2`, [idHash, now]);
export const listSessions = (db: Queryable, now: number) =>
  q<SessionRow>(db, `SELECT ${sessionColumns} FROM sessions WHERE expires_at > $1 ORDER BY created_at, actor COLLATE "C"`, [now]);

// ---- Webhook deliveries.

export const findDelivery = (db: Queryable, source: string, deliveryId: string) =>
  one<DeliveryRow>(db, 'SELECT event, received_at AS "receivedAt" FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2', [
    source,
    deliveryId,
  ]);

/** Remembers a delivery (forgetting those past their memory); false when it was remembered already. */
export async function recordDelivery(db: Queryable, d: DeliveryRecord): Promise<boolean> {
  const inserted =
    (await run(
      db,
      'INSERT INTO webhook_deliveries (source, delivery_id, event, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (source, delivery_id) DO NOTHING',
      [d.source, d.deliveryId, d.event, d.at],
    )) > 0;
  if (inserted) await run(db, 'DELETE FROM webhook_deliveries WHERE received_at < $1', [d.at - DELIVERY_MEMORY_MS]);
  return inserted;
}

// ---- Loops.

const loopColumns = `id, scope, name, from_at AS "fromAt", to_at AS "toAt", plan_metric AS "planMetric", plan_target AS "planTarget",
  plan_hypothesis AS "planHypothesis", act_decision AS "actDecision", act_notes AS "actNotes", act_decided_at AS "actDecidedAt",
  created_at AS "createdAt", deleted_at AS "deletedAt"`;
const auditColumns = 'a.id, a.loop_id AS "loopId", a.action, a.actor, a.at, a.before, a.after';

export const listLoops = (db: Queryable, scope: string, from: number, to: number) =>
  q<LoopRow>(
    db,
    `SELECT ${loopColumns} FROM loops WHERE scope = $1 AND deleted_at IS NULL AND from_at < $2 AND to_at > $3 ORDER BY from_at, id`,
    [scope, to, from],
  );
export const countLoops = async (db: Queryable, scope: string) =>
  (await one<{ n: number }>(db, 'SELECT count(*) AS n FROM loops WHERE scope = $1 AND deleted_at IS NULL', [scope]))!.n;
export const getLoop = (db: Queryable, id: number) =>
  one<LoopRow>(db, `SELECT ${loopColumns} FROM loops WHERE id = $1 AND deleted_at IS NULL`, [id]);
export const listLoopAudit = (db: Queryable, scope: string, limit: number) =>
  q<LoopAuditRow & { scope: string; name: string }>(
    db,
    `SELECT ${auditColumns}, l.scope, l.name FROM loop_audit a JOIN loops l ON l.id = a.loop_id WHERE l.scope = $1
    ORDER BY a.at DESC, a.id DESC LIMIT $2`,
    [scope, limit],
  );
export const listAuditOfLoops = async (db: Queryable, ids: readonly number[]) =>
  ids.length === 0
    ? []
    : q<LoopAuditRow>(db, `SELECT ${auditColumns} FROM loop_audit a WHERE a.loop_id = ANY($1::bigint[]) ORDER BY a.loop_id, a.at, a.id`, [
        [...ids],
      ]);

const findOverlappingLoop = (db: Queryable, scope: string, from: number, to: number, exceptId = 0) =>
  one<LoopRow>(
    db,
    `SELECT ${loopColumns} FROM loops WHERE scope = $1 AND deleted_at IS NULL AND from_at < $2 AND to_at > $3 AND id <> $4 LIMIT 1`,
    [scope, to, from, exceptId],
  );

/** Two units of work on one scope's loops take turns (the overlap check, then the write). */
const lockScope = (db: Queryable, scope: string) => q(db, "SELECT pg_advisory_xact_lock(hashtext('deming loops ' || $1))", [scope]);

async function updateLoop(db: Queryable, l: LoopRow): Promise<void> {
  await run(
    db,
    `UPDATE loops SET name = $2, from_at = $3, to_at = $4, plan_metric = $5, plan_target = $6, plan_hypothesis = $7, act_decision = $8,
      act_notes = $9, act_decided_at = $10, deleted_at = $11 WHERE id = $1`,
    [l.id, l.name, l.fromAt, l.toAt, l.planMetric, l.planTarget, l.planHypothesis, l.actDecision, l.actNotes, l.actDecidedAt, l.deletedAt],
  );
}

async function insertLoopAudit(db: Queryable, a: Omit<LoopAuditRow, 'id'>): Promise<void> {
  await run(db, 'INSERT INTO loop_audit (loop_id, action, actor, at, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
    a.loopId,
    a.action,
    a.actor,
    a.at,
    a.before,
    a.after,
  ]);
}

const snapshot = (l: LoopRow) => JSON.stringify(l);

export async function planLoop(db: Queryable, l: LoopInsert, actor: string): Promise<LoopWrite> {
  await lockScope(db, l.scope);
  const clash = await findOverlappingLoop(db, l.scope, l.fromAt, l.toAt);
  if (clash) return { ok: false, reason: 'overlap', clash };
  const [{ id }] = await q<{ id: number }>(
    db,
    `INSERT INTO loops (scope, name, from_at, to_at, plan_metric, plan_target, plan_hypothesis, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [l.scope, l.name, l.fromAt, l.toAt, l.planMetric, l.planTarget, l.planHypothesis, l.createdAt],
  );
  const loop = (await getLoop(db, id))!;
  await insertLoopAudit(db, { loopId: loop.id, action: 'plan', actor, at: l.createdAt, before: null, after: snapshot(loop) });
  return { ok: true, loop, before: null };
}

export async function patchLoop(
  db: Queryable,
  id: number,
  change: (before: LoopRow) => LoopRow,
  action: 'edit' | 'act',
  actor: string,
  at: number,
): Promise<LoopWrite> {
  const found = await one<{ scope: string }>(db, 'SELECT scope FROM loops WHERE id = $1', [id]);
  if (found) await lockScope(db, found.scope);
  const before = await getLoop(db, id);
  if (!before) return { ok: false, reason: 'missing' };
  const next = { ...change(before), id: before.id, scope: before.scope };
  if (next.fromAt !== before.fromAt || next.toAt !== before.toAt) {
    const clash = await findOverlappingLoop(db, before.scope, next.fromAt, next.toAt, before.id);
    if (clash) return { ok: false, reason: 'overlap', clash };
  }
  await updateLoop(db, next);
  await insertLoopAudit(db, { loopId: before.id, action, actor, at, before: snapshot(before), after: snapshot(next) });
  return { ok: true, loop: next, before };
}

export async function deleteLoop(db: Queryable, id: number, actor: string, at: number): Promise<LoopWrite> {
  const found = await one<{ scope: string }>(db, 'SELECT scope FROM loops WHERE id = $1', [id]);
  if (found) await lockScope(db, found.scope);
  const before = await getLoop(db, id);
  if (!before) return { ok: false, reason: 'missing' };
  const loop = { ...before, deletedAt: at };
  await updateLoop(db, loop);
  await insertLoopAudit(db, { loopId: before.id, action: 'delete', actor, at, before: snapshot(before), after: null });
  return { ok: true, loop, before };
}

/** Scopes (`org`, `department:<id>`, `team:<id>`, `service:<owner/name>`) and the services in them. */
import type { Db } from '../db/connection';
import { listDepartments, listServicePlaces, listServices, listTeams } from '../db/queries/org';
import { HttpError } from './errors';

export type Scope =
  | { kind: 'org'; key: 'org' }
  | { kind: 'department' | 'team' | 'service'; id: string; key: string };

/** Parses a scope string, or answers 400 naming the field. */
export function parseScope(value: unknown, field = 'scope'): Scope {
  const s = typeof value === 'string' && value !== '' ? value : 'org';
  if (s === 'org') return { kind: 'org', key: 'org' };
  const m = /^(department|team|service):(.{1,200})$/.exec(s);
  if (!m) throw new HttpError(400, 'invalid_scope', `${field}: expected "org", "department:<id>", "team:<id>" or "service:<owner/name>", got "${s.slice(0, 100)}"`);
  return { kind: m[1] as 'department' | 'team' | 'service', id: m[2], key: s };
}

export interface ResolvedScope { scope: Scope; serviceIds: number[] }

/** The services of a scope; 404 when the department, team or service does not exist. */
export function resolveScope(db: Db, scope: Scope): ResolvedScope {
  const services = listServices(db);
  if (scope.kind === 'org') return { scope, serviceIds: services.map((s) => s.id) };
  if (scope.kind === 'service') {
    const s = services.find((x) => x.name === scope.id);
    if (!s) throw new HttpError(404, 'unknown_scope', `No service "${scope.id}": send its events first, or pick one from GET /api/v1/org.`);
    return { scope, serviceIds: [s.id] };
  }
  if (scope.kind === 'team') {
    if (!listTeams(db).some((t) => t.id === scope.id)) throw new HttpError(404, 'unknown_scope', `No team "${scope.id}": see GET /api/v1/org for the teams.`);
    return { scope, serviceIds: services.filter((s) => s.teamId === scope.id).map((s) => s.id) };
  }
  const teams = new Set(listTeams(db).filter((t) => t.departmentId === scope.id).map((t) => t.id));
  if (!listDepartments(db).some((d) => d.id === scope.id)) throw new HttpError(404, 'unknown_scope', `No department "${scope.id}": see GET /api/v1/org for the departments.`);
  return { scope, serviceIds: services.filter((s) => teams.has(s.teamId)).map((s) => s.id) };
}

/** Every scope a service belongs to, from itself up to `org`: the rooms to notify when it changes. */
export function scopesOfServices(db: Db, names: string[]): string[] {
  const out = new Set<string>();
  for (const s of listServicePlaces(db, names)) {
    out.add('org');
    out.add(`service:${s.name}`);
    out.add(`team:${s.teamId}`);
    out.add(`department:${s.departmentId}`);
  }
  return [...out];
}

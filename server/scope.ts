/** Scopes (`org`, `department:<id>`, `team:<id>`, `service:<owner/name>`) and the services in them. */
import type { Db } from '../db/connection';
import { findService, listDepartments, listServicePlaces, listServices, listTeams } from '../db/queries/org';
import { identifierProblem, normaliseServiceName } from '../common/identifiers';
import { HttpError } from './errors';

export type Scope =
  | { kind: 'org'; key: 'org' }
  | { kind: 'department' | 'team' | 'service'; id: string; key: string };

const EXPECTED = 'expected "org", "department:<id>", "team:<id>" or "service:<owner/name>"';

/** Parses a scope string (absent or empty: `org`), or answers 400 naming the field. */
export function parseScope(value: unknown, field = 'scope'): Scope {
  if (value !== undefined && typeof value !== 'string') throw new HttpError(400, 'invalid_scope', `${field}: ${EXPECTED}, once, as text.`);
  const s = value || 'org';
  if (s === 'org') return { kind: 'org', key: 'org' };
  const m = /^(department|team|service):(.{1,200})$/s.exec(s);
  if (!m) throw new HttpError(400, 'invalid_scope', `${field}: ${EXPECTED}, got ${JSON.stringify(s.slice(0, 100))}`);
  const kind = m[1] as 'department' | 'team' | 'service';
  // No control or invisible character in any id; a service is then looked up by its key (one
  // stored before the character set of ../common/identifiers.ts was enforced stays reachable).
  const problem = identifierProblem(m[2]);
  if (problem) throw new HttpError(400, 'invalid_scope', `${field}: the ${kind === 'service' ? 'service name' : `${kind} id`} ${problem}.`);
  if (kind !== 'service') return { kind, id: m[2], key: s };
  const name = normaliseServiceName(m[2]);
  return { kind, id: name, key: `service:${name}` };
}

export interface ResolvedScope { scope: Scope; serviceIds: number[] }

/**
 * The services of a scope; 404 when the department, team or service does not exist. A service
 * named in another case or Unicode form is found, and the scope returned names it as stored.
 */
export function resolveScope(db: Db, scope: Scope): ResolvedScope {
  if (scope.kind === 'service') {
    const s = findService(db, scope.id);
    if (!s) throw new HttpError(404, 'unknown_scope', `No service ${JSON.stringify(scope.id)}: send its events first, or pick one from GET /api/v1/org.`);
    return { scope: { kind: 'service', id: s.name, key: `service:${s.name}` }, serviceIds: [s.id] };
  }
  const services = listServices(db);
  if (scope.kind === 'org') return { scope, serviceIds: services.map((s) => s.id) };
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

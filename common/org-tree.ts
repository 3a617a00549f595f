/**
 * The department → team → service tree as `GET /api/v1/org` shows it, built from the stored
 * lists, and what both the server and the dashboard read from it: the services of a scope and
 * the scopes one level down. Pure: the server (server/org) and the dashboard
 * (client/lib/scope.ts) share it.
 */
import type { OrgDepartment, OrgService, OrgTeam } from './api';

/** The team every service that no configuration maps belongs to (DESIGN.md), in its own department. */
export const UNASSIGNED_TEAM = 'unassigned';
export const UNASSIGNED_DEPARTMENT = 'unassigned';

/** The tree: departments with their team ids, teams with their service names, and every service. */
export interface OrgTree {
  departments: OrgDepartment[];
  teams: OrgTeam[];
  services: OrgService[];
}

/**
 * The tree from the stored departments, teams and services (each in the order shown): the
 * `unassigned` team only while a service is in it, and a department only with a team.
 */
export function buildOrgTree(
  departments: readonly { id: string; name: string }[],
  teams: readonly { id: string; name: string; departmentId: string }[],
  services: readonly { name: string; teamId: string }[],
): OrgTree {
  const byTeam = new Map<string, string[]>();
  for (const s of services) {
    let names = byTeam.get(s.teamId);
    if (!names) byTeam.set(s.teamId, (names = []));
    names.push(s.name);
  }
  const shown = teams.filter((t) => t.id !== UNASSIGNED_TEAM || byTeam.has(t.id));
  const byDepartment = new Map<string, string[]>();
  for (const t of shown) {
    let ids = byDepartment.get(t.departmentId);
    if (!ids) byDepartment.set(t.departmentId, (ids = []));
    ids.push(t.id);
  }
  return {
    departments: departments.filter((d) => byDepartment.has(d.id)).map((d) => ({ id: d.id, name: d.name, teams: byDepartment.get(d.id)! })),
    teams: shown.map((t) => ({ id: t.id, name: t.name, departmentId: t.departmentId, services: byTeam.get(t.id) ?? [] })),
    services: services.map((s) => ({ name: s.name, teamId: s.teamId })),
  };
}

export type TreeScopeKind = 'org' | 'department' | 'team' | 'service';

/** The names of the services in a scope, in the tree's order (a service scope names itself). */
export function servicesInScope(tree: OrgTree, kind: TreeScopeKind, id: string): string[] {
  if (kind === 'org') return tree.services.map((s) => s.name);
  if (kind === 'service') return [id];
  const teams = kind === 'team' ? new Set([id]) : new Set(tree.departments.find((d) => d.id === id)?.teams ?? []);
  return tree.services.filter((s) => teams.has(s.teamId)).map((s) => s.name);
}

/** The scope keys one level down: departments of the org, teams of a department, services of a team. */
export function childScopeKeys(tree: OrgTree, kind: TreeScopeKind, id: string): string[] {
  if (kind === 'org') return tree.departments.map((d) => `department:${d.id}`);
  if (kind === 'department') return (tree.departments.find((d) => d.id === id)?.teams ?? []).map((t) => `team:${t}`);
  if (kind === 'team') return (tree.teams.find((t) => t.id === id)?.services ?? []).map((s) => `service:${s}`);
  return [];
}

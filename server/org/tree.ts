/**
 * One snapshot of the organisation: the stored departments, teams and services, the tree
 * `GET /api/v1/org` shows (common/org-tree.ts), and what every read asks of it: the services of
 * a scope, its children, the scopes Prometheus reports, the rooms a batch's services belong to,
 * and the `evidence` setting's start of each service.
 */
import type { OrganisationRows } from '../../db/reads';
import { buildOrgTree, childScopeKeys, servicesInScope, type OrgTree } from '../../common/org-tree';
import { serviceKey } from '../../common/identifiers';
import { HttpError } from '../errors';
import { configuredStarts, type EvidenceSettings } from '../metrics/evidence';
import type { ResolvedScope, Scope } from '../scope';

export type ServiceEntry = OrganisationRows['services'][number];

/** A scope with its services, as Prometheus reports it. */
export interface ScopeServiceIds {
  kind: Scope['kind'];
  key: string;
  serviceIds: number[];
}

export class OrgSnapshot {
  /** The tree as `GET /api/v1/org` shows it. */
  readonly tree: OrgTree;
  readonly services: readonly ServiceEntry[];
  private readonly byKey = new Map<string, ServiceEntry>();
  private readonly byName = new Map<string, ServiceEntry>();
  private readonly byId = new Set<number>();
  private readonly teams = new Map<string, { name: string; departmentId: string }>();
  private readonly departments = new Map<string, string>();
  private readonly starts = new WeakMap<EvidenceSettings, Map<number, number>>();
  private static readonly noStarts: ReadonlyMap<number, number> = new Map();

  constructor(rows: OrganisationRows) {
    this.tree = buildOrgTree(rows.departments, rows.teams, rows.services);
    this.services = rows.services;
    for (const s of rows.services) {
      this.byKey.set(s.key, s);
      this.byName.set(s.name, s);
      this.byId.add(s.id);
    }
    for (const t of rows.teams) this.teams.set(t.id, { name: t.name, departmentId: t.departmentId });
    for (const d of rows.departments) this.departments.set(d.id, d.name);
  }

  /** Whether the snapshot holds this service. */
  has(serviceId: number): boolean {
    return this.byId.has(serviceId);
  }

  private ids(names: readonly string[]): number[] {
    return names.map((n) => this.byName.get(n)!.id);
  }

  /**
   * The services of a scope; 404 when the department, team or service does not exist. A service
   * named in another case or Unicode form is found, and the scope returned names it as stored.
   */
  resolve(scope: Scope): ResolvedScope {
    if (scope.kind === 'service') {
      const s = this.byKey.get(serviceKey(scope.id));
      if (!s)
        throw new HttpError(
          404,
          'unknown_scope',
          `No service ${JSON.stringify(scope.id)}: send its events first, or pick one from GET /api/v1/org.`,
        );
      return { scope: { kind: 'service', id: s.name, key: `service:${s.name}` }, serviceIds: [s.id] };
    }
    if (scope.kind === 'org') return { scope, serviceIds: this.services.map((s) => s.id) };
    if (scope.kind === 'team' && !this.teams.has(scope.id))
      throw new HttpError(404, 'unknown_scope', `No team "${scope.id}": see GET /api/v1/org for the teams.`);
    if (scope.kind === 'department' && !this.departments.has(scope.id))
      throw new HttpError(404, 'unknown_scope', `No department "${scope.id}": see GET /api/v1/org for the departments.`);
    return { scope, serviceIds: this.ids(servicesInScope(this.tree, scope.kind, scope.id)) };
  }

  /** The scopes one level down that hold a service, with their names and services. */
  children(parent: Scope): { resolved: ResolvedScope; name: string }[] {
    const id = parent.kind === 'org' ? '' : parent.id;
    return childScopeKeys(this.tree, parent.kind, id)
      .map((key) => {
        const colon = key.indexOf(':');
        const kind = key.slice(0, colon) as 'department' | 'team' | 'service',
          childId = key.slice(colon + 1);
        const name = kind === 'department' ? this.departments.get(childId)! : kind === 'team' ? this.teams.get(childId)!.name : childId;
        return { resolved: this.resolve({ kind, id: childId, key }), name };
      })
      .filter((c) => c.resolved.serviceIds.length > 0);
  }

  /** The departments that hold a service, each resolved, in the tree's order. */
  departmentsWithServices(): { resolved: ResolvedScope; name: string }[] {
    return this.children({ kind: 'org', key: 'org' });
  }

  /** Every scope `GET /api/v1/org` shows, with its services: the organisation, departments, teams, services. */
  scopes(): ScopeServiceIds[] {
    return [
      { kind: 'org', key: 'org', serviceIds: this.services.map((s) => s.id) },
      ...this.tree.departments.map((d) => ({
        kind: 'department' as const,
        key: `department:${d.id}`,
        serviceIds: this.ids(servicesInScope(this.tree, 'department', d.id)),
      })),
      ...this.tree.teams.map((t) => ({ kind: 'team' as const, key: `team:${t.id}`, serviceIds: this.ids(t.services) })),
      ...this.services.map((s) => ({ kind: 'service' as const, key: `service:${s.name}`, serviceIds: [s.id] })),
    ];
  }

  /** Every scope the named services (as stored) belong to, from each up to `org`: the rooms to tell when they change. */
  roomsOf(names: readonly string[]): string[] {
    const out = new Set<string>();
    for (const name of names) {
      const s = this.byName.get(name);
      const team = s && this.teams.get(s.teamId);
      if (!s || !team) continue;
      out.add('org');
      out.add(`service:${s.name}`);
      out.add(`team:${s.teamId}`);
      out.add(`department:${team.departmentId}`);
    }
    return [...out];
  }

  /** The `evidence` setting's start of each service it names (the earliest, where several do), worked out once per snapshot. */
  configuredStarts(settings: EvidenceSettings | undefined): ReadonlyMap<number, number> {
    if (!settings || settings.incidents.length === 0) return OrgSnapshot.noStarts;
    let out = this.starts.get(settings);
    if (!out) this.starts.set(settings, (out = configuredStarts(this.services, settings)));
    return out;
  }
}

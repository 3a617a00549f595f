/**
 * Scopes (`org`, `department:<id>`, `team:<id>`, `service:<name>`) and the page paths that
 * show them: `/org`, `/department/<id>`, `/team/<id>`, `/service/<owner>/<name>`. (`/` is the
 * executive summary, which is no scope page.)
 */
import type { OrgResponse } from '../../common/api';
import { childScopeKeys, servicesInScope } from '../../common/org-tree';

export type ScopeKind = 'org' | 'department' | 'team' | 'service';
export interface ScopeRef {
  key: string;
  kind: ScopeKind;
  id: string;
  label: string;
}

const KINDS: readonly ScopeKind[] = ['department', 'team', 'service'];

/** Splits a scope key; `null` for anything that is not one. */
export function parseScopeKey(key: string): { kind: ScopeKind; id: string } | null {
  if (key === 'org') return { kind: 'org', id: '' };
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon) as ScopeKind;
  const id = key.slice(colon + 1);
  return colon > 0 && KINDS.includes(kind) && id !== '' ? { kind, id } : null;
}

/** The page path of a scope, each segment encoded (a service name keeps its slash). */
export function pathForScope(key: string): string {
  const parsed = parseScopeKey(key);
  if (!parsed || parsed.kind === 'org') return '/org';
  const segments = parsed.kind === 'service' ? parsed.id.split('/') : [parsed.id];
  return `/${parsed.kind}/${segments.map(encodeURIComponent).join('/')}`;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The scope a path names, or `null` when it names none. `/org` is the organisation; so is an
 * empty path (`/loops` alone is the organisation's loops), though the page at `/` itself is
 * the executive summary.
 */
export function scopeFromPath(pathname: string): string | null {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'org')) return 'org';
  const [kind, ...rest] = segments;
  const decoded = rest.map(decode);
  if (decoded.length === 0 || decoded.some((s) => s === null)) return null;
  if (kind === 'service') return `service:${decoded.join('/')}`;
  if ((kind === 'department' || kind === 'team') && decoded.length === 1) return `${kind}:${decoded[0]}`;
  return null;
}

const KIND_LABELS: Record<ScopeKind, string> = { org: 'Organisation', department: 'Department', team: 'Team', service: 'Service' };

/** "Department", "Team", ... */
export function kindLabel(kind: ScopeKind): string {
  return KIND_LABELS[kind];
}

/** The scope with its display name, or `null` when the organisation has no such department, team or service. */
export function describeScope(org: OrgResponse, key: string): ScopeRef | null {
  const parsed = parseScopeKey(key);
  if (!parsed) return null;
  const { kind, id } = parsed;
  if (kind === 'org') return { key, kind, id, label: 'Whole organisation' };
  if (kind === 'department') {
    const d = org.departments.find((x) => x.id === id);
    return d ? { key, kind, id, label: d.name } : null;
  }
  if (kind === 'team') {
    const t = org.teams.find((x) => x.id === id);
    return t ? { key, kind, id, label: t.name } : null;
  }
  return org.services.some((s) => s.name === id) ? { key, kind, id, label: id } : null;
}

/** The scope's name inside a sentence: "the organisation", "Appointments". */
export function nameInSentence(scope: Pick<ScopeRef, 'kind' | 'label'>): string {
  return scope.kind === 'org' ? 'the organisation' : scope.label;
}

/** From the organisation down to the scope itself. */
export function breadcrumbs(org: OrgResponse, key: string): ScopeRef[] {
  const parsed = parseScopeKey(key);
  const root = describeScope(org, 'org');
  if (!parsed || !root) return [];
  let teamId: string | undefined;
  let departmentId: string | undefined;
  if (parsed.kind === 'service') teamId = org.services.find((s) => s.name === parsed.id)?.teamId;
  if (parsed.kind === 'team') teamId = parsed.id;
  if (teamId !== undefined) departmentId = org.teams.find((t) => t.id === teamId)?.departmentId;
  if (parsed.kind === 'department') departmentId = parsed.id;
  const chain = [
    root,
    departmentId !== undefined ? describeScope(org, `department:${departmentId}`) : null,
    teamId !== undefined && parsed.kind !== 'team' ? describeScope(org, `team:${teamId}`) : null,
    parsed.kind === 'team' || parsed.kind === 'service' ? describeScope(org, key) : null,
  ];
  return chain.filter((s): s is ScopeRef => s !== null);
}

/** The scopes one level down: departments of the org, teams of a department, services of a team (as the server counts them, common/org-tree.ts). */
export function childScopes(org: OrgResponse, key: string): ScopeRef[] {
  const parsed = parseScopeKey(key);
  if (!parsed) return [];
  return childScopeKeys(org, parsed.kind, parsed.id)
    .map((k) => describeScope(org, k))
    .filter((s): s is ScopeRef => s !== null);
}

/** The names of the services in a scope, to tell which live events belong to it (as the server resolves it, common/org-tree.ts). */
export function servicesOfScope(org: OrgResponse, key: string): Set<string> {
  const parsed = parseScopeKey(key);
  return parsed ? new Set(servicesInScope(org, parsed.kind, parsed.id)) : new Set();
}

/**
 * The places the scope picker offers (the executive summary, the organisation, every department,
 * team and service) and the search over them: type part of a name, get the best matches first.
 * Built once per organisation; a search is a pass over the list, fast enough for 2,000 services.
 */
import type { OrgResponse } from '../../common/api';

/** `/` is the executive summary, which is no scope but is one of the places to go. */
export const SUMMARY = 'summary';

export type PlaceKind = 'summary' | 'org' | 'department' | 'team' | 'service';

export interface Place {
  /** A scope key, or {@link SUMMARY}. */
  key: string;
  kind: PlaceKind;
  name: string;
  /** Where it sits: a team's department, a service's team and department. */
  context: string | null;
  /** The name and context folded for matching. */
  folded: string;
  foldedName: string;
}

/** Case, accents and Unicode forms do not matter to a search. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const place = (key: string, kind: PlaceKind, name: string, context: string | null): Place => ({
  key,
  kind,
  name,
  context,
  foldedName: fold(name),
  folded: fold(context ? `${name} ${context}` : name),
});

/** Every place, in the order of the tree: summary, organisation, departments, teams, services. */
export function placesOf(org: OrgResponse): Place[] {
  const departments = new Map(org.departments.map((d) => [d.id, d.name]));
  const teams = new Map(org.teams.map((t) => [t.id, t]));
  return [
    place(SUMMARY, 'summary', 'Executive summary', 'all departments'),
    place('org', 'org', 'Whole organisation', null),
    ...org.departments.map((d) => place(`department:${d.id}`, 'department', d.name, null)),
    ...org.teams.map((t) => place(`team:${t.id}`, 'team', t.name, departments.get(t.departmentId) ?? null)),
    ...org.services.map((s) => {
      const t = teams.get(s.teamId);
      return place(
        `service:${s.name}`,
        'service',
        s.name,
        t ? `${t.name}, ${departments.get(t.departmentId) ?? ''}`.replace(/, $/, '') : null,
      );
    }),
  ];
}

/** How well a place matches: 0 its name starts with the query, 1 a word of its name does, 2 its name holds it, 3 its context does; null: no match. */
function rank(p: Place, q: string): number | null {
  if (p.foldedName.startsWith(q)) return 0;
  const at = p.foldedName.indexOf(q);
  if (at > 0 && /[^\p{L}\p{N}]/u.test(p.foldedName[at - 1])) return 1;
  if (at > 0) return 2;
  return p.folded.includes(q) ? 3 : null;
}

/**
 * The places matching `query` (every word of it, in any order), best first, then in the tree's
 * order; at most `limit`, with how many matched in all. An empty query lists the tree from the top.
 */
export function searchPlaces(places: readonly Place[], query: string, limit: number): { matches: Place[]; total: number } {
  const words = fold(query)
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return { matches: places.slice(0, limit), total: places.length };
  const found: { p: Place; r: number; i: number }[] = [];
  places.forEach((p, i) => {
    let best = Infinity;
    for (const w of words) {
      const r = rank(p, w);
      if (r === null) return;
      best = Math.min(best, r);
    }
    found.push({ p, r: best, i });
  });
  found.sort((a, b) => a.r - b.r || a.i - b.i);
  return { matches: found.slice(0, limit).map((f) => f.p), total: found.length };
}

const KIND_NAMES: Record<PlaceKind, string> = {
  summary: 'Page',
  org: 'Organisation',
  department: 'Department',
  team: 'Team',
  service: 'Service',
};

/** "Department", "Service", ... */
export function placeKindName(kind: PlaceKind): string {
  return KIND_NAMES[kind];
}

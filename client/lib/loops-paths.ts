/**
 * The paths of the loops and retro views of a scope: `/loops/team/<id>`, `/retro/team/<id>?loop=<id>`,
 * the scope part being the scope page's own path (`/loops` alone is the organisation).
 */
import { pathForScope, scopeFromPath } from './scope';

export type ScopeSection = 'loops' | 'retro';
const SECTIONS: readonly ScopeSection[] = ['loops', 'retro'];

/** The loops view of a scope. */
export function loopsPath(scopeKey: string): string {
  const path = pathForScope(scopeKey);
  return path === '/' ? '/loops' : `/loops${path}`;
}

/** The retro view of a scope (the loop goes in the query). */
export function retroPath(scopeKey: string): string {
  const path = pathForScope(scopeKey);
  return path === '/' ? '/retro' : `/retro${path}`;
}

/** Which section a path is in, and the scope it names; `null` for paths outside the sections or naming no scope. */
export function parseSectionPath(pathname: string): { section: ScopeSection; scope: string } | null {
  const match = /^\/(loops|retro)(\/.*)?$/.exec(pathname.replace(/\/+$/, ''));
  if (!match) return null;
  const scope = scopeFromPath(match[2] ?? '/');
  return scope === null ? null : { section: match[1] as ScopeSection, scope };
}

/** Whether a path is a retro (which has no date range of its own: the loop's days are its range). */
export function isRetroPath(pathname: string): boolean {
  return pathname === '/retro' || pathname.startsWith('/retro/');
}

/** Whether a path is one of this module's sections (even with an unknown scope). */
export function isSectionPath(pathname: string): boolean {
  return SECTIONS.some((s) => pathname === `/${s}` || pathname.startsWith(`/${s}/`));
}

/**
 * The query of a retro link: the loop, and its own days as the range (`to` is its last day,
 * included, as everywhere in the dashboard; the API's `to` is exclusive).
 */
export function retroSearch(loop: { id: string; from: string; to: string }): string {
  const from = loop.from.slice(0, 10);
  const lastDay = new Date(Date.parse(loop.to) - 1).toISOString().slice(0, 10);
  return `?${new URLSearchParams({ from, to: lastDay, loop: loop.id }).toString()}`;
}

/** A query without its `loop`: a loop picked on one scope or view means nothing on another. */
export function withoutLoop(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('loop');
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

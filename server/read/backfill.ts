/**
 * How far back a scope's collected history goes while a first backfill is still reading older
 * history (the GitHub and GitLab collectors read every repository's recent months first), from
 * the collectors' cursors: a resource with older history left keeps `older.reached`, the time
 * down to which it has stored everything. A scope's history goes back to the latest of its
 * sources' reached times, and a baseline that starts before that is provisional.
 */
import { z } from 'zod';
import type { Backfill, Baseline } from '../../common/api';
import type { Store } from '../../db/store';

/** The collectors whose cursors say how far back a backfill has reached. */
const BACKFILLING = ['github', 'gitlab'] as const;

const withOlder = z.object({ older: z.object({ reached: z.string() }) });

/** Per source (`github:acme/web`), the time down to which its history is stored, for those still backfilling. */
export async function backfillingSources(store: Pick<Store, 'listCursors'>): Promise<Map<string, { collector: string; reached: number }>> {
  const out = new Map<string, { collector: string; reached: number }>();
  for (const collector of BACKFILLING) {
    for (const row of await store.listCursors(collector)) {
      let state: unknown;
      try {
        state = JSON.parse(row.cursor);
      } catch {
        continue;
      }
      const parsed = withOlder.safeParse(state);
      const reached = parsed.success ? Date.parse(parsed.data.older.reached) : NaN;
      if (!Number.isFinite(reached)) continue;
      // `acme/web:pulls`: the repository (or project path) is all before the resource's name.
      const repo = row.resource.slice(0, row.resource.lastIndexOf(':'));
      const key = `${collector}:${repo.toLowerCase()}`;
      const seen = out.get(key);
      // A source's history goes back as far as its least advanced resource.
      if (!seen || reached > seen.reached) out.set(key, { collector, reached });
    }
  }
  return out;
}

/**
 * The backfill under way for a scope's services, or null when none is (or the scope has no
 * service collected by a backfilling collector).
 */
export async function backfillOf(
  store: Pick<Store, 'listCursors' | 'readOrganisation'>,
  serviceIds: readonly number[],
): Promise<Backfill | null> {
  const sources = await backfillingSources(store);
  if (sources.size === 0) return null;
  const ids = new Set(serviceIds);
  const names = new Set((await store.readOrganisation()).services.filter((s) => ids.has(s.id)).map((s) => s.name.toLowerCase()));
  const mine = [...sources.entries()]
    .filter(([key]) => names.has(key.slice(key.indexOf(':') + 1)))
    .map(([key, s]) => ({ source: key, reachedFrom: new Date(s.reached).toISOString() }))
    .sort((a, b) => a.source.localeCompare(b.source));
  if (mine.length === 0) return null;
  const latest = mine.reduce((a, b) => (Date.parse(b.reachedFrom) > Date.parse(a.reachedFrom) ? b : a));
  return { running: true, reachedFrom: latest.reachedFrom, sources: mine };
}

/**
 * Whether a baseline may still change as the backfill reads older history: the default one
 * (the scope's first 90 days of data) always may; a configured one while the history has not
 * reached its start.
 */
export function baselineProvisional(baseline: Pick<Baseline, 'from' | 'configured'>, backfill: Backfill | null): boolean {
  if (!backfill) return false;
  return !baseline.configured || Date.parse(backfill.reachedFrom) > Date.parse(baseline.from);
}

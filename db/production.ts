/**
 * What counts as production, worked out again for the deployments already stored when the
 * configured pattern changed (DESIGN.md, "production": changing the pattern re-evaluates stored
 * deployments). Run at every start: the pattern the stored flags were worked out with is kept
 * in `settings`, so a start with the same pattern reads one row and does nothing.
 *
 * A deployment whose source declared it (`declared_production`) keeps what its source said; the
 * others take what the pattern says of their environment. Every service with a deployment that
 * joined or left production has what its deployments shipped linked again from the earliest
 * one, in the same transaction, so the figures are those a fresh ingest under the new pattern
 * would give.
 */
import type { Db } from './connection';
import { recordServicesChanged, servicesChanged } from './change-feed';
import { relinkService } from './linking';
import { deleteShippedBy } from './queries/deployments';
import { prepared } from './prepared';
import { getSetting, putSetting } from './queries/settings';

/** The settings key of the pattern the stored flags follow. */
export const PRODUCTION_SETTING = 'production_pattern';

/** What a re-evaluation did. */
export interface ProductionReevaluation {
  /** The pattern now, and the one the stored flags followed before (null: not recorded, a database from before). */
  pattern: string;
  previous: string | null;
  /** Deployments that joined or left production, and the services linked again. */
  changed: number;
  services: number;
}

/** A pattern as it is recorded: `/source/flags`. */
export const patternText = (production: RegExp) => `/${production.source}/${production.flags}`;

/** Re-evaluates the stored deployments under `production` when it is not the pattern they follow. */
export function reevaluateProduction(db: Db, production: RegExp): ProductionReevaluation {
  const pattern = patternText(production);
  const previous = getSetting(db, PRODUCTION_SETTING) ?? null;
  if (previous === pattern) return { pattern, previous, changed: 0, services: 0 };
  const touched = new Map<number, number>();
  let changed = 0;
  db.transaction(() => {
    // The distinct environments are few: the pattern is tested on each once, in JavaScript (its
    // flavour of regular expressions is the one configured), and the rows are updated by name.
    const environments = prepared<[], string>(db, 'SELECT DISTINCT environment FROM deployments WHERE declared_production IS NULL')
      .pluck()
      .all();
    const matching = JSON.stringify(environments.filter((e) => production.test(e)));
    const moved = prepared<[{ matching: string }], { id: number; serviceId: number; finishedAt: number | null; wasProduction: number }>(
      db,
      `
      SELECT id, service_id AS serviceId, finished_at AS finishedAt, is_production AS wasProduction FROM deployments
      WHERE declared_production IS NULL AND status = 'success'
        AND is_production <> (environment IN (SELECT value FROM json_each(@matching)))`,
    ).all({ matching });
    // One that leaves production no longer ships anything; the re-link below does the rest.
    for (const d of moved) {
      if (d.wasProduction === 1) deleteShippedBy(db, d.id);
      const from = d.finishedAt ?? Number.MIN_SAFE_INTEGER;
      touched.set(d.serviceId, Math.min(touched.get(d.serviceId) ?? Infinity, from));
    }
    changed = prepared<[{ matching: string }]>(
      db,
      `UPDATE deployments SET is_production = (environment IN (SELECT value FROM json_each(@matching)))
      WHERE declared_production IS NULL AND is_production <> (environment IN (SELECT value FROM json_each(@matching)))`,
    ).run({ matching }).changes;
    for (const [serviceId, from] of touched) relinkService(db, serviceId, from);
    recordServicesChanged(db, touched.keys());
    putSetting(db, PRODUCTION_SETTING, pattern);
  }).immediate();
  servicesChanged(db, touched.keys());
  return { pattern, previous, changed, services: touched.size };
}

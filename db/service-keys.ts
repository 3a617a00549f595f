/**
 * What migration 009 (services matched by key) leaves to code: services it merged (the same
 * name in another case or Unicode form) have what their deployments shipped worked out again,
 * since the linking walk is not SQL. Run at every open; it finds nothing to do once done, and
 * one interrupted is finished at the next open.
 */
import type { Db } from './connection';
import { relinkService } from './linking';
import { recordServicesChanged } from './change-feed';

/** Links the commits of every merged service again; returns how many services it did. */
export function relinkMergedServices(db: Db): number {
  const ids = db.prepare('SELECT service_id FROM services_to_relink').pluck().all() as number[];
  if (ids.length === 0) return 0;
  db.transaction(() => {
    for (const id of ids) relinkService(db, id, Number.MIN_SAFE_INTEGER);
    recordServicesChanged(db, ids);
    db.prepare('DELETE FROM services_to_relink').run();
  }).immediate();
  return ids.length;
}

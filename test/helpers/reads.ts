/**
 * The read state of a test database, made once per connection as the server makes one per
 * context: the organisation tree, fact index and answer cache over the store's reads.
 */
import type { Db } from '../../db/connection';
import { sqliteReads } from '../../db/reads';
import { createReadState, type ReadState } from '../../server/read/state';
import { parseScope, type ResolvedScope, type Scope } from '../../server/scope';
import { readMetrics, type MetricsOptions } from '../../server/metrics/read';
import type { MetricsResponse } from '../../common/api';

const states = new WeakMap<Db, ReadState>();

export function readsOf(db: Db): ReadState {
  let s = states.get(db);
  if (!s) states.set(db, (s = createReadState(sqliteReads(db))));
  return s;
}

/** The services of a scope (a key such as `team:t1`, or a parsed scope). */
export function resolveIn(db: Db, scope: string | Scope): Promise<ResolvedScope> {
  return readsOf(db).org.resolve(typeof scope === 'string' ? parseScope(scope) : scope);
}

/** `GET /api/v1/metrics` of a scope, as the server computes it (fact index, answer cache). */
export async function metricsIn(
  db: Db,
  scope: string | Scope,
  from: number,
  to: number,
  opts: MetricsOptions = { tz: 'UTC' },
): Promise<MetricsResponse> {
  return readMetrics(readsOf(db), await resolveIn(db, scope), from, to, opts);
}

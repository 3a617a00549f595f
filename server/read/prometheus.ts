/** The five metrics of every scope `GET /api/v1/org` shows over one window, from the fact index, for `GET /metrics`. */
import type { FiveMetrics } from '../../common/api';
import { indexedFiveMetrics } from '../metrics/indexed';
import type { Window } from '../metrics/assemble';
import type { ScopeServiceIds } from '../org';
import type { ReadContext } from './context';

export async function prometheusFigures(ctx: ReadContext, w: Window): Promise<{ scope: ScopeServiceIds; metrics: FiveMetrics }[]> {
  const { reads } = ctx;
  const scopes = (await reads.org.current()).scopes();
  const configured = await reads.configuredStarts(ctx.config.evidence);
  // Every service once (the organisation holds them all), then each scope from those.
  const all = scopes[0].serviceIds;
  const facts = await reads.facts.all(all);
  const byId = new Map(all.map((id, i) => [id, facts[i]]));
  return scopes.map((scope) => ({
    scope,
    metrics: indexedFiveMetrics(
      reads.workspace,
      scope.serviceIds.map((id) => byId.get(id)!),
      w,
      configured,
    ),
  }));
}

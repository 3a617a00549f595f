/**
 * Fills gaps in the commit graph between consecutive successful production deployments
 * (DESIGN.md, "Linking commits to deployments"), for any code host: Deming walks the graph it
 * has from each deployment back to the one before; only when the walk meets a commit whose
 * parents it does not know does it ask the host for the commits between the two, once per deployment.
 */
import type { NativeEventInput } from '../../common/events';
import type { CollectorContext } from '../types';

export interface GapFill {
  ctx: CollectorContext;
  service: string;
  /** Deployments that finished at or before this (epoch ms) were done by an earlier run. */
  through: number;
  /** The commits in `head` that are not in `base`, as changes (none when the host no longer has either). */
  between: (base: string, head: string) => Promise<NativeEventInput[]>;
  /** Stores a batch with the cursor saying deployments through `through` are done. */
  commit: (events: NativeEventInput[], through: number) => Promise<void>;
}

/** Fills the gaps behind each production deployment of the service after `through`, oldest first. */
export async function fillGraphGaps(o: GapFill): Promise<void> {
  const { ctx } = o;
  const service = await ctx.store.findService(o.service);
  if (!service) return;
  const deployments = await ctx.store.productionDeploymentsFrom(service.id, 0);
  let last = o.through;
  for (let i = 1; i < deployments.length; i++) {
    const [prev, cur] = [deployments[i - 1], deployments[i]];
    if (cur.finishedAt === null || cur.finishedAt <= o.through) continue;
    last = cur.finishedAt;
    if (!prev.sha || !cur.sha || prev.sha === cur.sha || cur.commits) continue;
    // The walk over the known graph, with its limit, is the store's (db/linking.ts hasCommitGap).
    if (!(await ctx.store.hasCommitGap(service.id, cur.sha, prev.sha, cur.finishedAt))) continue;
    await o.commit(await o.between(prev.sha, cur.sha), last);
    ctx.signal?.throwIfAborted();
  }
  if (last !== o.through) await o.commit([], last);
}

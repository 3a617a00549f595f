/**
 * Links commits to the successful production deployment that first shipped them
 * (DESIGN.md, "Linking commits to deployments"). A deployment ships its listed `commits`, or
 * else its sha and every ancestor reachable through known parents, less what an earlier
 * deployment of the same service shipped. Re-linking starts at a point in time, so the cost
 * of live ingestion grows with the new commits only, and a late arrival re-links only what
 * follows it.
 */
import type { Db } from './connection';
import { deleteShippedFrom, getShippedAt, insertShipped, insertShippedListed, listProductionDeploymentsFrom } from './queries/deployments';
import { listParents } from './queries/changes';

/** Re-computes what every successful production deployment of a service from `from` on shipped. */
export function relinkService(db: Db, serviceId: number, from: number): void {
  deleteShippedFrom(db, serviceId, from);
  // In shipping order: each deployment ships only what the ones before it did not.
  for (const d of listProductionDeploymentsFrom(db, serviceId, from)) {
    if (d.commits) insertShippedListed(db, serviceId, d.commits, d.id);
    else if (d.sha) walk(db, serviceId, d.sha, d.id);
  }
}

/**
 * Walks from a head commit through its known parents, stopping at commits already shipped.
 * Two statements a commit: the insert that is ignored when the commit was shipped already
 * says whether to go on (a recursive CTE doing the same walk in SQL measured slower).
 */
function walk(db: Db, serviceId: number, head: string, deploymentId: number): void {
  const stack = [head];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (!insertShipped(db, serviceId, sha, deploymentId)) continue;
    for (const p of listParents(db, serviceId, sha)) stack.push(p);
  }
}

/** Beyond this many commits the gap search stops and says there is one (the compare API is then asked). */
const GAP_WALK_LIMIT = 5000;

/**
 * Whether the known graph from `head` back to what deployments before `finishedAt` shipped (or
 * to `base`) has a commit with unknown parents: a gap the GitHub collector's compare step fills.
 */
export function hasCommitGap(db: Db, serviceId: number, head: string, base: string, finishedAt: number): boolean {
  const seen = new Set<string>();
  const stack = [head];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (sha === base || seen.has(sha)) continue;
    seen.add(sha);
    if (seen.size > GAP_WALK_LIMIT) return true;
    const shippedAt = getShippedAt(db, serviceId, sha);
    if (shippedAt !== undefined && shippedAt < finishedAt) continue;
    const parents = listParents(db, serviceId, sha);
    if (parents.length === 0) return true;
    stack.push(...parents);
  }
  return false;
}

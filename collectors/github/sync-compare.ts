/**
 * Fills gaps in the commit graph between consecutive successful production deployments with
 * the compare API (DESIGN.md, "Linking commits to deployments"). Deming walks the graph it has
 * from each deployment back to the one before; only when the walk meets a commit whose parents
 * it does not know does it ask GitHub, once per deployment.
 */
import { z } from 'zod';
import type { Db } from '../../db/connection';
import { listParents } from '../../db/queries/changes';
import { getShippedAt, listProductionDeploymentsFrom } from '../../db/queries/deployments';
import { findService } from '../../db/queries/org';
import { adaptCommit, commitFromRest } from './adapt-commit';
import { statusOf, type GithubClient } from './client';
import { cursorRow, readCursor } from './cursors';
import { comparePayload } from './payloads';
import { commit, resourceOf, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const compareCursor = z.object({ through: z.number() });
/** Beyond this many commits the walk stops and asks GitHub instead. */
const WALK_LIMIT = 5000;

/**
 * Whether the known graph from `head` back to what earlier deployments shipped (or to `base`)
 * has a commit with unknown parents.
 */
export function hasGap(db: Db, serviceId: number, head: string, base: string, finishedAt: number): boolean {
  const seen = new Set<string>();
  const stack = [head];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (sha === base || seen.has(sha)) continue;
    seen.add(sha);
    if (seen.size > WALK_LIMIT) return true;
    const shippedAt = getShippedAt(db, serviceId, sha);
    if (shippedAt !== undefined && shippedAt < finishedAt) continue;
    const parents = listParents(db, serviceId, sha);
    if (parents.length === 0) return true;
    stack.push(...parents);
  }
  return false;
}

/** The commits in `head` that are not in `base`, as changes; none when GitHub no longer has either. */
export async function compareCommits(client: GithubClient, repo: RepoInfo, base: string, head: string): Promise<NativeEventInput[]> {
  const events: NativeEventInput[] = [];
  try {
    const pages = client.octokit.paginate.iterator('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: repo.owner, repo: repo.name, basehead: `${base}...${head}`, per_page: 100,
    });
    for await (const page of pages) {
      for (const c of comparePayload.parse(page.data).commits) events.push(adaptCommit(repo, commitFromRest(c)));
    }
  } catch (e) {
    if (statusOf(e) === 404 || statusOf(e) === 422) return [];
    throw e;
  }
  return events;
}

/** Fills the gaps behind each production deployment since the cursor, oldest first. */
export async function syncCompare(sync: RepoSync): Promise<void> {
  const { ctx, repo } = sync;
  const service = findService(ctx.db, repo.fullName);
  if (!service) return;
  const resource = resourceOf(sync, 'compare');
  const saved = readCursor(ctx.db, resource, compareCursor);
  const through = sync.rewind ? sync.horizon - 1 : saved.state?.through ?? -1;
  const deployments = listProductionDeploymentsFrom(ctx.db, service.id, 0);
  let last = through;
  for (let i = 1; i < deployments.length; i++) {
    const [prev, cur] = [deployments[i - 1], deployments[i]];
    if (cur.finishedAt === null || cur.finishedAt <= through) continue;
    last = cur.finishedAt;
    if (!prev.sha || !cur.sha || prev.sha === cur.sha || cur.commits) continue;
    if (!hasGap(ctx.db, service.id, cur.sha, prev.sha, cur.finishedAt)) continue;
    const events = await compareCommits(sync.client, repo, prev.sha, cur.sha);
    await commit(sync, 'compare', events, [cursorRow(resource, { through: last }, null)]);
    ctx.signal?.throwIfAborted();
  }
  if (last !== (saved.state?.through ?? -1)) await commit(sync, 'compare', [], [cursorRow(resource, { through: last }, null)]);
}

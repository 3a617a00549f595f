/**
 * Fills gaps in the commit graph between consecutive successful production deployments with
 * the compare API (DESIGN.md, "Linking commits to deployments"). Deming walks the graph it has
 * from each deployment back to the one before; only when the walk meets a commit whose parents
 * it does not know does it ask GitHub, once per deployment.
 */
import { z } from 'zod';
import { fillGraphGaps } from '../shared/graph-gaps';
import { adaptCommit, commitFromRest } from './adapt-commit';
import { statusOf, type GithubClient } from './client';
import { cursorRow, readCursor } from './cursors';
import { comparePayload } from './payloads';
import { commit, resourceOf, type RepoInfo, type RepoSync } from './repo-sync';
import type { NativeEventInput } from '../../common/events';

const compareCursor = z.object({ through: z.number() });

/** The commits in `head` that are not in `base`, as changes; none when GitHub no longer has either. */
export async function compareCommits(client: GithubClient, repo: RepoInfo, base: string, head: string): Promise<NativeEventInput[]> {
  const events: NativeEventInput[] = [];
  try {
    const pages = client.octokit.paginate.iterator('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: repo.owner,
      repo: repo.name,
      basehead: `${base}...${head}`,
      per_page: 100,
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
  const resource = resourceOf(sync, 'compare');
  const saved = await readCursor(sync.ctx.store, resource, compareCursor);
  await fillGraphGaps({
    ctx: sync.ctx,
    service: sync.repo.fullName,
    through: sync.rewind ? sync.horizon - 1 : (saved.state?.through ?? -1),
    between: (base, head) => compareCommits(sync.client, sync.repo, base, head),
    commit: (events, through) => commit(sync, 'compare', events, [cursorRow(resource, { through }, null)]),
  });
}

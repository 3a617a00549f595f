/**
 * Merged pull requests with their commits, merge commit and the issues they close: a page of
 * 100 per GraphQL request, newest updated first down to the watermark, when the REST probe of
 * the closed list (one conditional request, 304 when nothing changed) says something did.
 */
import { adaptPullRequest } from './adapt-pull-request';
import { readCursor, watermarkCursor } from './cursors';
import { fetchPullRequestsPage, type FetchedPullRequest } from './graphql';
import { newestFirstPass, olderPass, olderState, passState } from './graphql-pass';
import { resourceOf, type RepoSync } from './repo-sync';

const pullsCursor = watermarkCursor.extend({ pass: passState.nullish(), older: olderState.nullish() });

const updatedAt = (f: FetchedPullRequest) => f.pr.updatedAt ?? f.pr.mergedAt ?? f.pr.createdAt;

/** The pass's parts both stages share: the resource, its saved cursor, the GraphQL page and what is stored of it. */
async function pullsPass(sync: RepoSync) {
  const { repo } = sync;
  const saved = await readCursor(sync.ctx.store, resourceOf(sync, 'pulls'), pullsCursor);
  return {
    sync,
    name: 'pulls',
    saved: { watermark: saved.state?.watermark ?? null, pass: saved.state?.pass, etag: saved.etag, older: saved.state?.older },
    page: (after: string | null) => fetchPullRequestsPage(sync.client, repo.owner, repo.name, after),
    timeOf: updatedAt,
    adapt: (items: FetchedPullRequest[]) =>
      items
        .filter((f) => f.pr.mergedAt && Date.parse(f.pr.mergedAt) >= sync.horizon)
        .flatMap((f) => adaptPullRequest(repo, f.pr, f.moreCommits)),
  };
}

/** Reads the pull requests merged or changed since the watermark (on a first backfill, the recent months). */
export async function syncPulls(sync: RepoSync): Promise<void> {
  const { repo } = sync;
  await newestFirstPass({
    ...(await pullsPass(sync)),
    probe: {
      route: 'GET /repos/{owner}/{repo}/pulls',
      params: { owner: repo.owner, repo: repo.name, state: 'closed', sort: 'updated', direction: 'desc' },
    },
  });
}

/** Reads the pull requests older than the first backfill's recent stage; answers whether there were any to read. */
export async function syncOlderPulls(sync: RepoSync): Promise<boolean> {
  return olderPass(await pullsPass(sync));
}

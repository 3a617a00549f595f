/**
 * Merged pull requests with their commits, merge commit and the issues they close: a page of
 * 100 per GraphQL request, newest updated first down to the watermark, when the REST probe of
 * the closed list (one conditional request, 304 when nothing changed) says something did.
 */
import { adaptPullRequest } from './adapt-pull-request';
import { readCursor, watermarkCursor } from './cursors';
import { fetchPullRequestsPage, type FetchedPullRequest } from './graphql';
import { newestFirstPass, passState } from './graphql-pass';
import { resourceOf, type RepoSync } from './repo-sync';

const pullsCursor = watermarkCursor.extend({ pass: passState.nullish() });

const updatedAt = (f: FetchedPullRequest) => f.pr.updatedAt ?? f.pr.mergedAt ?? f.pr.createdAt;

/** Reads the pull requests merged or changed since the watermark. */
export async function syncPulls(sync: RepoSync): Promise<void> {
  const { repo } = sync;
  const saved = await readCursor(sync.ctx.store, resourceOf(sync, 'pulls'), pullsCursor);
  await newestFirstPass({
    sync,
    name: 'pulls',
    saved: { watermark: saved.state?.watermark ?? null, pass: saved.state?.pass, etag: saved.etag },
    probe: {
      route: 'GET /repos/{owner}/{repo}/pulls',
      params: { owner: repo.owner, repo: repo.name, state: 'closed', sort: 'updated', direction: 'desc' },
    },
    page: (after) => fetchPullRequestsPage(sync.client, repo.owner, repo.name, after),
    timeOf: updatedAt,
    adapt: (items) =>
      items
        .filter((f) => f.pr.mergedAt && Date.parse(f.pr.mergedAt) >= sync.horizon)
        .flatMap((f) => adaptPullRequest(repo, f.pr, f.moreCommits)),
  });
}

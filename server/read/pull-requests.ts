/**
 * The changes list by pull request (`groupBy=pullRequest`): the commits a pull request shipped in
 * the window as one item, its lead time from its first commit to the deployment that completed it.
 */
import type { PullRequestChangeItem, PullRequestChangesResponse } from '../../common/api';
import type { ChangePullRequestRow } from '../../db/reads';
import { indexedChanges, type ChangeOrder } from '../metrics/indexed';
import { iso, type ReadContext, type Table } from './context';
import { changeColumns, changeItem } from './lists';
import type { ScopedWindow } from './query';

/** A pull request's changes in the window, or one change without a pull request. */
export interface PullRequestGroup {
  /** The (change id, deployment id) of its latest commit, deployed last: its links and stages stand for the group. */
  head: [changeId: number, deploymentId: number];
  start: number;
  /** Which time `start` is (ChangePullRequestRow). */
  startFrom: ChangePullRequestRow['startFrom'];
  deployedAt: number;
  commits: number;
  /** Its pull request's id, or the change's (negated), for a stable order among equals. */
  id: number;
}

/**
 * Groups the window's changes (each with the deployment that first shipped it) by pull request. A
 * pull request starts at its first commit (as its source gave it, else its earliest); it is deployed
 * when the last of its commits in the window was. Sorted by `order` (ties by pull request, then
 * change), at most `limit`.
 */
export function groupByPullRequest(rows: readonly ChangePullRequestRow[], order: ChangeOrder, limit: number): PullRequestGroup[] {
  const groups = new Map<number, PullRequestGroup & { headCommittedAt: number }>();
  for (const r of rows) {
    const id = r.pullRequestId ?? -r.changeId;
    const g = groups.get(id);
    if (!g) {
      groups.set(id, {
        head: [r.changeId, r.deploymentId],
        start: r.start,
        startFrom: r.startFrom,
        deployedAt: r.deployedAt,
        commits: 1,
        id,
        headCommittedAt: r.committedAt,
      });
      continue;
    }
    g.commits++;
    if (r.start < g.start) {
      g.start = r.start;
      g.startFrom = r.startFrom;
    }
    if (r.deployedAt > g.deployedAt || (r.deployedAt === g.deployedAt && r.committedAt > g.headCommittedAt)) {
      g.head = [r.changeId, r.deploymentId];
      g.headCommittedAt = r.committedAt;
    }
    g.deployedAt = Math.max(g.deployedAt, r.deployedAt);
  }
  const key = (g: PullRequestGroup) => (order === 'slowest' || order === 'fastest' ? g.deployedAt - g.start : g.deployedAt);
  const sign = order === 'slowest' || order === 'newest' ? -1 : 1;
  return [...groups.values()]
    .sort((a, b) => sign * (key(a) - key(b)) || b.id - a.id)
    .slice(0, limit)
    .map(({ headCommittedAt: _h, ...g }) => g);
}

/** The CSV columns of the list by pull request: the changes list's, and how many commits. */
export const pullRequestColumns = [...changeColumns, 'commits'] as const;

/** The first `limit` pull requests whose commits first shipped in the window, in `sort` order (`groupBy=pullRequest`). */
export async function pullRequestsTable(
  ctx: ReadContext,
  q: ScopedWindow,
  sort: ChangeOrder,
  limit: number,
): Promise<Table<PullRequestChangesResponse>> {
  const { reads } = ctx;
  // Every change of the window (a pull request's place in the order depends on all its commits), read lightly;
  // the list's full rows only for the heads of the groups answered.
  const pairs = indexedChanges(
    reads.workspace,
    await reads.facts.all(q.resolved.serviceIds),
    { from: q.from, to: q.to, tz: ctx.config.tz },
    sort,
    Number.MAX_SAFE_INTEGER,
  );
  const groups = groupByPullRequest(await reads.store.readChangePullRequests(pairs), sort, limit);
  const heads = await reads.store.readChanges(groups.map((g) => g.head));
  const items: PullRequestChangeItem[] = heads.map((row, i) => {
    const g = groups[i];
    return {
      ...changeItem(row),
      committedAt: iso(g.start)!,
      leadTimeFrom: g.startFrom,
      deployedAt: iso(g.deployedAt)!,
      leadTime: (g.deployedAt - g.start) / 1000,
      commits: g.commits,
    };
  });
  return {
    body: { scope: q.resolved.scope.key, from: iso(q.from)!, to: iso(q.to)!, groupBy: 'pullRequest', items },
    rows: items as unknown as Record<string, unknown>[],
    name: 'pull-requests',
    columns: pullRequestColumns,
  };
}

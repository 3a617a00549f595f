/**
 * The changes list by pull request (`groupBy=pullRequest`): the commits a pull request shipped in
 * the window as one item, its lead time from its first commit to the deployment that completed it.
 */
import type { ChangeItem, PullRequestChangeItem, PullRequestChangesResponse } from '../../common/api';
import type { ChangeListRow } from '../../db/reads';
import { indexedChanges, type ChangeOrder } from '../metrics/indexed';
import { iso, type ReadContext, type Table } from './context';
import { changeColumns, changeItem } from './lists';
import type { ScopedWindow } from './query';

/** A pull request's changes, or one change without a pull request. */
interface Group { rows: ChangeListRow[]; start: number; deployedAt: number }

/**
 * Groups the window's changes (each with the deployment that first shipped it) by service and
 * pull request. A pull request's first commit is the one its source named (`firstCommitAt`), else
 * its earliest commit; it is deployed when the last of its commits in the window was. Sorted by
 * `order` (ties by service, then pull request or sha), at most `limit`. `toItem` makes the item of
 * the group's head commit (its latest), whose links and stages stand for the pull request.
 */
export function groupByPullRequest(rows: readonly ChangeListRow[], order: ChangeOrder, limit: number, toItem: (row: ChangeListRow) => ChangeItem): PullRequestChangeItem[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = row.prNumber === null ? `${row.service}\u0000sha\u0000${row.sha}` : `${row.service}\u0000pr\u0000${row.prNumber}`;
    const start = Math.min(row.committedAt, row.firstCommitAt ?? row.committedAt);
    const g = groups.get(key);
    if (!g) groups.set(key, { rows: [row], start, deployedAt: row.deployedAt });
    else {
      g.rows.push(row);
      g.start = Math.min(g.start, start);
      g.deployedAt = Math.max(g.deployedAt, row.deployedAt);
    }
  }
  const key = (g: Group) => (order === 'slowest' || order === 'fastest' ? g.deployedAt - g.start : g.deployedAt);
  const sign = order === 'slowest' || order === 'newest' ? -1 : 1;
  const name = (g: Group) => `${g.rows[0].service}\u0000${g.rows[0].prNumber ?? g.rows[0].sha}`;
  return [...groups.values()]
    .sort((a, b) => sign * (key(a) - key(b)) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))
    .slice(0, limit)
    .map((g) => {
      // The head: the commit deployed last, the latest of them.
      const head = g.rows.reduce((h, r) => (r.deployedAt > h.deployedAt || (r.deployedAt === h.deployedAt && r.committedAt > h.committedAt) ? r : h));
      const item = toItem(head);
      return { ...item, committedAt: new Date(g.start).toISOString(), deployedAt: new Date(g.deployedAt).toISOString(), leadTime: (g.deployedAt - g.start) / 1000, commits: g.rows.length };
    });
}

/** The CSV columns of the list by pull request: the changes list's, and how many commits. */
export const pullRequestColumns = [...changeColumns, 'commits'] as const;

/** The first `limit` pull requests whose commits first shipped in the window, in `sort` order (`groupBy=pullRequest`). */
export async function pullRequestsTable(ctx: ReadContext, q: ScopedWindow, sort: ChangeOrder, limit: number): Promise<Table<PullRequestChangesResponse>> {
  const { reads } = ctx;
  // Every change of the window: a pull request's place in the order depends on all its commits.
  const pairs = indexedChanges(reads.workspace, await reads.facts.all(q.resolved.serviceIds), { from: q.from, to: q.to, tz: ctx.config.tz }, sort, Number.MAX_SAFE_INTEGER);
  const items = groupByPullRequest(await reads.store.readChanges(pairs), sort, limit, changeItem);
  return {
    body: { scope: q.resolved.scope.key, from: iso(q.from)!, to: iso(q.to)!, groupBy: 'pullRequest', items },
    rows: items as unknown as Record<string, unknown>[], name: 'pull-requests', columns: pullRequestColumns,
  };
}

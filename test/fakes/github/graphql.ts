/**
 * The GraphQL the collector sends: pull requests by number under aliases (`prN: pullRequest(number: N)`),
 * and a pull request's further commit pages. Enough of GitHub's schema for those two, no more.
 */
import { fullName, type FakeGithub, type FakeRepo } from './scenario';

const commitNode = (r: FakeRepo, sha: string) => {
  const c = r.commits.get(sha)!;
  return { oid: c.sha, committedDate: c.committedAt, authoredDate: c.authoredAt, parents: { nodes: c.parents.map((oid) => ({ oid })) } };
};

function commitsPage(r: FakeRepo, shas: string[], after: string | null, first: number) {
  // `first` is already capped by the server's commitsPerPage.
  const start = after ? Number(Buffer.from(after, 'base64').toString().split(':')[1]) + 1 : 0;
  const size = first;
  const page = shas.slice(start, start + size);
  const end = start + page.length - 1;
  return {
    pageInfo: { hasNextPage: start + size < shas.length, endCursor: page.length ? Buffer.from(`cursor:${end}`).toString('base64') : null },
    nodes: page.map((sha) => ({ commit: commitNode(r, sha) })),
  };
}

function pullNode(r: FakeRepo, n: number, first: number) {
  const p = r.pulls.find((x) => x.number === n);
  if (!p) return null;
  return {
    number: p.number,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    mergedAt: p.mergedAt,
    url: `https://github.com/${fullName(r)}/pull/${p.number}`,
    mergeCommit: p.mergeSha ? commitNode(r, p.mergeSha) : null,
    commits: commitsPage(r, p.commits, null, first),
    closingIssuesReferences: {
      nodes: p.closingIssues.map((i) => ({ createdAt: r.issues.find((x) => x.number === i)?.createdAt ?? '2020-01-01T00:00:00Z' })),
    },
  };
}

/**
 * Answers one GraphQL request body; `commitsPerPage` caps a pull request's commit pages (GitHub: 100);
 * pull requests numbered in `missing` cannot be resolved, as when one was deleted.
 */
export function answerGraphql(gh: FakeGithub, body: string, commitsPerPage = 100, missing: number[] = []): unknown {
  const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
  const r = gh.repos.find((x) => x.owner === variables.owner && x.name === variables.name);
  if (!r)
    return {
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a Repository with the name '${variables.owner}/${variables.name}'.` }],
    };
  const first = Math.min(commitsPerPage, Number(/commits\(first:\s*(\d+)/.exec(query)?.[1] ?? 100));
  if (typeof variables.number === 'number') {
    const p = r.pulls.find((x) => x.number === variables.number);
    return {
      data: { repository: { pullRequest: p ? { commits: commitsPage(r, p.commits, (variables.after as string) ?? null, first) } : null } },
    };
  }
  const repository: Record<string, unknown> = {};
  const errors: unknown[] = [];
  for (const m of query.matchAll(/(\w+):\s*pullRequest\(number:\s*(\d+)\)/g)) {
    const n = Number(m[2]);
    repository[m[1]] = missing.includes(n) ? null : pullNode(r, n, first);
    if (repository[m[1]] === null)
      errors.push({
        type: 'NOT_FOUND',
        path: ['repository', m[1]],
        message: `Could not resolve to a PullRequest with the number of ${n}.`,
      });
  }
  return errors.length > 0 ? { data: { repository }, errors } : { data: { repository } };
}

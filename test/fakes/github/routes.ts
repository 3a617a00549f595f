/**
 * The REST and GraphQL endpoints the collector and webhooks use, answered from the scenario.
 * Each handler returns the whole (unpaginated) answer; the server pages, tags and sends it.
 */
import { commitsBetween, fullName, type FakeGithub, type FakeRepo } from './scenario';
import { commitJson, deploymentJson, issueJson, pullJson, releaseJson, repoJson, runJson, statusJson } from './rest';
import { answerGraphql, type GraphqlLimit, type GraphqlOptions } from './graphql';

export type Answer =
  | { status: number; json: unknown; list?: false; resource?: string; charged?: boolean }
  | {
      status: 200;
      list: true;
      items: unknown[];
      wrap?: (page: unknown[], total: number) => unknown;
      defaultPerPage?: number;
      resource?: string;
    }
  | { status: 200; text: string; contentType: string };

const notFound: Answer = { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
const byTimeDesc = <T>(items: T[], time: (t: T) => string, id: (t: T) => number) =>
  [...items].sort((a, b) => time(b).localeCompare(time(a)) || id(b) - id(a));

export function route(
  gh: FakeGithub,
  api: string,
  method: string,
  path: string,
  q: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  graphql: GraphqlOptions & { limit: GraphqlLimit },
): Answer {
  if (method === 'POST' && path.endsWith('/graphql')) {
    const a = answerGraphql(gh, body, graphql.limit, graphql);
    return { status: 200, json: a.json, resource: 'graphql', charged: true };
  }
  if (method !== 'GET') return notFound;
  let m = /^\/orgs\/([^/]+)\/repos$/.exec(path);
  if (m) {
    const names = gh.orgs.get(m[1].toLowerCase());
    if (!names) return notFound;
    return { status: 200, list: true, items: names.map((n) => gh.repos.find((r) => fullName(r) === n)!).map((r) => repoJson(api, r)) };
  }
  m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  const repo = m && gh.repos.find((r) => r.owner.toLowerCase() === m![1].toLowerCase() && r.name.toLowerCase() === m![2].toLowerCase());
  if (!m || !repo) return notFound;
  return repoRoute(repo, api, m[3] ?? '', q, headers);
}

function repoRoute(
  r: FakeRepo,
  api: string,
  rest: string,
  q: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
): Answer {
  if (rest === '') return { status: 200, json: repoJson(api, r) };
  if (rest === '/pulls') {
    const state = q.get('state') ?? 'open';
    const pulls = r.pulls.filter((p) => state === 'all' || (state === 'closed') === (p.closedAt !== null));
    return {
      status: 200,
      list: true,
      items: byTimeDesc(
        pulls,
        (p) => p.updatedAt,
        (p) => p.number,
      ).map((p) => pullJson(api, r, p)),
    };
  }
  if (rest === '/deployments')
    return {
      status: 200,
      list: true,
      items: byTimeDesc(
        r.deployments,
        (d) => d.createdAt,
        (d) => d.id,
      ).map((d) => deploymentJson(api, r, d)),
    };
  let m = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
  if (m) {
    const d = r.deployments.find((x) => x.id === Number(m![1]));
    if (!d) return notFound;
    return {
      status: 200,
      list: true,
      items: byTimeDesc(
        d.statuses,
        (s) => s.createdAt,
        (s) => s.id,
      ).map((s) => statusJson(api, r, d, s)),
    };
  }
  if (rest === '/releases')
    return {
      status: 200,
      list: true,
      items: byTimeDesc(
        r.releases,
        (x) => x.createdAt,
        (x) => x.id,
      ).map((x) => releaseJson(api, r, x)),
    };
  if (rest === '/actions/runs') {
    // `created=>=YYYY-MM-DD`: runs created on or after that day; `created=<=2025-03-01T12:00:00+00:00`: at or before that time.
    const created = q.get('created') ?? '';
    const since = /^>=(\d{4}-\d\d-\d\d)$/.exec(created)?.[1];
    const until = /^<=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\+00:00|Z))$/.exec(created)?.[1];
    if (created && !since && !until) return { status: 422, json: { message: `the fake does not read created=${created}` } };
    const at = until ? Date.parse(until) : 0;
    return {
      status: 200,
      list: true,
      items: byTimeDesc(
        r.runs.filter((x) => (!since || x.createdAt >= since) && (!until || Date.parse(x.createdAt) <= at)),
        (x) => x.createdAt,
        (x) => x.id,
      ).map((x) => runJson(api, r, x)),
      wrap: (page, total) => ({ total_count: total, workflow_runs: page }),
    };
  }
  if (rest === '/issues') {
    const labels = (q.get('labels') ?? '')
      .split(',')
      .filter(Boolean)
      .map((l) => l.toLowerCase());
    const state = q.get('state') ?? 'open';
    const since = q.get('since');
    const issues = r.issues.filter(
      (i) =>
        (state === 'all' || i.state === state) &&
        labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)) &&
        (!since || i.updatedAt >= since),
    );
    const sorted = byTimeDesc(
      issues,
      (i) => (q.get('sort') === 'updated' ? i.updatedAt : i.createdAt),
      (i) => i.number,
    );
    return { status: 200, list: true, items: (q.get('direction') === 'asc' ? sorted.reverse() : sorted).map((i) => issueJson(api, r, i)) };
  }
  m = /^\/commits\/(.+)$/.exec(rest);
  if (m) {
    const ref = decodeURIComponent(m[1]).replace(/^tags\//, '');
    const sha = r.releases.find((x) => x.tag === ref)?.sha ?? r.branches.get(ref) ?? (r.commits.has(ref) ? ref : undefined);
    if (!sha) return { status: 422, json: { message: `No commit found for SHA: ${ref}` } };
    if (String(headers.accept ?? '').includes('vnd.github.sha'))
      return { status: 200, text: sha, contentType: 'application/vnd.github.sha; charset=utf-8' };
    return { status: 200, json: commitJson(api, r, r.commits.get(sha)!) };
  }
  m = /^\/compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/.exec(rest);
  if (m) {
    const [base, head] = [m[1], m[2]];
    if (!r.commits.has(base) || !r.commits.has(head)) return notFound;
    const ahead = commitsBetween(r, base, head);
    const behind = commitsBetween(r, head, base);
    const status =
      ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const commits = ahead.map((c) => commitJson(api, r, c));
    return {
      status: 200,
      list: true,
      items: commits,
      defaultPerPage: 250,
      wrap: (page) => ({
        url: `${api}/repos/${fullName(r)}/compare/${base}...${head}`,
        html_url: `https://github.com/${fullName(r)}/compare/${base}...${head}`,
        base_commit: commitJson(api, r, r.commits.get(base)!),
        merge_base_commit: commitJson(api, r, r.commits.get(base)!),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: page,
        files: [],
      }),
    };
  }
  return notFound;
}

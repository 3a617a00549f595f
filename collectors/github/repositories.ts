/**
 * Which repositories to collect: those named in the configuration, and every repository of the
 * configured organisations (listed again on each run, so new ones are found), each with its
 * deployment rule; and each repository's own facts (default branch, archived), read conditionally.
 */
import { z } from 'zod';
import type { CollectorContext } from '../types';
import { isNotModified, type GithubClient } from './client';
import { deploymentSourceOf, type DeploymentSource, type GithubSettings } from './config';
import { cursorRow, readCursor } from './cursors';
import { listNewestFirst } from './listing';
import { repositoryPayload } from './payloads';
import type { RepoInfo } from './repo-sync';

/** A repository to collect and its deployment rule. */
export interface Target {
  name: string;
  source: DeploymentSource;
}

const orgCursor = z.object({ repos: z.array(z.object({ name: z.string(), archived: z.boolean() })) });
const repoCursor = z.object({ fullName: z.string(), htmlUrl: z.string(), defaultBranch: z.string().nullable(), archived: z.boolean() });

/** The repositories of an organisation, without the archived ones; one 304 when the list has not changed. */
async function listOrganisation(client: GithubClient, ctx: CollectorContext, org: string): Promise<{ names: string[]; archived: number }> {
  const resource = `org:${org.toLowerCase()}`;
  const saved = await readCursor(ctx.store, resource, orgCursor);
  let repos = saved.state?.repos;
  const list = await listNewestFirst(
    client,
    'GET /orgs/{org}/repos',
    { org, type: 'all', sort: 'created', direction: 'desc' },
    repositoryPayload,
    {
      etag: repos ? saved.etag : null,
      isOlder: () => false,
      signal: ctx.signal,
    },
  );
  if (!list.notModified || !repos) {
    if (list.notModified) throw new Error(`the list of ${org}'s repositories was not modified, but none was stored`);
    repos = list.items.map((r) => ({ name: r.full_name, archived: r.archived ?? false }));
    await ctx.ingest([], [cursorRow(resource, { repos }, list.etag)]);
  }
  return { names: repos.filter((r) => !r.archived).map((r) => r.name), archived: repos.filter((r) => r.archived).length };
}

/** The repositories to collect; an organisation that cannot be listed is reported in `errors` and skipped. */
export async function listTargets(
  client: GithubClient,
  ctx: CollectorContext,
  settings: GithubSettings,
  only: string[] | undefined,
  errors: { resource: string; message: string }[],
  describe: (e: unknown) => string,
): Promise<Target[]> {
  const names = new Map<string, string>();
  const add = (n: string) => {
    if (!names.has(n.toLowerCase())) names.set(n.toLowerCase(), n);
  };
  if (only && only.length > 0) {
    only.forEach(add);
  } else {
    settings.repositories.forEach((r) => add(r.name));
    for (const org of settings.organisations) {
      try {
        const listed = await listOrganisation(client, ctx, org);
        listed.names.forEach(add);
        if (listed.archived > 0) ctx.log(`github: ${org}: ${listed.archived} archived repositories skipped`);
      } catch (e) {
        errors.push({ resource: `org:${org}`, message: describe(e) });
      }
    }
  }
  return [...names.values()].map((name) => ({ name, source: deploymentSourceOf(settings, name) }));
}

/** The repository's facts; a conditional request, so an unchanged repository costs a 304. */
export async function fetchRepoInfo(
  client: GithubClient,
  ctx: CollectorContext,
  name: string,
  rewind: boolean,
): Promise<RepoInfo & { archived: boolean }> {
  const resource = `${name.toLowerCase()}:repo`;
  const saved = await readCursor(ctx.store, resource, repoCursor);
  const [owner, repo] = name.split('/');
  let info = saved.state;
  try {
    const headers: Record<string, string> = saved.etag && info && !rewind ? { 'if-none-match': saved.etag } : {};
    const res = await client.octokit.request('GET /repos/{owner}/{repo}', { owner, repo, headers });
    const r = repositoryPayload.parse(res.data);
    info = { fullName: r.full_name, htmlUrl: r.html_url, defaultBranch: r.default_branch ?? null, archived: r.archived ?? false };
    await ctx.ingest([], [cursorRow(resource, info, res.headers.etag ?? null)]);
  } catch (e) {
    if (!(info && isNotModified(e))) throw e;
  }
  const [fullOwner, fullName] = info.fullName.split('/');
  return { ...info, owner: fullOwner, name: fullName };
}

/** A repository as its last read stored it, without asking GitHub; null before the first. */
export async function savedRepoInfo(ctx: CollectorContext, name: string): Promise<RepoInfo | null> {
  const info = (await readCursor(ctx.store, `${name.toLowerCase()}:repo`, repoCursor)).state;
  if (!info) return null;
  const [owner, repo] = info.fullName.split('/');
  return { ...info, owner, name: repo };
}

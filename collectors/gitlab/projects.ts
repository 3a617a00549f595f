/**
 * Which projects to collect: those of the configured groups (with their subgroups, listed again
 * on each run so new ones are found) and the configured projects, less the archived ones and
 * those the include and exclude patterns leave out; and each project's identity, kept by id so a
 * renamed or moved project stays one service.
 */
import { z } from 'zod';
import type { Cursor } from '../../db/queries/cursors';
import { collectorCursorRow, parseCollectorCursor } from '../shared/cursors';
import type { CollectorContext, CollectorStore } from '../types';
import type { GitlabClient } from './client';
import { isIncluded, type GitlabSettings } from './config';
import { projectKey, type ProjectRef } from './adapt';
import { idOrPath, listAll } from './listing';
import { projectPayload, tokenPayload, versionPayload, type ProjectPayload } from './payloads';
import { GitlabHttpError, NotGitlabError } from './client';
import { TokenError } from './errors';

export const COLLECTOR = 'gitlab';

const identity = z.object({ service: z.string(), path: z.string(), aliases: z.array(z.string()).default([]) });

/**
 * The project as Deming names it: by the prefix and the path it was first collected under (its
 * cursor is keyed by id); a later path is kept as an alias. `save` is the cursor to store when it changed.
 */
export async function projectRefOf(
  store: Pick<CollectorStore, 'getCursor'>,
  settings: Pick<GitlabSettings, 'baseUrl' | 'servicePrefix'>,
  p: ProjectPayload,
): Promise<{ ref: ProjectRef; save: Cursor | null }> {
  const key = projectKey(settings.baseUrl, p.id);
  const saved = parseCollectorCursor(await store.getCursor(COLLECTOR, key), identity).state;
  const service = saved?.service ?? `${settings.servicePrefix}${p.path_with_namespace}`;
  let save: Cursor | null = null;
  if (!saved) save = collectorCursorRow(COLLECTOR, key, { service, path: p.path_with_namespace, aliases: [] }, null);
  else if (saved.path !== p.path_with_namespace) {
    const aliases = [...new Set([...saved.aliases, saved.path])].filter((a) => a !== p.path_with_namespace);
    save = collectorCursorRow(COLLECTOR, key, { service, path: p.path_with_namespace, aliases }, null);
  }
  return { ref: { id: p.id, service, webUrl: p.web_url.replace(/\/+$/, ''), key, defaultBranch: p.default_branch ?? null }, save };
}

/** Whether the project id was collected before (its identity is stored). */
export async function isKnownProject(store: Pick<CollectorStore, 'getCursor'>, baseUrl: string, projectId: number): Promise<boolean> {
  return parseCollectorCursor(await store.getCursor(COLLECTOR, projectKey(baseUrl, projectId)), identity).state !== null;
}

/**
 * Checks, before anything else, that the base URL is a GitLab API and that the token has a
 * scope that reads it (read_api or api). An instance too old to say its token's scopes is trusted.
 */
export async function checkAccess(client: GitlabClient): Promise<void> {
  // Any token may read itself, so its scopes are known before anything it cannot read is asked.
  try {
    const token = (await client.get('/personal_access_tokens/self', {}, tokenPayload)).data;
    if (token.active === false)
      throw new TokenError('the token is not active (revoked or expired): create a new token with the read_api scope.');
    if (!token.scopes.some((s) => s === 'read_api' || s === 'api')) {
      throw new TokenError(
        `the token lacks the read_api scope (it has ${token.scopes.join(', ') || 'none'}): create a personal, project or group access token with read_api, and set GITLAB_TOKEN to it.`,
      );
    }
  } catch (e) {
    if (!(e instanceof GitlabHttpError && e.status === 404)) throw e;
  }
  try {
    await client.get('/version', {}, versionPayload);
  } catch (e) {
    if (e instanceof GitlabHttpError && e.status === 404) {
      throw new NotGitlabError(
        `${client.baseUrl}/version is not found (404): sources.gitlab.baseUrl is not a GitLab API root; give one such as https://gitlab.example.gov/api/v4.`,
      );
    }
    throw e;
  }
}

/** The projects to collect; a group or project that cannot be read is reported in `errors` and skipped. */
export async function listTargets(
  client: GitlabClient,
  ctx: CollectorContext,
  settings: GitlabSettings,
  only: string[] | undefined,
  errors: { resource: string; message: string }[],
  describe: (e: unknown) => string,
): Promise<ProjectPayload[]> {
  const byId = new Map<number, ProjectPayload>();
  let archived = 0;
  const add = (p: ProjectPayload, explicit: boolean) => {
    if (p.archived) {
      archived++;
      if (explicit)
        errors.push({
          resource: p.path_with_namespace,
          message: 'archived: skipped (remove it from sources.gitlab.projects, or unarchive it).',
        });
      return;
    }
    if (!explicit && !isIncluded(settings, p.path_with_namespace)) return;
    if (!byId.has(p.id)) byId.set(p.id, p);
  };
  const named = only && only.length > 0 ? only : settings.projects;
  if (!only || only.length === 0) {
    for (const g of settings.groups) {
      try {
        const projects = await listAll(
          client,
          `/groups/${idOrPath(g)}/projects`,
          { include_subgroups: true, with_shared: false, order_by: 'id', sort: 'asc' },
          projectPayload,
          ctx.signal,
        );
        for (const p of projects) add(p, false);
      } catch (e) {
        errors.push({ resource: `group:${g}`, message: describe(e) });
      }
    }
  }
  for (const name of named) {
    try {
      add((await client.get(`/projects/${idOrPath(name)}`, {}, projectPayload)).data, true);
    } catch (e) {
      errors.push({ resource: String(name), message: describe(e) });
    }
  }
  if (archived > 0) ctx.log(`gitlab: ${archived} archived projects skipped`);
  return [...byId.values()];
}

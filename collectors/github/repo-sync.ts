/** What every resource of one repository's sync shares, and the one way it stores what it found. */
import type { NativeEventInput } from '../../common/events';
import type { Cursor } from '../../db/queries/cursors';
import type { CollectorContext } from '../types';
import type { GithubClient } from './client';
import type { DeploymentSource, GithubSettings } from './config';
import type { RepoRef } from './payloads';

export interface RepoInfo extends RepoRef {
  owner: string;
  name: string;
  defaultBranch: string | null;
}

export interface RepoSync {
  client: GithubClient;
  ctx: CollectorContext;
  repo: RepoInfo;
  settings: GithubSettings;
  source: DeploymentSource;
  /** Nothing older than this is wanted (epoch ms): the backfill horizon, or `--since`. */
  horizon: number;
  /**
   * Where a first backfill's newest-first stage stops (epoch ms, at or after `horizon`): the
   * recent months of every repository are read first, and the history older than this
   * afterwards (`syncOlder`), so the dashboard shows the recent months within minutes.
   */
  recentFrom: number;
  /** Set by `--since`: read from the horizon again, whatever the cursors say. */
  rewind: boolean;
  /** Events stored (accepted or updated) so far. */
  stored: number;
}

/** Stores one batch and the cursors it covers in one transaction, and reports progress. */
export async function commit(sync: RepoSync, resource: string, events: NativeEventInput[], cursors: Cursor[]): Promise<void> {
  const r = await sync.ctx.ingest(events, cursors);
  sync.stored += r.accepted + r.updated;
  sync.ctx.progress?.({
    resource: `${sync.repo.fullName}:${resource}`,
    requests: sync.client.stats.requests,
    stored: sync.stored,
    rateLimitRemaining: sync.client.rateLimitRemaining(),
  });
}

/**
 * The watermark to read from: the stored one, unless rewinding or it is before the horizon. With
 * none stored (a first backfill), a resource read recent months first starts at `recentFrom`.
 */
export function startFrom(sync: RepoSync, stored: string | null | undefined, recentFirst = false): string {
  if (!stored || sync.rewind) return new Date(recentFirst && !sync.rewind ? sync.recentFrom : sync.horizon).toISOString();
  if (Date.parse(stored) < sync.horizon) return new Date(sync.horizon).toISOString();
  return stored;
}

/** The ETag to send: none when rewinding, so the list is read again. */
export const etagFor = (sync: RepoSync, etag: string | null): string | null => (sync.rewind ? null : etag);

/** Orders items oldest first by an ISO time, then by a number, so batches advance a watermark monotonically. */
export function oldestFirst<T>(items: T[], time: (t: T) => string, id: (t: T) => number): T[] {
  return [...items].sort((a, b) => Date.parse(time(a)) - Date.parse(time(b)) || id(a) - id(b));
}

/** The cursor resource name of a repository's resource, such as `acme/web:pulls`. */
export const resourceOf = (sync: RepoSync, name: string): string => `${sync.repo.fullName.toLowerCase()}:${name}`;

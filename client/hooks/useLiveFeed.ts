/**
 * The live feed of a scope: its latest deployments and incidents, read when the page opens and
 * again each time the socket says something arrived for its services (`arrived`).
 */
import { useMemo, useRef } from 'react';
import { apiUrl, type ApiError } from '../lib/api-client';
import { feedEntries, FEED_LIMIT, type DeploymentEntry, type FeedEntry, type FeedItem, type IncidentEntry } from '../lib/live-feed';
import { useResource } from './useResource';

export interface LiveFeedData {
  /** Null until both lists have answered once. */
  entries: FeedEntry[] | null;
  /** The keys of the entries that arrived after the page opened. */
  fresh: ReadonlySet<string>;
  error: ApiError | null;
  retry: () => void;
}

/** `live`: the scope's live channel ({@link useScopeLive}): when something arrived, and what beyond deployments and incidents. */
export function useLiveFeed(scope: string, live: { arrived: number; arrivals: FeedItem[] }): LiveFeedData {
  const { arrived, arrivals } = live;
  const deployments = useResource<{ items: DeploymentEntry[] }>(apiUrl('/api/v1/deployments', { scope, limit: FEED_LIMIT }), arrived);
  const incidents = useResource<{ items: IncidentEntry[] }>(apiUrl('/api/v1/incidents', { scope, limit: FEED_LIMIT }), arrived);
  // What the page showed when it opened (for this scope): anything else is new.
  const opened = useRef<{ scope: string; keys: Set<string> } | null>(null);
  const entries = useMemo(
    () => (deployments.data && incidents.data ? feedEntries(deployments.data.items, incidents.data.items, arrivals) : null),
    [deployments.data, incidents.data, arrivals],
  );
  const fresh = useMemo(() => {
    if (!entries) return new Set<string>();
    if (opened.current?.scope !== scope) opened.current = { scope, keys: new Set(entries.map((e) => e.key)) };
    const seen = opened.current.keys;
    return new Set(entries.filter((e) => !seen.has(e.key)).map((e) => e.key));
  }, [entries, scope]);
  const error = deployments.error ?? incidents.error;
  return {
    entries,
    fresh,
    error,
    retry: () => {
      deployments.retry();
      incidents.retry();
    },
  };
}

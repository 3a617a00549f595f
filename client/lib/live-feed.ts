/** The live feed: what arrived over the socket, newest first, kept to the services of the page. */
import type { ServerToClientEvents } from '../../common/api';

export type IngestedPayload = Parameters<ServerToClientEvents['events:ingested']>[0];
export interface FeedItem { id: string; at: string; type: string; service: string; n: number }

export const FEED_LIMIT = 20;

const TYPE_NAMES: Record<string, [string, string]> = {
  deployment: ['deployment', 'deployments'],
  change: ['change', 'changes'],
  ci_run: ['CI run', 'CI runs'],
  incident: ['incident', 'incidents'],
};

/** "1 deployment", "3 CI runs". */
export function describeCount(type: string, n: number): string {
  const [one, many] = TYPE_NAMES[type] ?? [type.replace(/_/g, ' '), `${type.replace(/_/g, ' ')} events`];
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The feed after a batch arrived: its counts for the services in scope, in front, and the
 * whole cut to `limit`. `inScope` answers whether a service belongs to the page.
 */
export function appendIngested(feed: readonly FeedItem[], payload: IngestedPayload, inScope: (service: string) => boolean, limit = FEED_LIMIT): FeedItem[] {
  const fresh = payload.counts
    .filter((c) => c.n > 0 && inScope(c.service))
    .map((c, i) => ({ id: `${payload.at}/${i}/${c.type}/${c.service}`, at: payload.at, type: c.type, service: c.service, n: c.n }));
  return [...fresh, ...feed].slice(0, limit);
}

/** A one-line summary for the screen-reader announcement: "2 changes and 1 deployment arrived". */
export function summariseIngested(items: readonly FeedItem[]): string {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.type, (totals.get(item.type) ?? 0) + item.n);
  const parts = [...totals].map(([type, n]) => describeCount(type, n));
  if (parts.length === 0) return '';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${list} arrived`;
}

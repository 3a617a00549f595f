/**
 * The live feed: the scope's latest deployments and incidents, newest first, read from the API
 * when the page opens and again whenever the socket says something arrived for its services;
 * and the counts of what arrived, for the polite announcement.
 */
import type { ServerToClientEvents } from '../../common/api';
import { formatDuration, plural } from './format';

export type IngestedPayload = Parameters<ServerToClientEvents['events:ingested']>[0];
/** One count of a batch that arrived: how many events of a type for a service. */
export interface FeedItem {
  id: string;
  at: string;
  type: string;
  service: string;
  n: number;
}

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
 * The counts of a batch for the services in scope, in front of `feed`, cut to `limit`.
 * `inScope` answers whether a service belongs to the page.
 */
export function appendIngested(
  feed: readonly FeedItem[],
  payload: IngestedPayload,
  inScope: (service: string) => boolean,
  limit = FEED_LIMIT,
): FeedItem[] {
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

/** A deployment as `GET /api/v1/deployments` lists it. */
export interface DeploymentEntry {
  service: string;
  id: string;
  environment: string;
  production: boolean;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  url: string | null;
  changes: number;
  causedIncident?: boolean;
  /** The change request it carried, and how long that waited for approval (seconds), where its tool told. */
  changeRequest?: string | null;
  approvalWait?: number | null;
}
/** An incident as `GET /api/v1/incidents` lists it. */
export interface IncidentEntry {
  service: string;
  id: string;
  openedAt: string;
  resolvedAt: string | null;
  severity: string | null;
  title: string | null;
  url: string | null;
}

/** How an entry went, for its mark (in words as well as colour). */
export type FeedStatus = 'success' | 'failed' | 'pending' | 'open' | 'resolved' | 'arrived';

/** One line of the feed. */
export interface FeedEntry {
  key: string;
  at: string;
  kind: 'deployment' | 'incident' | 'arrival';
  service: string;
  /** "Deployed to production", "Failed deployment to staging", "Incident opened". */
  what: string;
  status: FeedStatus;
  /** "3 changes"; an incident's title. */
  detail: string | null;
  severity: string | null;
  /** The source's page of it (only http(s) becomes a link). */
  url: string | null;
}

function deploymentEntry(d: DeploymentEntry): FeedEntry {
  const where = d.production ? 'production' : d.environment;
  const [what, status]: [string, FeedStatus] =
    d.status === 'success'
      ? [`Deployed to ${where}`, 'success']
      : d.status === 'failure'
        ? [`Failed deployment to ${where}`, 'failed']
        : d.status === 'in_progress'
          ? [`Deploying to ${where}`, 'pending']
          : [`Deployment to ${where} ${d.status.replace(/_/g, ' ')}`, 'failed'];
  const parts = [
    d.changes > 0 ? plural(d.changes, 'change') : '',
    d.causedIncident ? 'caused an incident' : '',
    // The approval board's share of the change's time, beside the deployment (evidence, no figure).
    d.changeRequest && d.approvalWait !== null && d.approvalWait !== undefined
      ? `${d.changeRequest} waited ${formatDuration(d.approvalWait)} for approval`
      : '',
  ].filter(Boolean);
  return {
    key: `deployment/${d.service}/${d.id}`,
    at: d.finishedAt ?? d.startedAt ?? '',
    kind: 'deployment',
    service: d.service,
    what,
    status,
    detail: parts.length > 0 ? parts.join('; ') : null,
    severity: null,
    url: d.url,
  };
}

function incidentEntry(i: IncidentEntry): FeedEntry {
  const resolved = i.resolvedAt !== null;
  return {
    key: `incident/${i.service}/${i.id}/${resolved ? 'resolved' : 'open'}`,
    at: i.resolvedAt ?? i.openedAt,
    kind: 'incident',
    service: i.service,
    what: resolved ? 'Incident resolved' : 'Incident opened',
    status: resolved ? 'resolved' : 'open',
    detail: i.title,
    severity: i.severity,
    url: i.url,
  };
}

/** What the socket said arrived, beyond deployments and incidents (changes, CI runs): "2 changes arrived". */
function arrivalEntry(a: FeedItem): FeedEntry {
  return {
    key: `arrival/${a.id}`,
    at: a.at,
    kind: 'arrival',
    service: a.service,
    what: `${describeCount(a.type, a.n)} arrived`,
    status: 'arrived',
    detail: null,
    severity: null,
    url: null,
  };
}

/** The kinds the feed reads from the API; the socket's counts of the others are shown as they are. */
export const LISTED_TYPES: ReadonlySet<string> = new Set(['deployment', 'incident']);

/**
 * What of a batch the feed shows as counts: not deployments and incidents (read from the API with
 * their status), nor the changes of a service deployed in the same batch (its deployment counts them).
 */
export function arrivalsOf(batch: readonly FeedItem[]): FeedItem[] {
  const deployed = new Set(batch.filter((i) => i.type === 'deployment').map((i) => i.service));
  return batch.filter((i) => !LISTED_TYPES.has(i.type) && !(i.type === 'change' && deployed.has(i.service)));
}

/**
 * The feed from the latest deployments and incidents and what else arrived while the page was
 * open (`arrivals`, see {@link arrivalsOf}): newest first (by when each finished, was resolved or arrived), at most `limit`.
 */
export function feedEntries(
  deployments: readonly DeploymentEntry[],
  incidents: readonly IncidentEntry[],
  arrivals: readonly FeedItem[] = [],
  limit = FEED_LIMIT,
): FeedEntry[] {
  return [...deployments.map(deploymentEntry), ...incidents.map(incidentEntry), ...arrivals.map(arrivalEntry)]
    .filter((e) => e.at !== '')
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.key.localeCompare(b.key)))
    .slice(0, limit);
}

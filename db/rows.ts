/**
 * The mapping of each native event type to the rows it is stored as: pure functions, so what a
 * field becomes (epoch milliseconds, 0/1 flags, null for absent) is read and tested in one place.
 * `db/ingest.ts` decides when to write them; the queries in `db/queries/` write them.
 */
import type { ChangeEvent, CiRunEvent, DeploymentEvent, IncidentEvent, NativeEvent, NativeEventInput } from '../common/events';
import type { ChangeInsert, PullRequestInsert } from './queries/changes';
import type { CiRunInsert } from './queries/ci-runs';
import type { DeploymentInsert } from './queries/deployments';
import type { EventKey } from './queries/event-keys';
import type { IncidentInsert } from './queries/incidents';
import type { LoopInsert, LoopRow } from './queries/loops';
import type { DemoLoopSeed } from './store';

/** An ISO timestamp as epoch milliseconds; absent stays null. */
export const ms = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

/** An event's idempotency key: `(type, source, id)`, where a change's id defaults to its sha and the source to the route's. */
export function keyOf(e: NativeEvent, defaultSource: string): EventKey {
  return { type: e.type, source: e.source ?? defaultSource, eventId: e.type === 'change' ? (e.id ?? e.sha) : e.id };
}

/** Production as the source declared it, else as the configured pattern says of the environment. */
export const isProductionOf = (declared: number | null, environment: string, production: RegExp): number =>
  declared ?? (production.test(environment) ? 1 : 0);

export function deploymentRow(e: DeploymentEvent, key: EventKey, serviceId: number, production: RegExp): DeploymentInsert {
  const declaredProduction = e.production === undefined ? null : e.production ? 1 : 0;
  return {
    source: key.source,
    extId: key.eventId,
    serviceId,
    environment: e.environment,
    isProduction: isProductionOf(declaredProduction, e.environment, production),
    declaredProduction,
    status: e.status,
    sha: e.sha ?? null,
    commits: e.commits ? JSON.stringify([...new Set(e.commits)]) : null,
    startedAt: ms(e.startedAt),
    finishedAt: ms(e.finishedAt),
    rework: e.rework ? 1 : 0,
    changeRequest: e.changeRequest ?? null,
    url: e.url ?? null,
  };
}

export function pullRequestRow(p: NonNullable<ChangeEvent['pullRequest']>, serviceId: number): PullRequestInsert {
  return {
    serviceId,
    number: p.number,
    openedAt: ms(p.openedAt),
    mergedAt: ms(p.mergedAt),
    mergeSha: p.mergeSha ?? null,
    firstCommitAt: ms(p.firstCommitAt),
    planStartedAt: ms(p.planStartedAt),
    url: p.url ?? null,
  };
}

export function changeRow(e: ChangeEvent, serviceId: number, pullRequestId: number | null): ChangeInsert {
  return {
    serviceId,
    sha: e.sha,
    committedAt: Date.parse(e.committedAt),
    authoredAt: ms(e.authoredAt),
    pullRequestId,
    url: e.url ?? null,
    squashed: e.pullRequest?.squashed === undefined ? null : e.pullRequest.squashed ? 1 : 0,
  };
}

export function ciRunRow(e: CiRunEvent, key: EventKey, serviceId: number): CiRunInsert {
  return {
    source: key.source,
    extId: key.eventId,
    serviceId,
    name: e.name,
    status: e.status,
    sha: e.sha ?? null,
    branch: e.branch ?? null,
    startedAt: Date.parse(e.startedAt),
    finishedAt: Date.parse(e.finishedAt),
    testsPassed: e.tests?.passed ?? null,
    testsFailed: e.tests?.failed ?? null,
    testsSkipped: e.tests?.skipped ?? null,
    url: e.url ?? null,
  };
}

export function incidentRow(e: IncidentEvent, key: EventKey, serviceId: number): IncidentInsert {
  return {
    source: key.source,
    extId: key.eventId,
    serviceId,
    openedAt: Date.parse(e.openedAt),
    resolvedAt: ms(e.resolvedAt),
    severity: e.severity ?? null,
    deploymentRef: e.deploymentId ?? null,
    rootCauseSha: e.rootCauseSha ?? null,
    changeRequest: e.changeRequest ?? null,
    title: e.title ?? null,
    url: e.url ?? null,
  };
}

/** A stored incident as the stores read it back (with its key's newest source time). */
export interface StoredIncidentRow {
  service: string;
  openedAt: number;
  resolvedAt: number | null;
  severity: string | null;
  deploymentRef: string | null;
  rootCauseSha: string | null;
  changeRequest: string | null;
  title: string | null;
  url: string | null;
  updatedAt: number | null;
}

const iso = (t: number | null) => (t === null ? undefined : new Date(t).toISOString());

/** A stored incident as a native event again, so a later report can update it. */
export function incidentEventOf(row: StoredIncidentRow, source: string, extId: string): Extract<NativeEventInput, { type: 'incident' }> {
  return {
    type: 'incident',
    id: extId,
    source,
    service: row.service,
    openedAt: iso(row.openedAt)!,
    resolvedAt: iso(row.resolvedAt),
    severity: row.severity ?? undefined,
    deploymentId: row.deploymentRef ?? undefined,
    rootCauseSha: row.rootCauseSha ?? undefined,
    changeRequest: row.changeRequest ?? undefined,
    title: row.title ?? undefined,
    url: row.url ?? undefined,
    updatedAt: iso(row.updatedAt),
  };
}

/** A demo loop as it is planned. */
export const demoLoopInsert = (l: DemoLoopSeed): LoopInsert => ({
  scope: l.scope,
  name: l.name,
  fromAt: l.from,
  toAt: l.to,
  createdAt: l.plannedAt,
  planMetric: l.plan.metric,
  planTarget: l.plan.target,
  planHypothesis: l.plan.hypothesis,
});

/** What acting on a demo loop changes of it. */
export const demoLoopAct =
  (act: NonNullable<DemoLoopSeed['act']>) =>
  (b: LoopRow): LoopRow => ({ ...b, actDecision: act.decision, actNotes: act.notes, actDecidedAt: act.at });

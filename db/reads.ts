/**
 * The reads of the read services (server/read, server/org, server/metrics): the metric facts,
 * the organisation, the lists, the raw event log's export and counts, and the change feed that
 * tells them what a committed batch moved. Async at the interface, as the rest of the store, so
 * another database can answer later without touching the callers; SQLite answers at once.
 */
import type { Db } from './connection';
import { dataVersion, onServicesChanged, type ServicesListener } from './change-feed';
import {
  getFirstDeploymentAt,
  getLastDataAt,
  listDeploymentFacts,
  listEvidenceFacts,
  listLeadTimeFacts,
  listPullRequestFacts,
  listRestoredFacts,
} from './queries/metrics';
import { listChangePullRequests, listChangesByIds, type ChangeListRow, type ChangePullRequestRow } from './queries/changes';
import { listDeployments, type DeploymentListRow } from './queries/deployments';
import { listIncidents, type IncidentListRow } from './queries/incidents';
import { listCiRuns, type CiRunListRow } from './queries/ci-runs';
import { countRawEventsByType, iterateLatestDeployments, iterateLatestRawEvents, type RawEventRow } from './queries/raw-events';
import { prepared } from './prepared';

/** A successful production deployment; `failed`, `rework`, `unplanned` are 0 or 1. */
export type DeploymentFactRow = ReturnType<typeof listDeploymentFacts>[number];
export type LeadTimeFactRow = ReturnType<typeof listLeadTimeFacts>[number];
export type RestoredFactRow = ReturnType<typeof listRestoredFacts>[number];
export type EvidenceFactRow = ReturnType<typeof listEvidenceFacts>[number];
export type PullRequestFactRow = ReturnType<typeof listPullRequestFacts>[number];
export type { ChangeListRow, ChangePullRequestRow, DeploymentListRow, IncidentListRow, CiRunListRow, RawEventRow, ServicesListener };

/** The facts of services over a window (or, for the fact index, over all their history). */
export interface FactRows {
  deployments: DeploymentFactRow[];
  leadTimes: LeadTimeFactRow[];
  restored: RestoredFactRow[];
  /** One row per service asked for. */
  evidence: EvidenceFactRow[];
  /** Empty unless asked for. */
  pullRequests: PullRequestFactRow[];
}

/** The organisation as stored, each list ordered by name; a service with its lookup key. */
export interface OrganisationRows {
  departments: { id: string; name: string }[];
  teams: { id: string; name: string; departmentId: string }[];
  services: { id: number; name: string; key: string; teamId: string }[];
}

export interface StoreReads {
  /** The facts of the services in [from, to); the pull requests only `withPullRequests`. */
  readFacts(serviceIds: number[], from: number, to: number, withPullRequests: boolean): Promise<FactRows>;
  /** The successful production deployments that finished in [from, to), alone (the deployments list). */
  readDeploymentFacts(serviceIds: number[], from: number, to: number): Promise<DeploymentFactRow[]>;
  /** The changes first shipped in [from, to), alone (the reference's baseline). */
  readLeadTimeFacts(serviceIds: number[], from: number, to: number): Promise<LeadTimeFactRow[]>;
  /** When the services' first successful production deployment finished, and when their data last moved. */
  readDataSpan(serviceIds: number[]): Promise<{ first: number | null; last: number | null }>;
  readOrganisation(): Promise<OrganisationRows>;
  /** The changes list's rows for given (change id, deployment id) pairs, in that order. */
  readChanges(pairs: [changeId: number, deploymentId: number][]): Promise<ChangeListRow[]>;
  /** For the changes list by pull request: each pair's pull request, start and deployment time, in that order. */
  readChangePullRequests(pairs: [changeId: number, deploymentId: number][]): Promise<ChangePullRequestRow[]>;
  readDeployments(serviceIds: number[], from: number, to: number, limit: number): Promise<DeploymentListRow[]>;
  readIncidents(serviceIds: number[], from: number, to: number, limit: number): Promise<IncidentListRow[]>;
  readCiRuns(serviceIds: number[], from: number, to: number, limit: number): Promise<CiRunListRow[]>;
  /** The latest version of every event (of the named services), oldest first. */
  readLatestEvents(serviceNames?: string[]): AsyncIterable<RawEventRow>;
  /** The latest version of every deployment `source` sent, oldest first. */
  readLatestDeployments(source: string): AsyncIterable<RawEventRow>;
  /** Raw events by type with ids above `afterId`, and the highest id. */
  countEventsByType(afterId: number): Promise<{ counts: { type: string; n: number }[]; maxId: number }>;
  /** Calls `listener` with the services each committed batch touched; returns the unsubscribe. */
  onServicesChanged(listener: ServicesListener): () => void;
  /** A number that moves when another process commits to the database. */
  dataVersion(): Promise<number>;
}

/** The reads over one SQLite connection. */
export function sqliteReads(db: Db): StoreReads {
  return {
    async readFacts(ids, from, to, withPullRequests) {
      return {
        deployments: listDeploymentFacts(db, ids, from, to),
        leadTimes: listLeadTimeFacts(db, ids, from, to),
        restored: listRestoredFacts(db, ids, from, to),
        evidence: listEvidenceFacts(db, ids),
        pullRequests: withPullRequests ? listPullRequestFacts(db, ids, from, to) : [],
      };
    },
    async readDeploymentFacts(ids, from, to) {
      return listDeploymentFacts(db, ids, from, to);
    },
    async readLeadTimeFacts(ids, from, to) {
      return listLeadTimeFacts(db, ids, from, to);
    },
    async readDataSpan(ids) {
      return { first: getFirstDeploymentAt(db, ids), last: getLastDataAt(db, ids) };
    },
    async readOrganisation() {
      return {
        departments: prepared<[], { id: string; name: string }>(db, 'SELECT id, name FROM departments ORDER BY name').all(),
        teams: prepared<[], { id: string; name: string; departmentId: string }>(
          db,
          'SELECT id, name, department_id AS departmentId FROM teams ORDER BY name',
        ).all(),
        services: prepared<[], { id: number; name: string; key: string; teamId: string }>(
          db,
          'SELECT id, name, key, team_id AS teamId FROM services ORDER BY name',
        ).all(),
      };
    },
    async readChanges(pairs) {
      return listChangesByIds(db, pairs);
    },
    async readChangePullRequests(pairs) {
      return listChangePullRequests(db, pairs);
    },
    async readDeployments(ids, from, to, limit) {
      return listDeployments(db, ids, from, to, limit);
    },
    async readIncidents(ids, from, to, limit) {
      return listIncidents(db, ids, from, to, limit);
    },
    async readCiRuns(ids, from, to, limit) {
      return listCiRuns(db, ids, from, to, limit);
    },
    async *readLatestEvents(names) {
      yield* iterateLatestRawEvents(db, names);
    },
    async *readLatestDeployments(source) {
      yield* iterateLatestDeployments(db, source);
    },
    async countEventsByType(afterId) {
      return countRawEventsByType(db, afterId);
    },
    onServicesChanged: (listener) => onServicesChanged(db, listener),
    async dataVersion() {
      return dataVersion(db);
    },
  };
}

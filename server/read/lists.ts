/** The lists behind the figures: changes, deployments, incidents and CI runs of a scope over a window. */
import type { ChangeItem, ChangesResponse } from '../../common/api';
import type { ChangeListRow, CiRunListRow, DeploymentListRow, IncidentListRow } from '../../db/reads';
import { columnsOf } from '../csv';
import { indexedChanges, type ChangeOrder } from '../metrics/indexed';
import { approvalSegment, pullRequestStages } from '../metrics/stages';
import { iso, type ReadContext, type Table } from './context';
import type { ScopedWindow } from './query';

/** The changes list's CSV columns, the same whatever its rows (a change without a pull request leaves those empty). */
export const changeColumns = columnsOf<ChangeItem>(
  'service',
  'sha',
  'committedAt',
  'leadTimeFrom',
  'deployedAt',
  'leadTime',
  'url',
  'deploymentId',
  'deploymentUrl',
  'pullRequest.number',
  'pullRequest.url',
  'stages.plan',
  'stages.do',
  'stages.check',
  'stages.act',
  'changeRequest',
  'stages.approval',
  'stages.release',
  'stages.approvalReason',
);

/** The first `limit` changes first shipped in the window, in `sort` order, with their pull request's stages. */
export async function changesTable(ctx: ReadContext, q: ScopedWindow, sort: ChangeOrder, limit: number): Promise<Table<ChangesResponse>> {
  const { reads } = ctx;
  const pairs = indexedChanges(
    reads.workspace,
    await reads.facts.all(q.resolved.serviceIds),
    { from: q.from, to: q.to, tz: ctx.config.tz },
    sort,
    limit,
  );
  const items: ChangeItem[] = (await reads.store.readChanges(pairs)).map(changeItem);
  return {
    body: { scope: q.resolved.scope.key, from: iso(q.from)!, to: iso(q.to)!, items },
    rows: items as unknown as Record<string, unknown>[],
    name: 'changes',
    columns: changeColumns,
  };
}

/** A change of the list, with its pull request's stages and the approval wait cut out of act. */
export function changeItem(c: ChangeListRow): ChangeItem {
  const pr = c.prNumber === null || c.mergedAt === null ? null : { ...c, mergedAt: c.mergedAt, serviceId: 0, hasCi: c.hasCi === 1 };
  return {
    service: c.service,
    sha: c.sha,
    committedAt: iso(c.committedAt)!,
    leadTimeFrom: c.leadTimeFrom,
    deployedAt: iso(c.deployedAt)!,
    leadTime: (c.deployedAt - c.committedAt) / 1000,
    url: c.url,
    deploymentId: c.deploymentId,
    deploymentUrl: c.deploymentUrl,
    pullRequest: c.prNumber === null ? null : { number: c.prNumber, url: c.prUrl },
    changeRequest: c.changeRequest,
    stages:
      pr === null
        ? null
        : {
            ...(({ loop: _loop, ...s }) => s)(pullRequestStages(pr)),
            ...approvalSegment(pr, {
              changeRequest: c.changeRequest,
              known: c.changeRequestKnown === 1,
              requestedAt: c.changeRequestedAt,
              approval: c.approval,
              approvalSetAt: c.approvalSetAt,
            }),
          },
  };
}

/** A list whose rows carry epoch-ms times, answered with them as ISO text. */
function listTable<T extends object>(
  name: string,
  columns: readonly string[],
  times: (keyof T)[],
  fetch: (ctx: ReadContext, ids: number[], from: number, to: number, limit: number) => Promise<T[]>,
) {
  return async (
    ctx: ReadContext,
    q: ScopedWindow,
    limit: number,
  ): Promise<Table<{ scope: string; from: string; to: string; items: Record<string, unknown>[] }>> => {
    const items = (await fetch(ctx, q.resolved.serviceIds, q.from, q.to, limit)).map((row) => {
      const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
      for (const k of times) out[k as string] = iso(row[k] as number | null);
      return out;
    });
    return { body: { scope: q.resolved.scope.key, from: iso(q.from)!, to: iso(q.to)!, items }, rows: items, name, columns };
  };
}

/**
 * Every deployment (any environment or status) that finished, or started, in the window; newest
 * first. Where it names a change request its tool told (incidents.servicenow.changeRequests), the
 * request's times beside it: raised, approved, the approval wait (raised to approved, seconds: a
 * segment of the change's time the figures' definitions leave as they are), and the work window.
 */
export const deploymentsTable = listTable(
  'deployments',
  columnsOf<
    Omit<DeploymentListRow, 'rowId' | 'approvalSetAt'> & {
      causedIncident: boolean;
      unplanned: boolean;
      approvedAt: number | null;
      approvalWait: number | null;
    }
  >(
    'service',
    'id',
    'source',
    'environment',
    'production',
    'status',
    'sha',
    'startedAt',
    'finishedAt',
    'rework',
    'url',
    'changes',
    'causedIncident',
    'unplanned',
    'changeRequest',
    'changeRequestedAt',
    'approval',
    'approvedAt',
    'approvalWait',
    'workStartedAt',
    'workEndedAt',
  ),
  ['startedAt', 'finishedAt', 'changeRequestedAt', 'approvedAt', 'workStartedAt', 'workEndedAt'],
  async (ctx, ids, f, t, l) => {
    // Whether an incident is linked to a deployment is decided once, by the metrics' own query.
    const facts = new Map((await ctx.reads.store.readDeploymentFacts(ids, f, t)).map((d) => [d.id, d]));
    return (await ctx.reads.store.readDeployments(ids, f, t, l)).map(({ rowId, approvalSetAt, ...d }) => {
      const approvedAt = d.approval === 'approved' ? approvalSetAt : null;
      return {
        ...d,
        production: d.production === 1,
        rework: d.rework === 1,
        causedIncident: facts.get(rowId)?.failed === 1,
        unplanned: facts.get(rowId)?.unplanned === 1,
        approvedAt,
        approvalWait: approvalWaitSeconds(d.changeRequestedAt, approvedAt),
      };
    });
  },
);

/** Seconds from a change request's raising to its approval; null when either is unknown or they are out of order. */
export const approvalWaitSeconds = (requestedAt: number | null, approvedAt: number | null): number | null =>
  requestedAt === null || approvedAt === null || approvedAt < requestedAt ? null : (approvedAt - requestedAt) / 1000;

/** Incidents opened or resolved in the window, or open across it; newest first. */
export const incidentsTable = listTable(
  'incidents',
  columnsOf<IncidentListRow>(
    'service',
    'id',
    'source',
    'openedAt',
    'resolvedAt',
    'severity',
    'deploymentId',
    'rootCauseSha',
    'title',
    'url',
  ),
  ['openedAt', 'resolvedAt'],
  (ctx, ids, f, t, l) => ctx.reads.store.readIncidents(ids, f, t, l),
);

/** CI runs that finished in the window; newest first. */
export const ciRunsTable = listTable(
  'ci-runs',
  columnsOf<CiRunListRow>(
    'service',
    'id',
    'source',
    'name',
    'status',
    'sha',
    'branch',
    'startedAt',
    'finishedAt',
    'testsPassed',
    'testsFailed',
    'testsSkipped',
    'url',
  ),
  ['startedAt', 'finishedAt'],
  (ctx, ids, f, t, l) => ctx.reads.store.readCiRuns(ids, f, t, l),
);

/**
 * A small, hand-computed scenario (the expected figures are worked out in metrics.test.ts).
 * Window [2026-03-02, 2026-03-16): two calendar weeks, UTC.
 */
import type { NativeEventInput } from '../../common/events';
import type { OrganisationConfig } from '../../common/org';
import { change, ciRun, deployment, incident, sha } from './factories';

export const WINDOW = { from: Date.parse('2026-03-02T00:00:00Z'), to: Date.parse('2026-03-16T00:00:00Z') };
export const ORG: OrganisationConfig = [
  { id: 'd1', name: 'Department One', teams: [{ id: 't1', name: 'Team One', services: ['acme/app', 'acme/api', 'acme/old'] }] },
];

const A = 'acme/app';
const pr1 = {
  number: 1,
  openedAt: '2026-03-01T06:00:00Z',
  mergedAt: '2026-03-03T18:00:00Z',
  mergeSha: sha('c3'),
  firstCommitAt: '2026-03-01T00:00:00Z',
  planStartedAt: '2026-02-27T00:00:00Z',
};
const pr2 = { number: 2, mergedAt: '2026-03-10T06:00:00Z', mergeSha: sha('c5') };

export function scenarioEvents(): NativeEventInput[] {
  return [
    change({ service: A, sha: sha('c1'), committedAt: '2026-02-20T00:00:00Z' }),
    change({ service: A, sha: sha('c2'), committedAt: '2026-03-01T00:00:00Z', parents: [sha('c1')], pullRequest: pr1 }),
    change({ service: A, sha: sha('c3'), committedAt: '2026-03-03T12:00:00Z', parents: [sha('c2')], pullRequest: pr1 }),
    change({ service: A, sha: sha('c4'), committedAt: '2026-03-05T00:00:00Z', parents: [sha('c3')] }),
    change({ service: A, sha: sha('c5'), committedAt: '2026-03-10T00:00:00Z', parents: [sha('c4')], pullRequest: pr2 }),
    change({ service: A, sha: sha('c6'), committedAt: '2026-03-12T00:00:00Z', parents: [sha('c5')] }),
    // Committed "after" it shipped: clock skew, excluded from lead time. (Within a day of the
    // window's end, the clock of the tests' servers: later would be refused as in the future.)
    change({ service: A, sha: sha('c7'), committedAt: '2026-03-16T12:00:00Z', parents: [sha('c6')] }),
    deployment({ service: A, id: 'deploy-0', sha: sha('c1'), finishedAt: '2026-02-25T00:00:00Z' }),
    deployment({ service: A, id: 'deploy-1', sha: sha('c3'), startedAt: '2026-03-03T23:50:00Z', finishedAt: '2026-03-04T00:00:00Z' }),
    deployment({ service: A, id: 'deploy-2', sha: sha('c4'), finishedAt: '2026-03-05T06:00:00Z', rework: true }),
    deployment({ service: A, id: 'deploy-3', sha: sha('c5'), finishedAt: '2026-03-11T00:00:00Z' }),
    deployment({ service: A, id: 'deploy-4', sha: sha('c7'), finishedAt: '2026-03-14T00:00:00Z' }),
    deployment({ service: A, id: 'deploy-failed', sha: sha('c6'), status: 'failure', finishedAt: '2026-03-06T00:00:00Z' }),
    deployment({ service: A, id: 'deploy-staging', sha: sha('c6'), environment: 'staging', finishedAt: '2026-03-12T01:00:00Z' }),
    deployment({
      service: A,
      id: 'deploy-running',
      sha: sha('c7'),
      status: 'in_progress',
      startedAt: '2026-03-15T00:00:00Z',
      finishedAt: undefined,
    }),
    ciRun({ service: A, id: 'run-1', sha: sha('c3'), startedAt: '2026-03-03T19:00:00Z', finishedAt: '2026-03-03T20:00:00Z' }),
    ciRun({
      service: A,
      id: 'run-0',
      sha: sha('c3'),
      status: 'failure',
      startedAt: '2026-03-03T18:00:00Z',
      finishedAt: '2026-03-03T18:30:00Z',
    }),
    incident({ service: A, id: 'i1', openedAt: '2026-03-04T02:00:00Z', resolvedAt: '2026-03-04T03:00:00Z' }),
    incident({ service: A, id: 'i3', openedAt: '2026-03-04T05:00:00Z', resolvedAt: '2026-03-04T05:30:00Z' }),
    incident({ service: A, id: 'i2', openedAt: '2026-03-12T00:00:00Z', resolvedAt: '2026-03-12T12:00:00Z', rootCauseSha: sha('c4') }),
    incident({ service: A, id: 'i5', openedAt: '2026-03-14T06:00:00Z', resolvedAt: '2026-03-14T06:10:00Z', deploymentId: 'deploy-1' }),
    incident({ service: A, id: 'i4', openedAt: '2026-03-10T20:00:00Z', severity: 'sev2' }),
    // A second service in the same team, and a third with nothing in the window.
    change({ service: 'acme/api', sha: sha('e1'), committedAt: '2026-03-06T00:00:00Z' }),
    deployment({ service: 'acme/api', id: 'api-1', sha: sha('e1'), environment: 'Production', finishedAt: '2026-03-06T01:00:00Z' }),
    deployment({ service: 'acme/old', id: 'old-1', finishedAt: '2026-01-10T00:00:00Z' }),
  ];
}

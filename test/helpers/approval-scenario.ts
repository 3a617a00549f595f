/**
 * The hand-worked month of change requests and approvals (test/server/approval-segment.test.ts
 * works it; the browser test draws it): pull requests shipped by deployments that name change
 * requests, and those requests as the README's ServiceNow business rule on change_request sends
 * them. `shift` (ms) moves every time, so a page served on the real clock shows it in range.
 */
import { snTime } from '../fakes/servicenow/fixtures';
import { sha } from './factories';

export const APPROVAL_SERVICE = 'gov/app';

/** Pull request #n: one commit, merged, CI on the merge commit where given, and the deployment dn that shipped it (times in March 2026, UTC). */
export const approvalPullRequests = [
  { n: 1, first: '03-02T09:00', merged: '03-02T15:00', ci: '03-02T15:30', cr: 'CHG1', deployed: '03-04T16:00', planned: '03-01T09:00' },
  { n: 2, first: '03-05T09:00', merged: '03-05T11:00', cr: 'CHG2', deployed: '03-06T12:00' },
  { n: 3, first: '03-08T09:00', merged: '03-09T09:00', ci: '03-09T10:00', cr: 'CHG3', deployed: '03-09T12:00' },
  { n: 4, first: '03-10T08:00', merged: '03-10T09:00', cr: 'CHG4', deployed: '03-10T12:00' },
  { n: 5, first: '03-12T08:00', merged: '03-12T09:00', cr: 'CHG5', deployed: '03-12T12:00' },
  { n: 6, first: '03-13T08:00', merged: '03-13T09:00', cr: 'CHG6', deployed: '03-13T12:00' },
  { n: 7, first: '03-14T08:00', merged: '03-14T09:00', cr: 'CHG7', deployed: '03-14T12:00' },
  { n: 8, first: '03-15T08:00', merged: '03-15T09:00', cr: 'CHG8', deployed: '03-15T12:00' },
  { n: 9, first: '03-16T08:00', merged: '03-16T09:00', ciFailed: '03-16T09:30', cr: 'CHG9', deployed: '03-16T12:00' },
  { n: 10, first: '03-17T08:00', merged: '03-17T09:00', deployed: '03-17T12:00' },
];

/** An ISO time of the scenario ('03-02T09:00'), moved by `shift` ms. */
export const scenarioTime = (s: string, shift = 0) => new Date(Date.parse(`2026-${s}:00Z`) + shift).toISOString();

/**
 * A change request's record, field by field as the README's business rule builds it
 * (getElement(f).toString(): values and UTC times, '' for an empty field). Times as '03-02T12:00'.
 */
export function changeRequestRecord(
  number: string,
  approval: string,
  raised: string,
  approved: string,
  shift = 0,
  modCount = '2',
  updated = '03-20T08:00',
) {
  const sn = (s: string) => (s ? snTime(scenarioTime(s, shift)) : '');
  return {
    sys_id: Buffer.from(number).toString('hex').padEnd(32, '0'),
    number,
    approval,
    approval_set: sn(approved),
    sys_created_on: sn(raised),
    start_date: '',
    end_date: '',
    work_start: '',
    work_end: '',
    sys_updated_on: sn(updated),
    sys_mod_count: modCount,
  };
}

/** What ServiceNow holds of the scenario's change requests (CHG5 it never told; CHG10 does not exist). */
export const approvalChangeRequests = (shift = 0) => [
  changeRequestRecord('CHG1', 'approved', '03-02T12:00', '03-04T10:00', shift),
  changeRequestRecord('CHG2', 'approved', '03-05T14:00', '03-06T09:00', shift),
  changeRequestRecord('CHG3', 'approved', '03-08T08:00', '03-08T10:00', shift),
  changeRequestRecord('CHG4', 'approved', '03-10T09:00', '03-11T09:00', shift),
  changeRequestRecord('CHG6', 'requested', '03-13T09:00', '', shift),
  changeRequestRecord('CHG7', 'approved', '03-14T10:00', '03-14T08:00', shift),
  changeRequestRecord('CHG8', 'approved', '03-15T08:00', '', shift),
  changeRequestRecord('CHG9', 'approved', '03-16T09:00', '03-16T10:00', shift),
];

/** The scenario's native events: each pull request's commit, its CI run and its deployment. */
export function approvalEvents(shift = 0): Record<string, unknown>[] {
  const t = (s: string) => scenarioTime(s, shift);
  const events: Record<string, unknown>[] = [];
  for (const p of approvalPullRequests) {
    const commit = sha(`pr${p.n}`);
    const service = APPROVAL_SERVICE;
    events.push({
      type: 'change',
      service,
      sha: commit,
      committedAt: t(p.first),
      pullRequest: {
        number: p.n,
        mergedAt: t(p.merged),
        mergeSha: commit,
        firstCommitAt: t(p.first),
        ...(p.planned ? { planStartedAt: t(p.planned) } : {}),
      },
    });
    if (p.ci || p.ciFailed)
      events.push({
        type: 'ci_run',
        id: `ci${p.n}`,
        service,
        name: 'build',
        status: p.ci ? 'success' : 'failure',
        sha: commit,
        startedAt: t(p.merged),
        finishedAt: t((p.ci ?? p.ciFailed)!),
      });
    events.push({
      type: 'deployment',
      id: `d${p.n}`,
      service,
      environment: 'production',
      status: 'success',
      sha: commit,
      commits: [commit],
      finishedAt: t(p.deployed),
      ...(p.cr ? { changeRequest: p.cr } : {}),
    });
  }
  return events;
}

/** A configuration that takes change requests pushed with `secret` and pulls nothing. */
export const approvalConfigYaml = (secret: string) =>
  [
    'incidents:',
    '  servicenow:',
    '    instanceUrl: https://example.service-now.com',
    '    username: svc_deming',
    `    webhookSecrets: ["${secret}"]`,
    '    changeRequests: true',
    '    interval: off',
    '',
  ].join('\n');

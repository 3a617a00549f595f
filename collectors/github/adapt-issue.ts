/** Pure mapper: an issue carrying an incident label to a native `incident` event. */
import type { NativeEventInput } from '../../common/events';
import { isoTime } from './adapt-commit';
import type { IssuePayload, RepoRef } from './payloads';

export type IncidentInput = Extract<NativeEventInput, { type: 'incident' }>;

export const issueId = (repo: RepoRef, n: number): string => `${repo.fullName}/issues/${n}`;

/** A `root cause: <sha>` line in the issue body names the commit that caused it. */
export function rootCauseOf(body: string | null | undefined): string | undefined {
  const m = /^[\s>*_-]*root[ -]?cause\s*:\s*`?([0-9a-f]{7,40})\b/im.exec(body ?? '');
  return m ? m[1].toLowerCase() : undefined;
}

/** A label such as `sev1`, `sev:2` or `severity: high` gives the incident's severity. */
export function severityOf(labels: string[]): string | undefined {
  return labels.find((l) => /^sev(erity)?\b|^sev\d/i.test(l.trim()));
}

/** Whether the issue has one of the labels (GitHub compares labels without regard to case). */
export function hasIncidentLabel(issue: IssuePayload, incidentLabels: string[]): boolean {
  const wanted = new Set(incidentLabels.map((l) => l.toLowerCase()));
  return issue.labels.some((l) => wanted.has(l.toLowerCase()));
}

/** An incident issue: opened when the issue was, resolved when it was closed (and open again if reopened); else null. */
export function adaptIssue(repo: RepoRef, issue: IssuePayload, incidentLabels: string[]): IncidentInput | null {
  if (issue.pull_request || !hasIncidentLabel(issue, incidentLabels)) return null;
  const event: IncidentInput = {
    type: 'incident',
    source: 'github',
    id: issueId(repo, issue.number),
    service: repo.fullName,
    openedAt: isoTime(issue.created_at),
    url: issue.html_url,
    updatedAt: isoTime(issue.updated_at),
  };
  if (issue.state === 'closed' && issue.closed_at) event.resolvedAt = isoTime(issue.closed_at);
  const title = issue.title.trim().slice(0, 500);
  if (title) event.title = title;
  const severity = severityOf(issue.labels);
  if (severity) event.severity = severity.trim().slice(0, 50);
  const rootCause = rootCauseOf(issue.body);
  if (rootCause) event.rootCauseSha = rootCause;
  return event;
}

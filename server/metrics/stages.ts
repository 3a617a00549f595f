/** The PDCA stages of a pull request (DESIGN.md, "The change loop"): shared by both metric paths and the changes list. */
import type { ChangeStages } from '../../common/api';

/** A merged pull request and the times of its PDCA stages (ms; null when unknown). */
export interface PullRequestFact {
  serviceId: number;
  deployedAt: number;
  planStartedAt: number | null;
  firstCommitAt: number | null;
  mergedAt: number;
  checkedAt: number | null;
  hasCi: boolean;
}

/** When check ended: the first green CI run on the merge commit (not before the merge), the merge without CI, null when no run passed. */
function checkDoneAt(p: Pick<PullRequestFact, 'mergedAt' | 'checkedAt' | 'hasCi'>): number | null {
  return p.hasCi ? (p.checkedAt === null ? null : Math.max(p.checkedAt, p.mergedAt)) : p.mergedAt;
}

/** The stages of one pull request in seconds. */
export function pullRequestStages(p: PullRequestFact): {
  plan: number | null;
  do: number | null;
  check: number | null;
  act: number | null;
  loop: number | null;
} {
  const nonNegative = (a: number | null, b: number | null) => (a === null || b === null || b < a ? null : (b - a) / 1000);
  const checkDone = checkDoneAt(p);
  return {
    plan: nonNegative(p.planStartedAt, p.firstCommitAt),
    do: nonNegative(p.firstCommitAt, p.mergedAt),
    check: nonNegative(p.mergedAt, checkDone),
    act: nonNegative(checkDone, p.deployedAt),
    loop: nonNegative(p.planStartedAt ?? p.firstCommitAt, p.deployedAt),
  };
}

/** Why a change has no approval segment (docs/DESIGN.md, "The approval wait in a change's stages"). */
export type ApprovalReason = NonNullable<ChangeStages['approvalReason']>;

/** What the deployment that shipped a change says of its change request (nulls where it names none, or its tool told nothing). */
export interface ChangeRequestTimes {
  /** The number the deployment names, or null. */
  changeRequest: string | null;
  /** Whether the tool told its times (a row of change_requests). */
  known: boolean;
  requestedAt: number | null;
  approval: string | null;
  /** When the approval was set (kept only when `approval` is `approved`). */
  approvalSetAt: number | null;
}

/**
 * The approval wait cut out of a change's act stage: from the later of the change request's
 * raising and the end of check, to its approval; 0 when it was approved before check ended (the
 * board held nothing back); `release` is the rest of act (before the request was raised, and after
 * its approval), so approval + release is act and nothing is counted twice. Null
 * with the reason where the deployment names no change request, its tool told nothing, it was not
 * approved, a time is missing, the times are out of order, the approval came after the deployment
 * (an emergency change approved afterwards), or act itself is unknown.
 */
export function approvalSegment(
  p: Pick<PullRequestFact, 'mergedAt' | 'checkedAt' | 'hasCi' | 'deployedAt'>,
  cr: ChangeRequestTimes,
): { approval: number | null; release: number | null; approvalReason: ApprovalReason | null } {
  const none = (approvalReason: ApprovalReason) => ({ approval: null, release: null, approvalReason });
  if (cr.changeRequest === null) return none('no change request');
  if (!cr.known) return none('change request not read');
  if (cr.approval !== 'approved') return none('not approved');
  const checkDone = checkDoneAt(p);
  if (checkDone === null || p.deployedAt < checkDone) return none('act unknown');
  const { requestedAt: raised, approvalSetAt: approved } = cr;
  if (raised === null || approved === null) return none('times missing');
  if (approved < raised) return none('out of order');
  if (approved > p.deployedAt) return none('approved after deployment');
  const from = Math.max(raised, checkDone);
  const to = Math.max(approved, checkDone);
  return { approval: (to - from) / 1000, release: (p.deployedAt - checkDone - (to - from)) / 1000, approvalReason: null };
}

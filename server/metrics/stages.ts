/** The PDCA stages of a pull request (DESIGN.md, "The change loop"): shared by both metric paths and the changes list. */

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

/** The stages of one pull request in seconds. */
export function pullRequestStages(p: PullRequestFact): {
  plan: number | null;
  do: number | null;
  check: number | null;
  act: number | null;
  loop: number | null;
} {
  const nonNegative = (a: number | null, b: number | null) => (a === null || b === null || b < a ? null : (b - a) / 1000);
  const checkDone = p.hasCi ? (p.checkedAt === null ? null : Math.max(p.checkedAt, p.mergedAt)) : p.mergedAt;
  return {
    plan: nonNegative(p.planStartedAt, p.firstCommitAt),
    do: nonNegative(p.firstCommitAt, p.mergedAt),
    check: nonNegative(p.mergedAt, checkDone),
    act: nonNegative(checkDone, p.deployedAt),
    loop: nonNegative(p.planStartedAt ?? p.firstCommitAt, p.deployedAt),
  };
}

/** The PDCA stages of the change loop, as shares of a stacked bar. */
import type { ChangeStages, Stages } from '../../common/api';
import { formatDuration } from './format';

export type StageName = 'plan' | 'do' | 'check' | 'act';
export interface StageRow {
  name: StageName;
  label: string;
  means: string;
  p50: number | null;
  share: number | null;
}

export const STAGE_INFO: readonly { name: StageName; label: string; means: string }[] = [
  { name: 'plan', label: 'Plan', means: 'Issue opened to first commit' },
  { name: 'do', label: 'Do', means: 'First commit to pull request merged' },
  { name: 'check', label: 'Check', means: 'Merged to CI passed on the merge commit' },
  { name: 'act', label: 'Act', means: 'CI passed to running in production' },
];

/** Each stage with its share of the sum of the stage medians that have data (null where none). */
export function stageRows(stages: Stages): StageRow[] {
  const total = STAGE_INFO.reduce((sum, s) => sum + (stages[s.name] ?? 0), 0);
  return STAGE_INFO.map((s) => {
    const p50 = stages[s.name];
    return { ...s, p50, share: p50 === null || total <= 0 ? null : p50 / total };
  });
}

/** How a change's approval segment reads on a page (docs/DESIGN.md, "The approval wait in a change's stages"). */
export interface ApprovalCell {
  /** The wait, formatted, or null where there is none to show. */
  wait: string | null;
  /** Why there is no wait, in words; null where there is one, or where the deployment names no change request. */
  why: string | null;
  /** Act as the page shows it beside the wait: the rest of act where the wait is cut out, else the whole of it. */
  act: number | null;
}

const APPROVAL_WHY: Record<NonNullable<ChangeStages['approvalReason']>, string | null> = {
  'no change request': null,
  'change request not read': 'not read from its tool',
  'not approved': 'not approved',
  'times missing': 'times missing',
  'out of order': 'approved before it was raised',
  'approved after deployment': 'approved after the deployment',
  'act unknown': 'act unknown (no green CI run)',
};

/** A change's approval segment for a table cell, and what its act cell shows so nothing is counted twice. */
export function approvalCell(stages: ChangeStages): ApprovalCell {
  if (stages.approval !== null) return { wait: formatDuration(stages.approval), why: null, act: stages.release };
  return { wait: null, why: stages.approvalReason === null ? null : APPROVAL_WHY[stages.approvalReason], act: stages.act };
}

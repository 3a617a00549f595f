/** The PDCA stages of the change loop, as shares of a stacked bar. */
import type { Stages } from '../../common/api';

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

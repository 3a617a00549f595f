/** The PDCA stages of each loop's changes as stacked bars: each stage's share of the loop's stage medians. */
import type { ChartData } from 'chart.js';
import type { LoopItem } from '../../common/api';
import { STAGE_INFO, stageRows, type StageName } from './stages';

/** The colours of the stage swatches in dashboard.css, so the bars and the page agree. */
export const STAGE_COLOURS: Record<StageName, string> = { plan: '#003078', do: '#1d70b8', check: '#5694ca', act: '#0b0c0c' };

export interface LoopStageStack {
  name: StageName;
  label: string;
  /** Share of the stage medians, in percent; null where the loop has no data for the stage. */
  shares: (number | null)[];
  /** The stage's median in seconds, per loop. */
  p50s: (number | null)[];
}

/** One stack per stage, one value per loop. */
export function loopStageStacks(loops: readonly Pick<LoopItem, 'stages'>[]): LoopStageStack[] {
  const rows = loops.map((l) => stageRows(l.stages));
  return STAGE_INFO.map((s, k) => ({
    name: s.name,
    label: s.label,
    shares: rows.map((r) => (r[k].share === null ? null : Math.round(r[k].share * 1000) / 10)),
    p50s: rows.map((r) => r[k].p50),
  }));
}

/** Whether any loop has a stage with data. */
export function hasStages(stacks: readonly LoopStageStack[]): boolean {
  return stacks.some((s) => s.shares.some((v) => v !== null && v > 0));
}

export function loopStagesChartData(labels: string[], stacks: readonly LoopStageStack[]): ChartData<'bar', (number | null)[], string> {
  return {
    labels,
    datasets: stacks.map((s) => ({
      label: s.label,
      data: s.shares,
      backgroundColor: STAGE_COLOURS[s.name],
      stack: 'stages',
      borderColor: '#ffffff',
      borderWidth: { top: 1, bottom: 0, left: 0, right: 0 },
      maxBarThickness: 44,
    })),
  };
}

/** Where the time goes, loop by loop: each PDCA stage's share of the loop's stage medians, as stacked bars. */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { LoopItem } from '../../../common/api';
import { formatDuration, NO_DATA } from '../../lib/format';
import { loopLabels } from '../../lib/loops-chart';
import { hasStages, loopStagesChartData, loopStageStacks } from '../../lib/loops-stages';
import { STAGE_INFO } from '../../lib/stages';
import { LazyChart as Chart } from '../LazyChart';
import { ChartTable } from '../ChartTable';
import { EmptyState } from '../States';

export function LoopStagesChart({ loops }: { loops: LoopItem[] }) {
  const stacks = useMemo(() => loopStageStacks(loops), [loops]);
  const labels = useMemo(() => loopLabels(loops), [loops]);
  const data = useMemo(() => loopStagesChartData(labels, stacks), [labels, stacks]);
  const options = useMemo(
    (): ChartOptions<'bar'> => ({
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: {
          stacked: true,
          min: 0,
          max: 100,
          title: { display: true, text: 'Share of the stage medians' },
          ticks: { callback: (v) => `${v}%` },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `${loops[items[0].dataIndex].name}` : ''),
            label: (ctx) => `${ctx.dataset.label}: ${formatDuration(stacks[ctx.datasetIndex].p50s[ctx.dataIndex])} (${ctx.parsed.y ?? 0}%)`,
          },
        },
      },
    }),
    [loops, stacks],
  );

  return (
    <section className="panel chart-panel" aria-labelledby="loop-stages-heading" data-testid="loop-stages">
      <h2 id="loop-stages-heading">Where the time goes, loop by loop</h2>
      <p className="legend-note">
        The median of each stage of the change loop, as a share of their sum, for the merged pull requests of each loop. Plan: issue opened
        to first commit; do: to merged; check: to CI passed; act: to running in production.
      </p>
      <ul className="legend" aria-label="Stages">
        {STAGE_INFO.map((s) => (
          <li key={s.name} title={s.means}>
            <span className={`swatch stage-${s.name}`} aria-hidden="true" /> {s.label}
          </li>
        ))}
      </ul>
      {!hasStages(stacks) ? (
        <EmptyState>No merged pull request reached production in these loops.</EmptyState>
      ) : (
        <>
          <Chart
            type="bar"
            data={data}
            options={options}
            height={220}
            testId="loop-stages-canvas"
            label="Stacked bar chart of the plan, do, check and act stages of each loop, as shares. The figures are in the table below."
          />
          <ChartTable
            caption="Stage medians per loop"
            labels={labels}
            columns={[
              { name: 'Pull requests', values: loops.map((l) => String(l.stages.count)) },
              ...stacks.map((s) => ({ name: s.label, values: s.p50s.map((v) => (v === null ? NO_DATA : formatDuration(v))) })),
              { name: 'Whole loop', values: loops.map((l) => formatDuration(l.stages.loop)) },
            ]}
          />
        </>
      )}
    </section>
  );
}

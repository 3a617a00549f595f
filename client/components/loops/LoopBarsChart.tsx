/**
 * One bar per loop for lead time p50 (log axis, so months and hours both read) or deployments
 * per week, with each loop's target as a marker on its bar. Clicking a bar picks the loop.
 */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { LoopItem } from '../../../common/api';
import { formatDuration, formatRate, NO_DATA } from '../../lib/format';
import { formatDurationTick, logDurationScale, ticksThatFit } from '../../lib/log-axis';
import { deploymentBars, leadTimeBars, loopBarChartData, loopDates } from '../../lib/loops-chart';
import { targetMarkersPlugin } from '../../lib/loops-target-plugin';
import { LazyChart as Chart } from '../LazyChart';

const PLUGINS = [targetMarkersPlugin];
import { ChartTable } from '../ChartTable';
import { EmptyState } from '../States';

type BarMetric = 'leadTime' | 'deploymentFrequency';

const TEXT: Record<BarMetric, { title: string; value: string; table: string }> = {
  leadTime: { title: 'Lead time (median) per loop', value: 'Lead time p50', table: 'Lead time p50' },
  deploymentFrequency: { title: 'Deployments per week, per loop', value: 'Deployments per week', table: 'Deployments a week' },
};

const FORMAT: Record<BarMetric, (v: number | null) => string> = {
  leadTime: formatDuration,
  deploymentFrequency: (v) => (v === null ? NO_DATA : formatRate(v)),
};

interface Props {
  metric: BarMetric;
  loops: LoopItem[];
  selected: number;
  onSelect: (index: number) => void;
  /** What the darker bar is, in the legend. */
  selectedLabel?: string;
}

export function LoopBarsChart({ metric, loops, selected, onSelect, selectedLabel = 'loop shown below' }: Props) {
  const bars = useMemo(() => (metric === 'leadTime' ? leadTimeBars(loops) : deploymentBars(loops)), [metric, loops]);
  const data = useMemo(() => loopBarChartData(bars, TEXT[metric].value, selected), [bars, metric, selected]);
  const format = FORMAT[metric];
  const options = useMemo((): ChartOptions<'bar' | 'line'> => {
    const tooltip = {
      callbacks: {
        title: (items: { dataIndex: number }[]) =>
          items[0] ? `${loops[items[0].dataIndex].name} (${loopDates(loops[items[0].dataIndex])})` : '',
        label: (ctx: { dataset: { label?: string }; parsed: { y: number | null } }) => `${ctx.dataset.label}: ${format(ctx.parsed.y)}`,
      },
    };
    const onClick = (_e: unknown, elements: { index: number }[]) => {
      if (elements[0]) onSelect(elements[0].index);
    };
    const x = { type: 'category' as const, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } };
    if (metric === 'leadTime') {
      const axis = logDurationScale([...bars.values, ...bars.targets]);
      return {
        responsive: true,
        maintainAspectRatio: false,
        onClick,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x,
          y: {
            type: 'logarithmic',
            min: axis.min,
            max: axis.max,
            title: { display: true, text: 'Lead time (log scale)' },
            afterBuildTicks: (scale) => {
              // A short chart (the printed retro) shows fewer of them, so the labels do not overlap.
              const shown = ticksThatFit(axis.ticks, scale.height);
              scale.ticks = shown.map((value) => ({ value, major: false, label: '' }));
              // What the axis shows, for tests that read the drawn chart.
              scale.chart.canvas.dataset.yTicks = shown.map(formatDurationTick).join(', ');
            },
            ticks: { callback: (value) => formatDurationTick(Number(value)), autoSkip: false },
          },
        },
        plugins: { tooltip },
      };
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      onClick,
      interaction: { mode: 'index', intersect: false },
      scales: { x, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'Deployments a week' } } },
      plugins: { tooltip },
    };
  }, [bars, metric, loops, onSelect, format]);

  const hasTargets = bars.targets.some((t) => t !== null);
  const hasValues = bars.values.some((v) => v !== null && v > 0);
  const testId = metric === 'leadTime' ? 'loop-lead-time-chart' : 'loop-deployments-chart';
  return (
    <section className="panel chart-panel" aria-labelledby={`${testId}-heading`} data-testid={testId}>
      <h2 id={`${testId}-heading`}>{TEXT[metric].title}</h2>
      <ul className="legend" aria-label="Marks">
        <li>
          <span className="swatch swatch-bar" aria-hidden="true" /> {metric === 'leadTime' ? 'median of the loop' : 'average of the loop'}
        </li>
        <li>
          <span className="swatch swatch-selected" aria-hidden="true" /> {selectedLabel}
        </li>
        {hasTargets && (
          <li>
            <span className="legend-target" aria-hidden="true" /> target planned
          </li>
        )}
      </ul>
      {!hasValues ? (
        <EmptyState>
          {metric === 'leadTime' ? 'No change reached production in these loops.' : 'No successful production deployment in these loops.'}
        </EmptyState>
      ) : (
        <>
          <Chart
            type="bar"
            data={data}
            options={options}
            plugins={PLUGINS}
            height={240}
            testId={`${testId}-canvas`}
            label={`Bar chart of ${TEXT[metric].value.toLowerCase()} per loop${hasTargets ? ', with the planned targets marked' : ''}. The figures are in the table below.`}
          />
          <ChartTable
            caption={TEXT[metric].title}
            labels={bars.labels}
            columns={[
              { name: 'Loop', values: loops.map((l) => l.name), text: true },
              { name: TEXT[metric].table, values: bars.values.map(format) },
              { name: 'Target', values: bars.targets.map((t) => (t === null ? '' : format(t))) },
            ]}
          />
        </>
      )}
    </section>
  );
}

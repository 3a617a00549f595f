/** Lead time p50 and p85 per bucket on a logarithmic axis labelled in durations, so months and hours both read. */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { SeriesResponse } from '../../common/api';
import type { Resource } from '../hooks/useResource';
import { formatDuration } from '../lib/format';
import { formatDurationTick, logDurationScale } from '../lib/log-axis';
import { hasAny, leadTimeChartData, leadTimeSeries } from '../lib/series';
import { LazyChart as Chart } from './LazyChart';
import { ChartTable } from './ChartTable';
import { EmptyState, ErrorMessage, Loading } from './States';

export function LeadTimeChart({ series }: { series: Resource<SeriesResponse> }) {
  const s = useMemo(() => (series.data ? leadTimeSeries(series.data) : null), [series.data]);
  const data = useMemo(() => (s ? leadTimeChartData(s) : null), [s]);
  const options = useMemo((): ChartOptions<'line'> | null => {
    if (!s) return null;
    const axis = logDurationScale([...s.p50, ...s.p85]);
    return {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
        y: {
          type: 'logarithmic', min: axis.min, max: axis.max,
          title: { display: true, text: 'Lead time (log scale)' },
          afterBuildTicks: (scale) => { scale.ticks = axis.ticks.map((value) => ({ value, major: false, label: '' })); },
          ticks: { callback: (value) => formatDurationTick(Number(value)), autoSkip: false },
        },
      },
      plugins: {
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatDuration(ctx.parsed.y)}` } },
      },
    };
  }, [s]);
  const per = series.data?.bucket ?? 'week';

  return (
    <section className="panel chart-panel" aria-labelledby="lead-time-chart-heading" data-testid="lead-time-chart">
      <h2 id="lead-time-chart-heading">Lead time for changes, per {per}</h2>
      <ul className="legend" aria-label="Lines">
        <li><span className="legend-line" aria-hidden="true" /> p50 (median)</li>
        <li><span className="legend-line legend-dashed" aria-hidden="true" /> p85</li>
      </ul>
      {series.error ? <ErrorMessage title="Could not load the trend" error={series.error} onRetry={series.retry} />
        : !s || !data || !options ? <Loading label="Loading the trend…" />
        : !hasAny(s.p50) ? <EmptyState>No change reached production in this range.</EmptyState>
        : (
          <>
            <Chart type="line" data={data} options={options} testId="lead-time-canvas"
              label={`Line chart of lead time per ${per}, p50 and p85, on a logarithmic scale. The figures are in the table below.`} />
            <ChartTable caption={`Lead time per ${per}`} labels={s.labels}
              columns={[{ name: 'p50', values: s.p50.map(formatDuration) }, { name: 'p85', values: s.p85.map(formatDuration) }]} />
          </>
        )}
    </section>
  );
}

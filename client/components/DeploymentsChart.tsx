/** Successful production deployments per bucket, as bars. */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { SeriesResponse } from '../../common/api';
import type { Resource } from '../hooks/useResource';
import { formatCount } from '../lib/format';
import { deploymentsChartData, hasAny } from '../lib/series';
import { LazyChart as Chart } from './LazyChart';
import { ChartTable } from './ChartTable';
import { EmptyState, ErrorMessage, Loading } from './States';

const OPTIONS: ChartOptions<'bar'> = {
  responsive: true,
  maintainAspectRatio: false,
  scales: {
    x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
    y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'Deployments' }, ticks: { precision: 0 } },
  },
  plugins: { tooltip: { callbacks: { label: (ctx) => `${formatCount(ctx.parsed.y ?? 0)} deployments` } } },
};

export function DeploymentsChart({ series }: { series: Resource<SeriesResponse> }) {
  const data = useMemo(() => (series.data ? deploymentsChartData(series.data) : null), [series.data]);
  const per = series.data?.bucket ?? 'week';
  const counts = data?.datasets[0].data ?? [];
  return (
    <section className="panel chart-panel" aria-labelledby="deployments-chart-heading" data-testid="deployments-chart">
      <h2 id="deployments-chart-heading">Deployments per {per}</h2>
      <p className="legend-note">Successful production deployments. The first and last {per} may be partial.</p>
      {series.error ? <ErrorMessage title="Could not load the deployments" error={series.error} onRetry={series.retry} />
        : !data ? <Loading label="Loading the deployments…" />
        : !hasAny(counts) ? <EmptyState>No successful production deployment in this range.</EmptyState>
        : (
          <>
            <Chart type="bar" data={data} options={OPTIONS} testId="deployments-canvas"
              label={`Bar chart of successful production deployments per ${per}. The figures are in the table below.`} />
            <ChartTable caption={`Deployments per ${per}`} labels={data.labels as string[]}
              columns={[{ name: 'Deployments', values: counts.map(formatCount) }]} />
          </>
        )}
    </section>
  );
}

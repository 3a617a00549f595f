/** Successful production deployments per bucket, as bars. */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { SeriesResponse } from '../../common/api';
import type { Resource } from '../hooks/useResource';
import { formatCount } from '../lib/format';
import { deploymentsChartData, hasAny } from '../lib/series';
import { describeSeries } from '../lib/summary-text';
import { LazyChart as Chart } from './LazyChart';
import { ChartTable } from './ChartTable';
import { ChartPanel } from './drilldown/ChartPanel';

const OPTIONS: ChartOptions<'bar'> = {
  responsive: true,
  maintainAspectRatio: false,
  scales: {
    x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
    y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'Deployments' }, ticks: { precision: 0 } },
  },
  plugins: {
    tooltip: {
      callbacks: {
        label: (ctx) => `${formatCount(ctx.parsed.y ?? 0)} ${ctx.parsed.y === 1 ? 'deployment' : 'deployments'}`,
        footer: () => 'successful, to production',
      },
    },
  },
};

export function DeploymentsChart({ series, url }: { series: Resource<SeriesResponse>; url: string }) {
  const data = useMemo(() => (series.data ? deploymentsChartData(series.data) : null), [series.data]);
  const per = series.data?.bucket ?? 'week';
  const counts = data?.datasets[0].data ?? [];
  const labels = (data?.labels ?? []) as string[];
  const summary = data ? describeSeries({ what: `Deployments per ${per}`, labels, values: counts, format: formatCount, per }) : '';
  return (
    <ChartPanel
      id="deployments-chart"
      title={`Deployments per ${per}`}
      csv={{ url, what: `the figures per ${per}`, file: `deployments-per-${per}` }}
      note={`Successful production deployments. The first and last ${per} may be partial.`}
      state={{ error: series.error, retry: series.retry, ready: data !== null }}
      empty={
        data && !hasAny(counts)
          ? 'No deployments yet in this range: configure a source or send deployment events to POST /api/v1/events.'
          : null
      }
      summary={summary}
      chart={
        data && (
          <Chart
            type="bar"
            data={data}
            options={OPTIONS}
            testId="deployments-canvas"
            label={`Bar chart of successful production deployments per ${per}. ${summary} The figures are in the table below.`}
          />
        )
      }
      table={
        <ChartTable
          caption={`Deployments per ${per}`}
          labels={labels}
          columns={[{ name: 'Deployments', values: counts.map(formatCount) }]}
        />
      }
    />
  );
}

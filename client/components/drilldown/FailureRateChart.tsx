/** Change failure rate per bucket, as bars: the share of deployments that caused an incident. Empty buckets stay empty, not 0%. */
import { useMemo } from 'react';
import type { ChartOptions } from 'chart.js';
import type { SeriesResponse } from '../../../common/api';
import type { Resource } from '../../hooks/useResource';
import { failureRateChartData, failureRateSeries, type FailureRateSeries } from '../../lib/drilldown-series';
import { formatPercent, plural } from '../../lib/format';
import { describeSeries } from '../../lib/summary-text';
import { ChartTable } from '../ChartTable';
import { LazyChart as Chart } from '../LazyChart';
import { ChartPanel } from './ChartPanel';

/** `s`: the bars' series, whose failed and deployed counts the tooltip says under the rate. */
const optionsOf = (s: FailureRateSeries): ChartOptions<'bar'> => ({
  responsive: true,
  maintainAspectRatio: false,
  scales: {
    x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
    y: {
      type: 'linear',
      beginAtZero: true,
      suggestedMax: 20,
      title: { display: true, text: 'Deployments that failed' },
      ticks: { callback: (v) => `${v}%` },
    },
  },
  plugins: {
    tooltip: {
      callbacks: {
        label: (ctx) => `${formatPercent((ctx.parsed.y ?? 0) / 100)} of deployments failed`,
        footer: (items) =>
          items[0]
            ? `${s.failed[items[0].dataIndex]} of ${plural(s.deployments[items[0].dataIndex], 'deployment')}${s.partial[items[0].dataIndex] ? ', part of the period' : ''}`
            : '',
      },
    },
  },
});

const percentText = (p: number) => formatPercent(p / 100);

export function FailureRateChart({ series, url }: { series: Resource<SeriesResponse>; url: string }) {
  const s = useMemo(() => (series.data ? failureRateSeries(series.data) : null), [series.data]);
  const data = useMemo(() => (s ? failureRateChartData(s) : null), [s]);
  const options = useMemo(() => (s ? optionsOf(s) : null), [s]);
  const per = series.data?.bucket ?? 'week';
  const summary = s
    ? describeSeries({ what: `Change fail rate per ${per}`, labels: s.labels, values: s.percent, format: percentText, per })
    : '';
  return (
    <ChartPanel
      id="failure-rate-chart"
      title={`Change fail rate, per ${per}`}
      csv={{ url, what: `the figures per ${per}`, file: `change-failure-rate-per-${per}` }}
      note={`The share of successful production deployments that caused an incident, for the services that report incidents. A ${per} without deployments or incident data has no bar; a real 0% is a thin bar; a ${per} the range cuts short is paler.`}
      state={{ error: series.error, retry: series.retry, ready: s !== null }}
      empty={
        s && s.percent.every((p) => p === null)
          ? s.missing.every((m) => m === 'no incident data')
            ? 'No incident data: connect an incident source, or name the services whose incidents are tracked in the evidence setting of deming.config.yaml.'
            : 'No deployments yet in this range, so no failure rate: configure a source or send deployment and incident events.'
          : null
      }
      summary={summary}
      chart={
        data &&
        options && (
          <Chart
            type="bar"
            data={data}
            options={options}
            testId="failure-rate-canvas"
            label={`Bar chart of change failure rate per ${per}. ${summary} The figures are in the table below.`}
          />
        )
      }
      table={
        s && (
          <ChartTable
            caption={`Change fail rate per ${per}`}
            labels={s.labels}
            columns={[
              {
                name: 'Change fail rate',
                values: s.percent.map((p, i) =>
                  p === null
                    ? `— ${s.missing[i] ?? 'no deployments'}`
                    : `${percentText(p)}${s.partial[i] ? ' (part of the ' + per + ')' : ''}`,
                ),
              },
              { name: 'Failed deployments', values: s.failed.map((n, i) => `${n} of ${s.deployments[i]}`) },
            ]}
          />
        )
      }
    />
  );
}

/** Lead time p50 and p85 per bucket on a logarithmic axis labelled in durations, so months and hours both read. */
import { useMemo } from 'react';
import type { SeriesResponse } from '../../common/api';
import type { Resource } from '../hooks/useResource';
import { formatDuration } from '../lib/format';
import { logDurationOptions } from '../lib/drilldown-series';
import { hasAny, leadTimeChartData, leadTimeSeries } from '../lib/series';
import { describeSeries } from '../lib/summary-text';
import { LazyChart as Chart } from './LazyChart';
import { ChartTable } from './ChartTable';
import { ChartPanel } from './drilldown/ChartPanel';

export function LeadTimeChart({ series, url }: { series: Resource<SeriesResponse>; url: string }) {
  const s = useMemo(() => (series.data ? leadTimeSeries(series.data) : null), [series.data]);
  const data = useMemo(() => (s ? leadTimeChartData(s) : null), [s]);
  const options = useMemo(
    () =>
      s && series.data
        ? logDurationOptions([...s.p50, ...s.p85], 'Lead time (log scale)', {
            counts: series.data.points.map((p) => p.leadTime.count),
            noun: ['change', 'changes'],
          })
        : null,
    [s, series.data],
  );
  const per = series.data?.bucket ?? 'week';
  const summary =
    s && series.data
      ? describeSeries({
          what: `Median lead time per ${per}`,
          labels: s.labels,
          per,
          format: formatDuration,
          values: series.data.points.map((p) => p.leadTime.p50),
        })
      : '';

  return (
    <ChartPanel
      id="lead-time-chart"
      title={`Change lead time, per ${per}`}
      csv={{ url, what: `the figures per ${per}`, file: `lead-time-per-${per}` }}
      legend={
        <ul className="legend" aria-label="Lines">
          <li>
            <span className="legend-line" aria-hidden="true" /> p50 (median)
          </li>
          <li>
            <span className="legend-line legend-dashed" aria-hidden="true" /> p85
          </li>
        </ul>
      }
      state={{ error: series.error, retry: series.retry, ready: Boolean(s && data && options) }}
      empty={
        s && !hasAny(s.p50)
          ? 'No change reached production in this range: pick a longer range, or send deployments with their commits.'
          : null
      }
      summary={summary}
      chart={
        s &&
        data &&
        options && (
          <Chart
            type="line"
            data={data}
            options={options}
            testId="lead-time-canvas"
            label={`Line chart of lead time per ${per}, p50 and p85, on a logarithmic scale. ${summary} The figures are in the table below.`}
          />
        )
      }
      table={
        s && (
          <ChartTable
            caption={`Lead time per ${per}`}
            labels={s.labels}
            columns={[
              { name: 'p50', values: s.p50.map(formatDuration) },
              { name: 'p85', values: s.p85.map(formatDuration) },
            ]}
          />
        )
      }
    />
  );
}

/** Time to restore service per bucket: the median from incident opened to resolved, on a logarithmic duration axis. */
import { useMemo } from 'react';
import type { SeriesResponse } from '../../../common/api';
import type { Resource } from '../../hooks/useResource';
import { logDurationOptions, restoreTimeChartData, restoreTimeSeries } from '../../lib/drilldown-series';
import { formatDuration } from '../../lib/format';
import { describeSeries } from '../../lib/summary-text';
import { ChartTable } from '../ChartTable';
import { LazyChart as Chart } from '../LazyChart';
import { ChartPanel } from './ChartPanel';

export function RestoreTimeChart({ series, url }: { series: Resource<SeriesResponse>; url: string }) {
  const s = useMemo(() => (series.data ? restoreTimeSeries(series.data) : null), [series.data]);
  const data = useMemo(() => (s ? restoreTimeChartData(s) : null), [s]);
  const options = useMemo(
    () =>
      s
        ? logDurationOptions(s.p50, 'Time to restore (log scale)', {
            counts: s.incidents,
            noun: ['incident resolved', 'incidents resolved'],
          })
        : null,
    [s],
  );
  const per = series.data?.bucket ?? 'week';
  const summary =
    s && series.data
      ? describeSeries({
          what: `Median time to restore per ${per}`,
          labels: s.labels,
          per,
          format: formatDuration,
          values: series.data.points.map((p) => p.timeToRestore.p50),
        })
      : '';
  return (
    <ChartPanel
      id="restore-time-chart"
      title={`Time to restore, per ${per}`}
      csv={{ url, what: `the figures per ${per}`, file: `time-to-restore-per-${per}` }}
      note={`Median time from an incident opening to its resolution, by the ${per} it was resolved in. A ${per} without a resolved incident has no point.`}
      state={{ error: series.error, retry: series.retry, ready: Boolean(s && data && options) }}
      empty={
        s && s.p50.every((p) => p === null)
          ? 'No incident was resolved in this range: nothing to restore, or incidents are not being sent yet (see POST /api/v1/events).'
          : null
      }
      summary={summary}
      chart={
        data &&
        options && (
          <Chart
            type="line"
            data={data}
            options={options}
            testId="restore-time-canvas"
            label={`Chart of median time to restore per ${per}, on a logarithmic scale. ${summary} The figures are in the table below.`}
          />
        )
      }
      table={
        s && (
          <ChartTable
            caption={`Time to restore per ${per}`}
            labels={s.labels}
            columns={[
              { name: 'Time to restore, median', values: s.p50.map(formatDuration) },
              { name: 'Incidents resolved', values: s.incidents.map(String) },
            ]}
          />
        )
      }
    />
  );
}

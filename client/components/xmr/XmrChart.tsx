/**
 * The process behaviour (XmR) chart of lead time p50 per bucket: the values with the centre line
 * and the natural process limits, the moving ranges beneath with their upper limit, and the
 * signals marked by shape and a label, explained on hover and in the table.
 */
import { useMemo } from 'react';
import type { ChartOptions, TooltipItem } from 'chart.js';
import type { SeriesResponse } from '../../../common/api';
import type { Resource } from '../../hooks/useResource';
import { countFooter } from '../../lib/chart-tooltip';
import { formatDuration } from '../../lib/format';
import { bucketLabels } from '../../lib/series';
import { durationAxis, formatAxisDuration, signalExplanations, signalSummary, xmrChartData, xmrTableColumns } from '../../lib/xmr-chart';
import { signalLabelsPlugin } from '../../lib/xmr-labels';
import { LazyChart as Chart } from '../LazyChart';
import { ChartTable } from '../ChartTable';
import { EmptyState, ErrorMessage, Loading } from '../States';
import { XmrLegend } from './XmrLegend';

const PLUGINS = [signalLabelsPlugin];

function lineOptions(max: number, title: string, extra: Partial<ChartOptions<'line'>>['plugins'] = {}): ChartOptions<'line'> {
  // Headroom above the highest point, for its signal label.
  const axis = durationAxis(max > 0 ? max * 1.08 : 3600);
  return {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { type: 'category', grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
      y: {
        type: 'linear',
        min: 0,
        max: axis.max,
        title: { display: true, text: title },
        afterBuildTicks: (scale) => {
          scale.ticks = axis.ticks.map((value) => ({ value, major: false, label: '' }));
        },
        ticks: { callback: (v) => formatAxisDuration(Number(v), axis.step), autoSkip: false },
      },
    },
    plugins: extra,
  };
}

export function XmrChart({ series }: { series: Resource<SeriesResponse> }) {
  const s = series.data;
  const labels = useMemo(() => (s ? bucketLabels(s.points, s.bucket) : []), [s]);
  const charts = useMemo(() => (s ? xmrChartData(s.leadTimeXmr, labels) : null), [s, labels]);
  const options = useMemo(() => {
    if (!s || !charts) return null;
    const x = s.leadTimeXmr;
    const explanations = signalExplanations(x);
    const valueMax = Math.max(0, ...x.values.map((v) => v ?? 0), x.upperLimit ?? 0);
    const rangeMax = Math.max(0, ...x.movingRanges.map((v) => v ?? 0), x.movingRangeUpperLimit ?? 0);
    const label = (ctx: TooltipItem<'line'>) => `${ctx.dataset.label}: ${formatDuration(ctx.parsed.y)}`;
    return {
      individuals: lineOptions(valueMax, 'Lead time p50', {
        signalLabels: { labels: charts.labels },
        tooltip: {
          callbacks: {
            label,
            afterBody: (items) => (items[0] ? explanations[items[0].dataIndex] : []),
            footer: countFooter<'line'>(
              s.points.map((p) => p.leadTime.count),
              'change',
            ),
          },
        },
      }),
      movingRange: lineOptions(rangeMax, 'Moving range', { tooltip: { callbacks: { label } } }),
    };
  }, [s, charts]);
  const per = s?.bucket ?? 'week';
  const x = s?.leadTimeXmr;

  return (
    <section className="panel chart-panel xmr" aria-labelledby="xmr-heading" data-testid="xmr-chart">
      <h2 id="xmr-heading">Process behaviour chart: lead time per {per}</h2>
      <p className="legend-note">
        Points inside the natural process limits (mean ± 2.66 × the mean moving range) vary by chance; a signal says something changed the
        process.
      </p>
      {series.error ? (
        <ErrorMessage title="Could not load the process behaviour chart" error={series.error} onRetry={series.retry} />
      ) : !s || !x || !charts || !options ? (
        <Loading label="Loading the process behaviour chart…" />
      ) : x.centre === null ? (
        <EmptyState>Too few {per}s with changes in this range to compute limits.</EmptyState>
      ) : (
        <>
          <XmrLegend xmr={x} lowerBelowZero={charts.lowerBelowZero} />
          <p className="xmr-summary" data-testid="xmr-summary">
            {signalSummary(x.signals, per)}
          </p>
          <Chart
            type="line"
            data={charts.individuals}
            options={options.individuals}
            plugins={PLUGINS}
            height={280}
            testId="xmr-canvas"
            label={`Process behaviour chart of lead time p50 per ${per}, with the centre line, the natural process limits and ${x.signals.length} signals marked. The figures are in the table below.`}
          />
          <h3 className="xmr-sub">Moving range: the change from one {per} to the next</h3>
          <Chart
            type="line"
            data={charts.movingRange}
            options={options.movingRange}
            height={160}
            testId="xmr-range-canvas"
            label={`Moving range chart: the difference between consecutive ${per}s, with its mean and upper range limit. The figures are in the table below.`}
          />
          <ChartTable caption={`Lead time p50 per ${per}, moving range and signals`} labels={labels} columns={xmrTableColumns(x)} />
        </>
      )}
    </section>
  );
}

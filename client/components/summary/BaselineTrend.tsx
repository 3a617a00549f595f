/**
 * Each department's median lead time month by month since its baseline began, the baseline's
 * months shaded and named, on one logarithmic scale shared by the departments (higher is slower).
 */
import type { SummaryRow } from '../../../common/api';
import { formatDate, formatDuration } from '../../lib/format';
import { sparkDomain, sparkline } from '../../lib/summary-sparkline';
import { describeSeries } from '../../lib/summary-text';
import { bucketLabels } from '../../lib/series';

const BOX = { width: 640, height: 90, padding: 6 };

function Line({ row, domain }: { row: SummaryRow; domain: ReturnType<typeof sparkDomain> }) {
  const points = row.sinceBaseline;
  const baseline = row.metrics.baseline!;
  const line = sparkline(
    points.map((p) => p.leadTimeP50),
    BOX,
    domain,
  );
  const step = points.length > 1 ? (BOX.width - 2 * BOX.padding) / (points.length - 1) : 0;
  // The months that overlap the baseline, shaded from the first to half a step past the last.
  const inBaseline = points.filter((p) => p.from < baseline.to).length;
  const shadeTo = Math.min(BOX.width, BOX.padding + Math.max(0, inBaseline - 0.5) * step);
  const text = `${describeSeries({ what: `${row.department.name}: median lead time by month since the baseline`, labels: bucketLabels(points, 'month'), values: points.map((p) => p.leadTimeP50), format: formatDuration, per: 'month' })} The baseline is ${formatDate(baseline.from)} to ${formatDate(baseline.to)}.`;
  return (
    <svg
      className="baseline-trend-line"
      role="img"
      aria-label={text}
      viewBox={`0 0 ${BOX.width} ${BOX.height}`}
      preserveAspectRatio="none"
      focusable="false"
      data-testid="baseline-trend-line"
    >
      <title>{text}</title>
      {inBaseline > 0 && <rect className="baseline-shade" data-testid="baseline-mark" x={0} y={0} width={shadeTo} height={BOX.height} />}
      <line className="sparkline-axis" x1={BOX.padding} x2={BOX.width - BOX.padding} y1={BOX.height - 1} y2={BOX.height - 1} />
      {line.path && <path className="sparkline-line" d={line.path} vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}

export function BaselineTrend({ rows }: { rows: readonly SummaryRow[] }) {
  const shown = rows.filter((r) => r.metrics.baseline && r.sinceBaseline.length > 0);
  if (shown.length === 0) return null;
  const domain = sparkDomain(shown.map((r) => r.sinceBaseline.map((p) => p.leadTimeP50)));
  return (
    <section className="panel baseline-trend" aria-labelledby="baseline-trend-heading" data-testid="baseline-trend">
      <h2 id="baseline-trend-heading">Lead time since the baseline</h2>
      <p className="muted small">
        Median change lead time by month, from the month each department's baseline began; the shaded months are the baseline. Logarithmic
        scale: higher is slower.
      </p>
      <ul className="baseline-trend-list">
        {shown.map((r) => (
          <li key={r.department.id} data-testid="baseline-trend-row" data-department={r.department.id}>
            <span className="baseline-trend-name">
              {r.department.name}
              <span className="block small muted">
                {formatDate(r.sinceBaseline[0].from)} to {formatDate(r.sinceBaseline[r.sinceBaseline.length - 1].to)}; shaded: the baseline
              </span>
            </span>
            <Line row={r} domain={domain} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A department's lead time over twelve months as an inline SVG line, named by a sentence for screen readers. */
import type { TrendPoint } from '../../../common/api';
import { sparkline, type SparkDomain } from '../../lib/summary-sparkline';
import { describeTrend } from '../../lib/summary-text';

const BOX = { width: 132, height: 36, padding: 4 };

/** `domain` is shared by the rows of a table, so their lines can be compared. */
export function Sparkline({ points, domain }: { points: readonly TrendPoint[]; domain: SparkDomain | null }) {
  const line = sparkline(
    points.map((p) => p.leadTimeP50),
    BOX,
    domain,
  );
  const text = describeTrend(points);
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={text}
      width={BOX.width}
      height={BOX.height}
      viewBox={`0 0 ${BOX.width} ${BOX.height}`}
      focusable="false"
      data-testid="sparkline"
    >
      <title>{text}</title>
      <line className="sparkline-axis" x1={BOX.padding} x2={BOX.width - BOX.padding} y1={BOX.height - 1} y2={BOX.height - 1} />
      {line.path && <path className="sparkline-line" d={line.path} />}
      {line.isolated.map((p) => (
        <circle key={p.index} className="sparkline-dot" cx={p.x} cy={p.y} r={2} />
      ))}
      {line.last && <circle className="sparkline-last" cx={line.last.x} cy={line.last.y} r={3} />}
    </svg>
  );
}

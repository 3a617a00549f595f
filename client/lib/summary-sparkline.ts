/**
 * A sparkline of lead time: an SVG path on a logarithmic scale (lead time falls from months
 * to hours, so a linear line would be flat at the end), with gaps where a month had no change.
 */

export interface SparkPoint {
  index: number;
  x: number;
  y: number;
  value: number;
}
export interface Sparkline {
  /** The SVG path: one `M` per run of months with data. */
  path: string;
  points: SparkPoint[];
  /** The latest month with data, marked with a dot. */
  last: SparkPoint | null;
  /** Months with data but no neighbour with data: no line reaches them, so they get a dot. */
  isolated: SparkPoint[];
}
export interface SparkDomain {
  min: number;
  max: number;
}
export interface SparkBox {
  width: number;
  height: number;
  padding: number;
}

/** Zero cannot sit on a log scale: it is drawn at one second, as on the lead-time chart. */
const onLog = (v: number) => Math.max(v, 1);
const present = (v: number | null): v is number => v !== null && Number.isFinite(v) && v >= 0;
const round = (n: number) => Math.round(n * 10) / 10;

/** The smallest and largest value over several lines, so rows share one scale; null with no data. */
export function sparkDomain(lines: readonly (readonly (number | null)[])[]): SparkDomain | null {
  const values = lines.flat().filter(present).map(onLog);
  if (values.length === 0) return null;
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** The points and path of one line in a box, on the given domain (its own by default). */
export function sparkline(
  values: readonly (number | null)[],
  box: SparkBox,
  domain: SparkDomain | null = sparkDomain([values]),
): Sparkline {
  if (!domain || values.length === 0) return { path: '', points: [], last: null, isolated: [] };
  const { width, height, padding } = box;
  const lo = Math.log(domain.min);
  const span = Math.log(domain.max) - lo;
  const step = values.length > 1 ? (width - 2 * padding) / (values.length - 1) : 0;
  const points: SparkPoint[] = [];
  values.forEach((v, index) => {
    if (!present(v)) return;
    // The top of the box is the slowest: up means longer, as on every lead-time chart here.
    const t = span > 0 ? (Math.log(onLog(v)) - lo) / span : 0.5;
    points.push({
      index,
      value: v,
      x: round(values.length > 1 ? padding + index * step : width / 2),
      y: round(height - padding - t * (height - 2 * padding)),
    });
  });
  const joined = (i: number) => i > 0 && i < points.length && points[i - 1].index === points[i].index - 1;
  const path = points.map((p, i) => `${joined(i) ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
  const isolated = points.filter((_, i) => !joined(i) && !joined(i + 1));
  return { path, points, last: points.length > 0 ? points[points.length - 1] : null, isolated };
}

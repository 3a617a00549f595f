/**
 * A chart.js plugin (this chart only) that writes a short label above the signal points of
 * the first dataset, so a signal never rests on colour or shape alone.
 */
import type { ChartType, Plugin } from 'chart.js';

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Labels by data index for the first dataset's points; null for none. */
    signalLabels?: { labels: (string | null)[] };
  }
}

export const signalLabelsPlugin: Plugin<'line'> = {
  id: 'signalLabels',
  afterDatasetsDraw(chart, _args, options: { labels?: (string | null)[] }) {
    const labels = options.labels ?? [];
    const meta = chart.getDatasetMeta(0);
    if (!meta || meta.hidden) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.font = `700 12px ${chart.options.font?.family ?? 'sans-serif'}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    labels.forEach((label, i) => {
      const point = meta.data[i];
      if (!label || !point) return;
      const { x, y } = point.getProps(['x', 'y'], true) as { x: number; y: number };
      // Above the point, or below it when it sits at the top of the plot.
      const above = y - 10 > chartArea.top + 12;
      const ty = above ? y - 10 : y + 24;
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeText(label, x, ty);
      ctx.fillStyle = '#0b0c0c';
      ctx.fillText(label, x, ty);
    });
    ctx.restore();
  },
};

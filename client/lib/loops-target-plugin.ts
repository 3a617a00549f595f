/**
 * A chart.js plugin (the loop bar charts only) that draws each loop's target as a dashed line
 * across its bar, on a white halo so it reads on the bar and off it. The target dataset itself
 * is drawn invisible; it keeps the tooltip.
 */
import type { ChartType, Plugin } from 'chart.js';
import { TARGET_COLOUR } from './loops-chart';

export const targetMarkersPlugin: Plugin<ChartType> = {
  id: 'targetMarkers',
  afterDatasetsDraw(chart) {
    const index = chart.data.datasets.findIndex((d) => d.label === 'Target');
    if (index < 0) return;
    const targets = chart.getDatasetMeta(index);
    const bars = chart.getDatasetMeta(0);
    const { ctx } = chart;
    ctx.save();
    targets.data.forEach((point, i) => {
      const value = chart.data.datasets[index].data[i];
      if (value === null || value === undefined) return;
      const { x, y } = point.getProps(['x', 'y'], true) as { x: number; y: number };
      const bar = bars.data[i] as unknown as { width?: number } | undefined;
      const half = Math.max(10, (bar?.width ?? 24) / 2 + 6);
      ctx.lineCap = 'butt';
      ctx.setLineDash([]);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 7;
      ctx.beginPath();
      ctx.moveTo(x - half, y);
      ctx.lineTo(x + half, y);
      ctx.stroke();
      ctx.strokeStyle = TARGET_COLOUR;
      ctx.lineWidth = 3;
      ctx.setLineDash([6, 3]);
      ctx.beginPath();
      ctx.moveTo(x - half, y);
      ctx.lineTo(x + half, y);
      ctx.stroke();
    });
    ctx.restore();
  },
};

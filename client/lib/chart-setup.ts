/** Registers only the chart.js parts the dashboard draws (tree-shaken), with the house typography. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { CHART_COLOURS } from './series';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip);

Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'Arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = CHART_COLOURS.text;
Chart.defaults.borderColor = CHART_COLOURS.grid;
// Merged into chart.js's own animation defaults, never put in their place: chart.js copies only
// the animation options its defaults name, and with a bare `{ duration }` in their place the
// tooltip's fade-in stopped after its first frame, at 0.5% opacity (issue 17).
Chart.defaults.set('animation', { duration: 250 });

/** For the browser tests and the curious: the chart drawn on a canvas, to read what its tooltip shows. */
(window as Window & { demingChartOf?: (canvas: HTMLCanvasElement) => Chart | undefined }).demingChartOf = (canvas) =>
  Chart.getChart(canvas);

export { Chart };

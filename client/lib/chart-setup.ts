/** Registers only the chart.js parts the dashboard draws (tree-shaken), with the house typography. */
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, Tooltip,
} from 'chart.js';
import { CHART_COLOURS } from './series';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip);

Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'Arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = CHART_COLOURS.text;
Chart.defaults.borderColor = CHART_COLOURS.grid;
Chart.defaults.animation = { duration: 250 };

export { Chart };

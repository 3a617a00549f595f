/**
 * The one chart.js wrapper: creates the chart once, updates it in place when `data` or
 * `options` change (pass memoised values), and destroys it on unmount.
 */
import { useEffect, useRef } from 'react';
import type { ChartData, ChartOptions, ChartType, DefaultDataPoint, Plugin } from 'chart.js';
import { Chart as ChartJs } from '../lib/chart-setup';

export interface ChartProps<TType extends ChartType, TData = DefaultDataPoint<TType>> {
  type: TType;
  data: ChartData<TType, TData, string>;
  options: ChartOptions<TType>;
  /** What the chart shows, for screen readers (the canvas is an image to them). */
  label: string;
  height?: number;
  testId?: string;
  /** Inline plugins of this chart only, fixed at creation (their options go in `options.plugins`). */
  plugins?: Plugin<TType>[];
}

export function Chart<TType extends ChartType, TData = DefaultDataPoint<TType>>({ type, data, options, label, height = 260, testId, plugins }: ChartProps<TType, TData>) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartJs<TType, TData, string> | null>(null);
  // What the instance shows now, so the mount does not update it a second time.
  const shown = useRef<{ data: unknown; options: unknown }>({ data: null, options: null });

  useEffect(() => {
    if (!canvas.current) return;
    // Created with this render's props; later props go through the update effect below.
    const instance = new ChartJs<TType, TData, string>(canvas.current, { type, data, options, plugins });
    chart.current = instance;
    shown.current = { data, options };
    return () => {
      instance.destroy();
      chart.current = null;
    };
  }, [type]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || (shown.current.data === data && shown.current.options === options)) return;
    shown.current = { data, options };
    instance.data = data;
    instance.options = options;
    instance.update();
  }, [data, options]);

  return (
    <div className="chart" style={{ height }} data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={label}>
        {label}
      </canvas>
    </div>
  );
}

/**
 * The one chart.js wrapper: creates the chart once, updates it in place when `data` or
 * `options` change (pass memoised values), and destroys it on unmount. The canvas takes the
 * keyboard focus: the arrow keys show each bucket's tooltip, as hovering it would, and the
 * tooltip's words are said to screen readers.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ActiveElement, ChartData, ChartOptions, ChartType, DefaultDataPoint, Plugin } from 'chart.js';
import { Chart as ChartJs } from '../lib/chart-setup';
import { isChartKey, nextChartIndex, type ChartKey } from '../lib/chart-keys';

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

/** The elements of every visible dataset at `index` that have a value. */
function elementsAt(chart: ChartJs, index: number): ActiveElement[] {
  const found: ActiveElement[] = [];
  chart.data.datasets.forEach((dataset, datasetIndex) => {
    const meta = chart.getDatasetMeta(datasetIndex);
    const value = dataset.data[index];
    if (!chart.isDatasetVisible(datasetIndex) || value === null || value === undefined || !meta.data[index]) return;
    found.push({ datasetIndex, index, element: meta.data[index] });
  });
  return found;
}

/** What the tooltip says now, as one line of text. */
function tooltipText(chart: ChartJs): string {
  const t = chart.tooltip;
  if (!t) return '';
  const lines = [
    ...(t.title ?? []),
    ...(t.beforeBody ?? []),
    ...(t.body ?? []).flatMap((b) => [...b.before, ...b.lines, ...b.after]),
    ...(t.afterBody ?? []),
    ...(t.footer ?? []),
  ];
  return lines.filter((l) => l !== '').join('. ');
}

export function Chart<TType extends ChartType, TData = DefaultDataPoint<TType>>({
  type,
  data,
  options,
  label,
  height = 260,
  testId,
  plugins,
}: ChartProps<TType, TData>) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartJs<TType, TData, string> | null>(null);
  // What the instance shows now, so the mount does not update it a second time.
  const shown = useRef<{ data: unknown; options: unknown }>({ data: null, options: null });
  // The bucket the keyboard shows, and its tooltip in words.
  const focused = useRef<number | null>(null);
  const [spoken, setSpoken] = useState('');

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
    if (focused.current !== null) show(focused.current);
  }, [data, options]);

  /** Shows the tooltip of bucket `index` (null: none), as the pointer would. */
  const show = (index: number | null) => {
    const instance = chart.current as unknown as ChartJs | null;
    if (!instance) return;
    const active = index === null ? [] : elementsAt(instance, index);
    focused.current = active.length > 0 ? index : null;
    const at = active[0]?.element;
    instance.setActiveElements(active);
    instance.tooltip?.setActiveElements(active, { x: at?.x ?? 0, y: at?.y ?? 0 });
    instance.update();
    setSpoken(active.length > 0 ? tooltipText(instance) : '');
  };

  /** Moves the keyboard's bucket; on focus, to the latest bucket with a value. */
  const move = (key: ChartKey) => {
    const instance = chart.current as unknown as ChartJs | null;
    if (!instance) return;
    show(nextChartIndex(focused.current, key, instance.data.labels?.length ?? 0, (i) => elementsAt(instance, i).length > 0));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (!isChartKey(e.key)) return;
    e.preventDefault();
    move(e.key);
  };

  return (
    <div className="chart" style={{ height }} data-testid={testId}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`${label} Use the arrow keys to read the figures bucket by bucket.`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (focused.current === null) move('End');
        }}
        onBlur={() => show(null)}
      >
        {label}
      </canvas>
      <p className="visually-hidden" aria-live="polite" data-testid="chart-tooltip-text">
        {spoken}
      </p>
    </div>
  );
}

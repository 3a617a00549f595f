/**
 * `<Chart>` loaded on demand: chart.js is a third of the JavaScript, so the tiles show
 * before it arrives, and the charts follow.
 */
import { lazy, Suspense } from 'react';
import type { ChartType, DefaultDataPoint } from 'chart.js';
import type { ChartProps } from './Chart';

const Chart = lazy(() => import('./Chart').then((m) => ({ default: m.Chart })));

export function LazyChart<TType extends ChartType, TData = DefaultDataPoint<TType>>(props: ChartProps<TType, TData>) {
  // lazy() forgets the generic; the props were checked against it above.
  const loose = props as unknown as ChartProps<ChartType, unknown>;
  return (
    <Suspense fallback={<div className="chart" style={{ height: props.height ?? 260 }} />}>
      <Chart {...loose} />
    </Suspense>
  );
}

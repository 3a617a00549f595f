/** What every chart's tooltip says under its value: the count the bucket's figure rests on. */
import type { ChartType, TooltipItem } from 'chart.js';
import { plural } from './format';

/** A tooltip `footer` callback: "from 12 changes" for the bucket under the pointer (or the keyboard). */
export function countFooter<T extends ChartType>(
  counts: readonly number[],
  one: string,
  many?: string,
): (items: TooltipItem<T>[]) => string {
  return (items) => (items[0] ? `from ${plural(counts[items[0].dataIndex] ?? 0, one, many)}` : '');
}

/** A column header that sorts its table: a real button inside the `<th>`, with `aria-sort` on the sorted one. */
import type { ReactNode } from 'react';
import { ariaSort, type SortState } from '../../lib/summary-sort';

interface Props<K extends string> {
  column: K;
  sort: SortState<K>;
  onSort: (column: K) => void;
  className?: string;
  children: ReactNode;
}

const ICONS = { ascending: '▲', descending: '▼' } as const;

export function SortableHeader<K extends string>({ column, sort, onSort, className, children }: Props<K>) {
  const direction = ariaSort(sort, column);
  return (
    <th scope="col" aria-sort={direction} className={className}>
      <button type="button" className="sort-button" onClick={() => onSort(column)} data-testid={`sort-${column}`}>
        <span className="sort-label">{children}</span>
        {/* The direction is in aria-sort and the caption; the arrow is for the eye. */}
        <span className={`sort-icon${direction ? ' sort-icon-active' : ''}`} aria-hidden="true">{direction ? ICONS[direction] : '↕'}</span>
      </button>
    </th>
  );
}

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
        <span className={`sort-icon${direction ? ' sort-icon-active' : ''}`} aria-hidden="true">
          {direction ? ICONS[direction] : '↕'}
        </span>
      </button>
    </th>
  );
}

/** A column of a sortable table: its sort key, label, optional unit line, and whether it holds numbers. */
export interface SortableColumn<K extends string> {
  key: K;
  label: string;
  unit?: string;
  num?: boolean;
}

/** The header row of a sortable table: one {@link SortableHeader} per column. */
export function SortableHeaderRow<K extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: readonly SortableColumn<K>[];
  sort: SortState<K>;
  onSort: (column: K) => void;
}) {
  return (
    <tr>
      {columns.map((c) => (
        <SortableHeader key={c.key} column={c.key} sort={sort} onSort={onSort} className={c.num ? 'num' : undefined}>
          {c.label}
          {c.unit && <span className="th-unit">{c.unit}</span>}
        </SortableHeader>
      ))}
    </tr>
  );
}

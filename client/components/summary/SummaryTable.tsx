/**
 * One row per department: lead time now and against the baseline, deployments, failures,
 * restores, a twelve-month sparkline and the spread of its services over the bands. Every
 * column sorts; the order is a way to read, never a ranking.
 */
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { SummaryRow } from '../../../common/api';
import { describeSpeedup, formatDuration, formatPercent, speedupLabel, formatRate, NO_DATA, plural } from '../../lib/format';
import { pathForScope } from '../../lib/scope';
import { sparkDomain } from '../../lib/summary-sparkline';
import { nextSort, sortRows, summarySortValue, type SortState, type SummarySortKey } from '../../lib/summary-sort';
import { describeSort, tooFewToCompare } from '../../lib/summary-text';
import { aheadOfText } from '../../lib/benchmark';
import { ScrollTable } from '../ScrollTable';
import { BandBar } from './BandBar';
import { SortableHeaderRow, type SortableColumn } from './SortableHeader';
import { Sparkline } from './Sparkline';

type Column = SortableColumn<SummarySortKey>;

const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Department' },
  { key: 'nowLeadTime', label: 'Lead time', unit: 'median, last 90 days', num: true },
  { key: 'speedup', label: 'Since the baseline' },
  { key: 'deploymentsPerWeek', label: 'Deployments', unit: 'per week', num: true },
  { key: 'changeFailureRate', label: 'Change fail rate', num: true },
  { key: 'timeToRestore', label: 'Time to restore', unit: 'median', num: true },
  { key: 'trend', label: 'Lead time', unit: 'last 12 months' },
  { key: 'bands', label: 'Services by band' },
  { key: 'benchmark', label: 'Against government', unit: 'DORA Quick Check' },
];

function SpeedupCell({ row }: { row: SummaryRow }) {
  const { speedup, baseline, now } = row.metrics;
  const sentence = describeSpeedup(baseline?.leadTimeP50 ?? null, now.leadTimeP50, speedup);
  if (tooFewToCompare(row.metrics))
    return (
      <span className="muted" data-testid="speedup-cell">
        too few changes to compare
      </span>
    );
  if (!sentence || speedup === null) return <span className="muted">{NO_DATA} no comparison yet</span>;
  const factor = speedupLabel(speedup);
  return (
    <>
      <strong className="speedup-cell" data-testid="speedup-cell">
        {factor}
      </strong>
      <span className="block small muted">
        from {formatDuration(baseline?.leadTimeP50)} to {formatDuration(now.leadTimeP50)}
      </span>
    </>
  );
}

export function SummaryTable({ rows }: { rows: readonly SummaryRow[] }) {
  const { search } = useLocation();
  const [sort, setSort] = useState<SortState<SummarySortKey>>({ key: 'name', direction: 'ascending' });
  const sorted = useMemo(() => sortRows(rows, sort, summarySortValue, (r) => r.department.name), [rows, sort]);
  const domain = useMemo(() => sparkDomain(rows.map((r) => r.trend.map((p) => p.leadTimeP50))), [rows]);
  const column = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0];
  const sortedBy = describeSort(`${column.label}${column.unit ? ` ${column.unit}` : ''}`, sort.direction, column.key === 'name');

  return (
    <ScrollTable label="Departments" testId="summary-scroll">
      <table className="summary-table sticky-first" data-testid="summary-table">
        <caption>
          <span className="visually-hidden">Departments. </span>
          <span data-testid="sort-caption">{sortedBy}</span>
          <span className="no-print"> Select a column heading to sort by it.</span>
        </caption>
        <thead>
          <SortableHeaderRow columns={COLUMNS} sort={sort} onSort={(k) => setSort((x) => nextSort(x, k))} />
        </thead>
        <tbody>
          {sorted.map((row) => {
            const m = row.metrics;
            return (
              <tr key={row.department.id} data-testid="summary-row" data-department={row.department.id}>
                <th scope="row">
                  <Link to={{ pathname: pathForScope(`department:${row.department.id}`), search }} data-testid="department-link">
                    {row.department.name}
                  </Link>
                  <span className="block small muted">{plural(row.services, 'service')}</span>
                </th>
                <td className="num">
                  <strong data-testid="lead-time-cell">{formatDuration(m.now.leadTimeP50)}</strong>
                </td>
                <td>
                  <SpeedupCell row={row} />
                </td>
                <td className="num">{m.deploymentFrequency.count > 0 ? formatRate(m.deploymentFrequency.perWeek) : NO_DATA}</td>
                <td className="num">
                  {m.changeFailureRate.reason ? (
                    <span className="muted small">no incident data</span>
                  ) : (
                    formatPercent(m.changeFailureRate.rate)
                  )}
                </td>
                <td className="num">
                  {m.timeToRestore.reason ? <span className="muted small">no incident data</span> : formatDuration(m.timeToRestore.p50)}
                </td>
                <td>
                  <Sparkline points={row.trend} domain={domain} />
                </td>
                <td>{m.bands ? <BandBar bands={m.bands} /> : <span className="muted">{NO_DATA}</span>}</td>
                <td data-testid="benchmark-cell">
                  {m.benchmark.average.score === null ? (
                    <span className="muted small">no comparison: it needs lead time, deployments, recovery and failures</span>
                  ) : (
                    <>
                      <strong>{aheadOfText(m.benchmark.average.aheadOf.government, m.benchmark.industries.government)}</strong>
                      <span className="block small muted">
                        score {m.benchmark.average.score.toFixed(1)} of 10;{' '}
                        {aheadOfText(m.benchmark.average.aheadOf.all, m.benchmark.industries.all.toLowerCase())}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollTable>
  );
}

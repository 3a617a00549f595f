/**
 * One level down from the scope, with figures: the departments of the organisation, the teams
 * of a department or the services of a team. Each row links down; every column sorts.
 */
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { ChildrenResponse, ChildRow } from '../../../common/api';
import type { Resource } from '../../hooks/useResource';
import { formatDuration, formatPercent, formatRate, NO_DATA, plural } from '../../lib/format';
import { pathForScope, type ScopeKind } from '../../lib/scope';
import { childSortValue, nextSort, sortRows, type ChildSortKey, type SortState } from '../../lib/summary-sort';
import { describeSort } from '../../lib/summary-text';
import { BandBadge } from '../BandBadge';
import { ScrollTable } from '../ScrollTable';
import { BandBar } from '../summary/BandBar';
import { CsvLink } from '../summary/CsvLink';
import { SortableHeaderRow, type SortableColumn } from '../summary/SortableHeader';
import { EmptyState, ErrorMessage, Loading } from '../States';

const CHILD = { org: ['Department', 'Departments'], department: ['Team', 'Teams'], team: ['Service', 'Services'] } as const;

interface Column extends SortableColumn<ChildSortKey> {
  rollUpOnly?: boolean;
}

function columnsFor(noun: string): Column[] {
  return [
    { key: 'name', label: noun },
    { key: 'services', label: 'Services', num: true, rollUpOnly: true },
    { key: 'leadTime', label: 'Change lead time', unit: 'median', num: true },
    { key: 'deploymentsPerWeek', label: 'Deployments', unit: 'per week', num: true },
    { key: 'changeFailureRate', label: 'Change fail rate', num: true },
    { key: 'timeToRestore', label: 'Time to restore', unit: 'median', num: true },
    { key: 'band', label: 'Overall band' },
    { key: 'bands', label: 'Services by band', rollUpOnly: true },
  ];
}

interface Props {
  kind: Exclude<ScopeKind, 'service'>;
  scopeName: string;
  children: Resource<ChildrenResponse>;
  url: string;
}

export function ChildrenTable({ kind, scopeName, children, url }: Props) {
  const { search } = useLocation();
  const [one, many] = CHILD[kind];
  const rollUp = kind !== 'team';
  const columns = useMemo(() => columnsFor(one).filter((c) => rollUp || !c.rollUpOnly), [one, rollUp]);
  const [sort, setSort] = useState<SortState<ChildSortKey>>({ key: 'name', direction: 'ascending' });
  const rows = useMemo(() => sortRows(children.data?.items ?? [], sort, childSortValue, (r: ChildRow) => r.name), [children.data, sort]);
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];

  return (
    <section className="panel" aria-labelledby="children-heading" data-testid="children">
      <div className="panel-title-row">
        <h2 id="children-heading">
          {many} in {scopeName}
        </h2>
        <CsvLink url={url} what={`the figures of the ${many.toLowerCase()}`} file={`${many.toLowerCase()}`} />
      </div>
      {children.error ? (
        <ErrorMessage title={`Could not load the ${many.toLowerCase()}`} error={children.error} onRetry={children.retry} />
      ) : !children.data ? (
        <Loading label={`Loading the ${many.toLowerCase()}…`} />
      ) : rows.length === 0 ? (
        <EmptyState>
          No {many.toLowerCase()} with services yet: map services to {many.toLowerCase()} in <code>deming.config.yaml</code>, or send events
          for them.
        </EmptyState>
      ) : (
        <ScrollTable label={`${many} in ${scopeName}`}>
          <table className="children-table sticky-first">
            <caption>
              <span className="visually-hidden">
                {many} in {scopeName}.{' '}
              </span>
              {describeSort(`${column.label}${column.unit ? ` ${column.unit}` : ''}`, sort.direction, column.key === 'name')}
              <span className="no-print"> Select a column heading to sort by it; select a name to see its figures.</span>
            </caption>
            <thead>
              <SortableHeaderRow columns={columns} sort={sort} onSort={(k) => setSort((x) => nextSort(x, k))} />
            </thead>
            <tbody>
              {rows.map((r) => {
                const m = r.metrics;
                return (
                  <tr key={r.scope} data-testid="child-row">
                    <th scope="row">
                      <Link to={{ pathname: pathForScope(r.scope), search }} data-testid="child-link">
                        {r.name}
                      </Link>
                    </th>
                    {rollUp && <td className="num">{r.services}</td>}
                    <td className="num">
                      {formatDuration(m.leadTime.p50)}
                      <span className="block small muted">{plural(m.leadTime.count, 'change')}</span>
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
                      <BandBadge band={m.band} />
                    </td>
                    {rollUp && <td>{m.bands ? <BandBar bands={m.bands} /> : NO_DATA}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </section>
  );
}

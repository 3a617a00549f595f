/** The sparklines' figures as a table (month by department), folded away, with each department's CSV. */
import type { SummaryRow } from '../../../common/api';
import { apiUrl } from '../../lib/api-client';
import { formatDuration, formatRate } from '../../lib/format';
import { bucketLabels } from '../../lib/series';
import { CsvLink } from './CsvLink';

export function TrendTable({ rows }: { rows: readonly SummaryRow[] }) {
  const first = rows.find((r) => r.trend.length > 0);
  if (!first) return null;
  const labels = bucketLabels(first.trend, 'month');
  const window = { from: first.trend[0].from, to: first.trend[first.trend.length - 1].to };
  return (
    <details className="chart-table trend-table" data-testid="trend-table">
      <summary>Show the last 12 months as a table</summary>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="The last 12 months by department, table">
        <table>
          <caption className="visually-hidden">Median lead time and deployments per week, by month and department</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              {rows.map((r) => (
                <th key={r.department.id} scope="col" className="num">
                  {r.department.name}: lead time, median
                </th>
              ))}
              {rows.map((r) => (
                <th key={r.department.id} scope="col" className="num">
                  {r.department.name}: deployments per week
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {rows.map((r) => (
                  <td key={r.department.id} className="num">
                    {formatDuration(r.trend[i]?.leadTimeP50)}
                  </td>
                ))}
                {rows.map((r) => (
                  <td key={r.department.id} className="num">
                    {formatRate(r.trend[i]?.deploymentsPerWeek)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="csv-list">
        {rows.map((r) => (
          <li key={r.department.id}>
            {r.department.name}:{' '}
            <CsvLink
              url={apiUrl('/api/v1/metrics/series', { scope: `department:${r.department.id}`, ...window, bucket: 'month' })}
              what={`${r.department.name}'s figures by month`}
              file={`${r.department.id}-by-month`}
            />
          </li>
        ))}
      </ul>
    </details>
  );
}

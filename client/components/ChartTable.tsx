/** A chart's figures as a table, folded away: the accessible and exact twin of the canvas. */
/** `text`: names rather than figures, which may wrap anywhere (a loop's name can run to 200 characters). */
export interface ChartColumn {
  name: string;
  values: string[];
  text?: boolean;
}

export function ChartTable({ caption, labels, columns }: { caption: string; labels: string[]; columns: ChartColumn[] }) {
  return (
    <details className="chart-table">
      <summary>Show the figures as a table</summary>
      {/* It scrolls, so it takes the focus: keyboard users scroll it with the arrow keys (WCAG 2.1.1). */}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${caption}, table`}>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Period starting</th>
              {columns.map((c) => (
                <th key={c.name} scope="col">
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={`${label}-${i}`}>
                <th scope="row">{label}</th>
                {columns.map((c) => (
                  <td key={c.name} className={c.text ? 'text-cell' : undefined}>
                    {c.values[i]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

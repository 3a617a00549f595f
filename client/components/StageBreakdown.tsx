/** Where the time goes: the median of each PDCA stage of the change loop, as a stacked bar and a table. */
import type { Stages } from '../../common/api';
import { formatDuration, formatPercent, plural } from '../lib/format';
import { stageRows } from '../lib/stages';
import { EmptyState } from './States';
import { CsvLink } from './summary/CsvLink';

/** `csvUrl`: the scope's metrics, whose CSV carries the stage medians. */
export function StageBreakdown({ stages, csvUrl }: { stages: Stages; csvUrl: string }) {
  const rows = stageRows(stages);
  const drawn = rows.filter((r) => r.share !== null && r.share > 0);
  return (
    <section className="panel" aria-labelledby="stages-heading" data-testid="stages">
      <div className="panel-title-row">
        <h2 id="stages-heading">Where the time goes: the change loop (plan, do, check, act)</h2>
        <CsvLink url={csvUrl} what="the figures, stage medians included" file="metrics" />
      </div>
      {stages.count === 0 ? (
        <EmptyState>No merged pull request reached production in this range.</EmptyState>
      ) : (
        <>
          <p className="muted small">
            Medians over {plural(stages.count, 'pull request')}. Whole loop: <strong>{formatDuration(stages.loop)}</strong>. Medians of the
            stages need not add up to the median of the whole.
          </p>
          {drawn.length > 0 && (
            <div className="stacked-bar stages-bar" aria-hidden="true">
              {drawn.map((r) => (
                <span key={r.name} className={`segment stage-${r.name}`} style={{ flexGrow: r.share ?? 0 }}>
                  {(r.share ?? 0) >= 0.08 ? `${r.label} ${formatDuration(r.p50)}` : ''}
                </span>
              ))}
            </div>
          )}
          <table className="stages-table">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">From → to</th>
                <th scope="col" className="num">
                  Median
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-stage={r.name}>
                  <th scope="row">
                    <span className={`swatch stage-${r.name}`} aria-hidden="true" /> {r.label}
                  </th>
                  <td>{r.means}</td>
                  <td className="num">{r.p50 === null ? '— no data' : formatDuration(r.p50)}</td>
                  <td className="num">{formatPercent(r.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Check: the loop's figures against the previous loop and the baseline, and whether the lead-time change is more than noise. */
import type { LoopItem } from '../../../common/api';
import { formatDate, formatLastDay, formatPercent, plural } from '../../lib/format';
import { comparisonRows, describeBaseline } from '../../lib/loops-compare';
import { loopPhase } from '../../lib/loops-state';
import { ScrollTable } from '../ScrollTable';

const ARROWS = { better: '▲', worse: '▼', same: '=' } as const;

export function LoopCheck({ loop, previous }: { loop: LoopItem; previous: LoopItem | null }) {
  const rows = comparisonRows(loop, previous);
  // A loop still running has figures so far, and no verdict until it ends.
  const running = loopPhase(loop, Date.now()) !== 'ended';
  const lt = running ? null : (loop.check?.leadTime ?? null);
  // The first planned loop is checked against the same length of time before it.
  const against = loop.check && loop.check.previousId === null ? 'the same length of time before this loop' : 'the previous loop';
  return (
    <div className="loop-check" data-testid="loop-check">
      {running ? (
        <p className="verdict verdict-none" data-testid="verdict">
          <strong>No verdict yet: this loop runs until {formatLastDay(loop.to)}.</strong> The figures below are so far (
          {plural(loop.metrics.leadTime.count, 'change')}); the Check compares it with the previous loop when it ends.
        </p>
      ) : lt ? (
        <div className={`verdict verdict-${lt.direction}`} data-testid="verdict">
          <p className="verdict-words">
            <strong>
              Lead time against {against}: {lt.verdict}.
            </strong>
          </p>
          <p className="muted small">
            Mann-Whitney U test over {plural(lt.currentCount, 'change')} in this loop and {plural(lt.previousCount, 'change')} in{' '}
            {loop.check?.previousId === null ? 'the time before it' : 'the previous one'}
            {lt.effect !== null && (
              <>; a change of this loop was the faster of a pair {formatPercent(lt.effect)} of the time (50%: no difference)</>
            )}
            .{lt.pValue !== null && ' The p-value is the chance of a difference this large if nothing had changed.'}
          </p>
        </div>
      ) : (
        <p className="muted" data-testid="verdict">
          No previous loop to check against
          {loop.derived ? '.' : ': this is the first loop planned here. Its lead time is compared with the baseline below.'}
        </p>
      )}
      <ScrollTable label={`${loop.name} against the previous loop`}>
        <table className="compare-table" data-testid="compare-table">
          <caption className="visually-hidden">{loop.name} against the previous loop and the baseline</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                {running ? 'This loop, so far' : 'This loop'}
              </th>
              <th scope="col" className="num">
                Previous loop
              </th>
              <th scope="col">Change from the previous loop</th>
              <th scope="col" className="num">
                Baseline
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.metric} data-metric={r.metric}>
                <th scope="row">{r.label}</th>
                <td className="num strong" data-label={running ? 'This loop, so far' : 'This loop'}>
                  {r.current}
                </td>
                <td className="num" data-label="Previous loop">
                  {r.previous}
                </td>
                {running ? (
                  <td className="change change-none" data-label="Change" data-testid="change-so-far">
                    <span className="muted">so far: {r.change.words}</span>
                  </td>
                ) : (
                  <td className={`change change-${r.change.better ?? 'none'}`} data-label="Change">
                    <span>
                      {r.change.better && (
                        <span className="change-arrow" aria-hidden="true">
                          {ARROWS[r.change.better]}
                        </span>
                      )}
                      {r.change.words}
                      {r.change.better === 'better' || r.change.better === 'worse' ? (
                        <span className="muted">{` (${r.change.better})`}</span>
                      ) : null}
                    </span>
                  </td>
                )}
                <td className="num" data-label="Baseline">
                  {r.baseline}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
      {!previous && loop.check?.previousId && (
        <p className="muted small" data-testid="previous-outside">
          The previous loop lies before the range shown: widen the range, or open the retro, to compare every metric.
        </p>
      )}
      <p className="small">
        Lead time is <strong>{describeBaseline(loop)}</strong>
        {loop.baseline && (
          <span className="muted">
            {' '}
            (baseline: {formatDate(loop.baseline.from)} to {formatDate(loop.baseline.to)}, {plural(loop.baseline.count, 'change')})
          </span>
        )}
        .
      </p>
    </div>
  );
}

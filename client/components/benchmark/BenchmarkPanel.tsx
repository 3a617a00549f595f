/**
 * A scope's measured figures of the last 90 days against DORA's Quick Check: where they fall
 * among Government's and all industries' answers. It says plainly that those are survey
 * answers, not measurements, and where they come from.
 */
import type { Benchmark } from '../../../common/api';
import { aheadOfText, benchmarkRows } from '../../lib/benchmark';
import { NO_DATA } from '../../lib/format';

export function BenchmarkPanel({ benchmark: b, scopeName }: { benchmark: Benchmark; scopeName: string }) {
  const rows = benchmarkRows(b);
  return (
    <section className="panel benchmark" aria-labelledby="benchmark-heading" data-testid="benchmark">
      <h2 id="benchmark-heading">Against government: DORA Quick Check {b.edition}</h2>
      <p className="small">
        How {scopeName}'s measured figures of the last 90 days compare with the answers people in {b.industries.government} and in{' '}
        {b.industries.all.toLowerCase()} gave DORA's Quick Check.{' '}
        <strong>Those are survey answers, people's own estimates, not measurements.</strong>
      </p>
      <div className="table-scroll">
        <table className="benchmark-table">
          <caption className="visually-hidden">Each figure's Quick Check answer and score, and the share of answers it is ahead of</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" className="num">
                Score <span className="muted small">0 to 10</span>
              </th>
              <th scope="col">{b.industries.government}</th>
              <th scope="col">{b.industries.all}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`benchmark-${r.id}`} className={r.id === 'average' ? 'benchmark-average' : undefined}>
                <th scope="row">
                  {r.label}
                  {r.answer && <span className="block small muted">{r.answer}</span>}
                </th>
                <td className="num">{r.figure.score === null ? NO_DATA : r.figure.score.toFixed(1)}</td>
                <td data-testid="ahead-government">{aheadOfText(r.figure.aheadOf.government, b.industries.government)}</td>
                <td>{aheadOfText(r.figure.aheadOf.all, b.industries.all.toLowerCase())}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small" data-testid="benchmark-source">
        Source: {b.source}
      </p>
    </section>
  );
}

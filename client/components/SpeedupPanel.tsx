/** "From months to hours": the lead time now against the scope's baseline. */
import type { MetricsResponse } from '../../common/api';
import { describeSpeedup, formatDate, formatFactor, plural } from '../lib/format';

export function SpeedupPanel({ metrics }: { metrics: MetricsResponse }) {
  const { baseline, speedup, leadTime } = metrics;
  const sentence = describeSpeedup(baseline?.leadTimeP50 ?? null, leadTime.p50, speedup);
  return (
    <section className="panel speedup" aria-labelledby="speedup-heading" data-testid="speedup">
      <h2 id="speedup-heading">Lead time against the baseline</h2>
      {sentence && speedup !== null ? (
        <>
          <p className="speedup-factor" aria-hidden="true">{speedup >= 1 ? `${formatFactor(speedup)} faster` : `${formatFactor(1 / speedup)} slower`}</p>
          <p className="speedup-sentence">Median lead time went {sentence}.</p>
        </>
      ) : (
        <p className="muted">No comparison yet: it needs changes deployed both in the baseline and in this range.</p>
      )}
      {baseline && (
        <p className="muted small">
          Baseline: {formatDate(baseline.from)} to {formatDate(baseline.to)}, {plural(baseline.count, 'change')}.
        </p>
      )}
    </section>
  );
}

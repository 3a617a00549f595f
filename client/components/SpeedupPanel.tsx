/** "From months to hours": the lead time now (the last 90 days of the range) against the scope's baseline. */
import type { MetricsResponse } from '../../common/api';
import { describeSpeedup, formatLastDay, plural, speedupLabel } from '../lib/format';
import { baselineNote, tooFewToCompare } from '../lib/summary-text';

export function SpeedupPanel({ metrics }: { metrics: MetricsResponse }) {
  const { baseline, speedup, now } = metrics;
  const sentence = describeSpeedup(baseline?.leadTimeP50 ?? null, now.leadTimeP50, speedup);
  return (
    <section className="panel speedup" aria-labelledby="speedup-heading" data-testid="speedup">
      <h2 id="speedup-heading">Lead time against the baseline</h2>
      {sentence && speedup !== null ? (
        <>
          <p className="speedup-factor" aria-hidden="true">
            {speedupLabel(speedup)}
          </p>
          <p className="speedup-sentence">Median lead time went {sentence}.</p>
        </>
      ) : tooFewToCompare(metrics) ? (
        <p data-testid="too-few-changes">
          <strong>Too few changes to compare.</strong> A speed-up needs 10 changes in the baseline and 10 in the last 90 days.
        </p>
      ) : (
        <p className="muted">No comparison yet: it needs changes deployed both in the baseline and in the last 90 days.</p>
      )}
      <p className="muted small" data-testid="now-note">
        Now: the 90 days to {formatLastDay(now.to)}, {plural(now.count, 'change')}; the same whatever range is picked above.
      </p>
      {baseline && (
        <p className="muted small" data-testid="baseline-note">
          {baseline.provisional && (
            <>
              <strong className="provisional" data-testid="baseline-provisional">
                Provisional:
              </strong>{' '}
              {baseline.configured
                ? "the backfill has not yet reached the baseline's start, so it may change."
                : 'the backfill is still reading older history, so the first 90 days of data may move.'}{' '}
            </>
          )}
          {baselineNote(baseline)}
        </p>
      )}
    </section>
  );
}

/**
 * While a first backfill still reads a scope's older history (newest first), how far back the
 * figures go so far, overall and per source, so nobody reads a short history as the whole.
 */
import type { Backfill } from '../../common/api';

/** "2025-03": the month a history reaches back to. */
const month = (iso: string) => iso.slice(0, 7);

export function BackfillNotice({ backfill }: { backfill: Backfill }) {
  const several = backfill.sources.length > 1;
  return (
    <div className="backfill-notice" role="status" data-testid="backfill-notice">
      <p>
        <strong>History from {month(backfill.reachedFrom)} so far; backfill running.</strong> Older history is still being collected, newest
        first: figures that reach further back will change as it arrives.
      </p>
      {several && (
        <p className="muted small" data-testid="backfill-sources">
          {backfill.sources.map((s) => `${s.source.slice(s.source.indexOf(':') + 1)} from ${month(s.reachedFrom)}`).join(', ')}.
        </p>
      )}
    </div>
  );
}

/** The range a page covers, and the polite live region that says when its figures moved (without moving the page). */
import type { ScopeLive } from '../../hooks/useScopeLive';
import type { DateRange } from '../../lib/date-range';
import { formatDate, formatTime } from '../../lib/format';

export function RangeLine({ range, live }: { range: DateRange; live: Pick<ScopeLive, 'announcement' | 'updatedAt'> }) {
  return (
    <p className="range-line">
      <span data-testid="range-text">
        {formatDate(`${range.from}T00:00:00Z`)} to {range.to ? formatDate(`${range.to}T00:00:00Z`) : 'now'}
      </span>
      {/* Always in the page, so screen readers hear what is put in it later. */}
      <span className="live-status" aria-live="polite" data-testid="live-status">
        {live.announcement || (live.updatedAt ? `Updated at ${formatTime(live.updatedAt)}` : '')}
      </span>
    </p>
  );
}

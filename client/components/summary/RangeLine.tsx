/**
 * The range a page covers, when its figures were last read ("Updated at"), and the polite live
 * region that says what moved (without moving the page).
 */
import { useEffect, useState } from 'react';
import type { ScopeLive } from '../../hooks/useScopeLive';
import type { DateRange } from '../../lib/date-range';
import { formatDate, formatTime } from '../../lib/format';

interface Props {
  range: DateRange;
  live: Pick<ScopeLive, 'announcement' | 'updatedAt'>;
  /** When the page's figures were last read from the server (on open, and after each live change). */
  loadedAt?: string | null;
  /** What moved on this page, said instead of the channel's announcement ("Updated: deployment frequency now…"). */
  news?: string;
}

export function RangeLine({ range, live, loadedAt = null, news = '' }: Props) {
  // Whichever of the two spoke last is what the region says.
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (live.announcement) setSaid(live.announcement);
  }, [live.announcement]);
  useEffect(() => {
    if (news) setSaid(news);
  }, [news]);
  const updated = [loadedAt, live.updatedAt]
    .filter((t): t is string => t !== null)
    .sort()
    .pop();
  return (
    <p className="range-line">
      <span data-testid="range-text">
        {formatDate(`${range.from}T00:00:00Z`)} to {range.to ? formatDate(`${range.to}T00:00:00Z`) : 'now'}
      </span>
      {updated && (
        <span className="updated-at" data-testid="updated-at">
          Updated at <time dateTime={updated}>{formatTime(updated)}</time>
        </span>
      )}
      {/* Always in the page, so screen readers hear what is put in it later. */}
      <span className="live-status" aria-live="polite" data-testid="live-status">
        {said}
      </span>
    </p>
  );
}

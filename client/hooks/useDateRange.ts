/** The page's date range, read from and written to the URL query, so it is shareable and back/forward work. */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { rangeFromSearch, searchForRange, utcDay, type DateRange } from '../lib/date-range';

export interface DateRangeState {
  range: DateRange;
  today: string;
  setRange: (range: DateRange) => void;
}

export function useDateRange(): DateRangeState {
  const [params, setParams] = useSearchParams();
  const today = utcDay(new Date());
  // useSearchParams keeps `params` while the query is unchanged, so the range stays one object.
  const range = useMemo(() => rangeFromSearch(params, today), [params, today]);
  const setRange = useCallback((next: DateRange) => setParams(new URLSearchParams(searchForRange(next, utcDay(new Date())))), [setParams]);
  return { range, today, setRange };
}

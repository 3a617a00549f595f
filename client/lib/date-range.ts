/**
 * The date range of a page, as it stands in the URL: `from` and `to` are calendar days
 * (UTC, like the server's default calendar), both included; no `to` means "up to now".
 * The API's window is [from, to), so the day after `to` is sent.
 */
export interface DateRange {
  from: string;
  to: string | null;
}
export interface Preset {
  id: string;
  label: string;
  days: number;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DEFAULT_DAYS = 90;

export const PRESETS: readonly Preset[] = [
  { id: '30d', label: '30 days', days: 30 },
  { id: '90d', label: '90 days', days: 90 },
  { id: '12m', label: '12 months', days: 365 },
  { id: '18m', label: '18 months', days: 548 },
];

/** Whether a string is a real calendar day such as 2026-02-28. */
export function isIsoDate(value: string | null | undefined): value is string {
  if (!value || !ISO_DATE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** The UTC calendar day of an instant. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The range a URL asks for; what is missing or malformed falls back to the last 90 days. */
export function rangeFromSearch(search: URLSearchParams, today: string): DateRange {
  const from = search.get('from');
  const to = search.get('to');
  return {
    from: isIsoDate(from) ? from : addDays(today, -DEFAULT_DAYS),
    to: isIsoDate(to) && to < today ? to : null,
  };
}

/** The URL query of a range: `to` only when it ends before today. */
export function searchForRange(range: DateRange, today: string): string {
  const params = new URLSearchParams({ from: range.from });
  if (range.to !== null && range.to < today) params.set('to', range.to);
  return `?${params.toString()}`;
}

/** The API window [from, to) of a range; without `to` the server counts up to now. */
export function apiWindow(range: DateRange): { from: string; to?: string } {
  return range.to === null ? { from: range.from } : { from: range.from, to: addDays(range.to, 1) };
}

/** The range of a preset: the last N days, up to now. */
export function presetRange(preset: Preset, today: string): DateRange {
  return { from: addDays(today, -preset.days), to: null };
}

/** The default length of range ending on a day (inclusive), or up to now where that day is today or later. */
export function rangeEndingOn(day: string, today: string): DateRange {
  return { from: addDays(day, -(DEFAULT_DAYS - 1)), to: day < today ? day : null };
}

/** Which preset a range is, if any. */
export function activePreset(range: DateRange, today: string): Preset | undefined {
  return range.to === null ? PRESETS.find((p) => addDays(today, -p.days) === range.from) : undefined;
}

/** Weekly buckets up to two years, monthly beyond, so charts stay readable. */
export function bucketFor(range: DateRange, today: string): 'week' | 'month' {
  const end = range.to ?? today;
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS;
  return days > 2 * 366 ? 'month' : 'week';
}

/** Formatting of durations, rates, counts and bands for people: months and hours must both read. */
import type { Band } from '../../common/api';

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 7 * DAY;
/** DESIGN.md counts a month as 30 days (the "medium" lead-time band). */
export const MONTH = 30 * DAY;
export const YEAR = 365 * DAY;

/** The sign shown where a figure has no data. */
export const NO_DATA = '—';

interface Unit {
  size: number;
  one: string;
  many: string;
}
const UNITS: Unit[] = [
  { size: 1, one: 's', many: 's' },
  { size: MINUTE, one: 'min', many: 'min' },
  { size: HOUR, one: 'hour', many: 'hours' },
  { size: DAY, one: 'day', many: 'days' },
  { size: MONTH, one: 'month', many: 'months' },
  { size: YEAR, one: 'year', many: 'years' },
];

/** One decimal below 10, whole numbers above: "6.4", "11", "1.5"; never "2.0". */
export function roundForDisplay(value: number): number {
  return value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value);
}

function trimNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * A duration in seconds as a person would say it: "25 min", "6.4 hours", "11 days",
 * "3.2 months". The unit is the largest one the value reaches, so 59.97 minutes reads "1 hour".
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NO_DATA;
  const s = Math.max(0, seconds);
  let i = UNITS.length - 1;
  while (i > 0 && s < UNITS[i].size) i--;
  // Rounding can reach the next unit (59.97 min would read "60 min"): say it in that unit.
  const next = UNITS[i + 1];
  if (next && roundForDisplay(s / UNITS[i].size) * UNITS[i].size >= next.size) i++;
  const unit = UNITS[i];
  const value = roundForDisplay(s / unit.size);
  return `${trimNumber(value)} ${value === 1 ? unit.one : unit.many}`;
}

/** A rate 0..1 as a percentage: "6.1%", "12%", "0%"; null → "—". */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return NO_DATA;
  return `${trimNumber(roundForDisplay(rate * 100))}%`;
}

const countFormat = new Intl.NumberFormat('en-GB');

/** A whole count with thousands separators: "2,891". */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** A rate such as deployments per week: "225", "22.5", "3.2", "0.4". */
export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NO_DATA;
  if (n >= 100) return formatCount(Math.round(n));
  return trimNumber(n >= 10 ? Math.round(n * 10) / 10 : roundForDisplay(n));
}

/** "1 change", "2,891 deployments". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const BAND_LABELS: Record<Band, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' };

/** The band as words, so colour never carries it alone. */
export function bandLabel(band: Band | null | undefined): string {
  return band ? BAND_LABELS[band] : 'No band';
}

/**
 * The "months to hours" sentence: how the lead time moved from the baseline.
 * `speedup` is baseline p50 / current p50, so below 1 means slower.
 */
export function describeSpeedup(baselineP50: number | null, currentP50: number | null, speedup: number | null): string | null {
  if (baselineP50 === null || currentP50 === null || speedup === null || !Number.isFinite(speedup) || speedup <= 0) return null;
  const fromTo = `from ${formatDuration(baselineP50)} at baseline to ${formatDuration(currentP50)}`;
  if (speedup >= 1.05) return `${fromTo}: ${formatFactor(speedup)} faster`;
  if (speedup <= 1 / 1.05) return `${fromTo}: ${formatFactor(1 / speedup)} slower`;
  return `${fromTo}: about the same`;
}

/** "786× faster", "2.1× slower", or "about the same" within 5 %. */
export function speedupLabel(speedup: number): string {
  if (speedup >= 1.05) return `${formatFactor(speedup)} faster`;
  if (speedup <= 1 / 1.05) return `${formatFactor(1 / speedup)} slower`;
  return 'About the same';
}

/** "786×", "2.1×". */
export function formatFactor(x: number): string {
  return `${x >= 10 ? formatCount(Math.round(x)) : x.toFixed(1)}×`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** "7 Aug 2025" (UTC, like the server's calendar). */
export function formatDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateFormat.format(t);
}

/** The last day of a window [from, to): "16 Mar 2026" for a `to` of 17 Mar 00:00. */
export function formatLastDay(to: string): string {
  const t = Date.parse(to);
  return Number.isNaN(t) ? to : dateFormat.format(t - 1);
}

/** "15:32:04" in the viewer's time zone, for things that just happened. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : timeFormat.format(t);
}

/**
 * At most `max` characters (code points, so an emoji is never cut in half), with "…" where it
 * was cut: for a name quoted in a sentence, which may have come from an address of any length.
 */
export function shorten(text: string, max = 120): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

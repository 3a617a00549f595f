/** Time helpers for the demo generator; every instant is epoch milliseconds in UTC. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO 8601 with `Z`, truncated to whole seconds as GitHub reports them. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

/** The same instant moved forward to Monday when it falls on a weekend. */
export function onWeekday(ms: number): number {
  let out = ms;
  while (isWeekend(out)) out += DAY;
  return out;
}

/** `now` minus whole calendar months, so "18 months" means what a reader expects. */
export function monthsBefore(now: number, months: number): number {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}

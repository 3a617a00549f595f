/**
 * Calendar days, Monday-to-Sunday weeks and months in a time zone, as epoch-ms boundaries.
 * Everything is computed from the zone's own offsets, so daylight-saving days are 23 or 25 hours.
 */
export type Bucket = 'day' | 'week' | 'month';

const DAY = 86_400_000;
/** `Intl` formatters by zone name: a memo of code alone (the same zone always gives the same formatter). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether the runtime knows a time zone name. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localParts(t: number, tz: string): LocalDate & { h: number; min: number; s: number } {
  // The default zone needs no Intl, which costs microseconds a call and is called per deployment.
  if (tz === 'UTC') {
    const u = new Date(t);
    return {
      y: u.getUTCFullYear(),
      m: u.getUTCMonth() + 1,
      d: u.getUTCDate(),
      h: u.getUTCHours(),
      min: u.getUTCMinutes(),
      s: u.getUTCSeconds(),
    };
  }
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, min: p.minute, s: p.second };
}

/** The zone's offset from UTC at instant t, in ms. */
function offsetAt(t: number, tz: string): number {
  const l = localParts(t, tz);
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.min, l.s) - Math.floor(t / 1000) * 1000;
}

/** The instant of local midnight of a calendar date (month and day may overflow). */
function midnight(date: LocalDate, tz: string): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d);
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  return t;
}

export function localDate(t: number, tz: string): LocalDate {
  const { y, m, d } = localParts(t, tz);
  return { y, m, d };
}

/** `YYYY-MM-DD` of the local day containing t. */
export function dayKey(t: number, tz: string): string {
  const { y, m, d } = localParts(t, tz);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const QUARTER_HOUR = 900_000;

/**
 * The start of the local day containing t, remembered per quarter hour: zone offsets are whole
 * quarter hours, so local midnight always falls on a quarter-hour boundary in UTC, and every
 * instant of one UTC quarter hour lies in the same local day. One per app context (it holds
 * the configured zones' days), made with the read state and dropped with it.
 */
export class DayStarts {
  private readonly zones = new Map<string, Map<number, number>>();

  of(t: number, tz: string): number {
    let cache = this.zones.get(tz);
    if (!cache) this.zones.set(tz, (cache = new Map()));
    const key = Math.floor(t / QUARTER_HOUR);
    let start = cache.get(key);
    if (start === undefined) {
      if (cache.size > 200_000) cache.clear();
      start = midnight(localDate(t, tz), tz);
      cache.set(key, start);
    }
    return start;
  }

  clear(): void {
    this.zones.clear();
  }
}

/** The start of the day, week (Monday) or month containing t. */
export function startOf(bucket: Bucket, t: number, tz: string): number {
  const l = localDate(t, tz);
  if (bucket === 'day') return midnight(l, tz);
  if (bucket === 'month') return midnight({ y: l.y, m: l.m, d: 1 }, tz);
  const weekday = (new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay() + 6) % 7; // Monday = 0
  return midnight({ y: l.y, m: l.m, d: l.d - weekday }, tz);
}

/** The start of the next day, week or month after the one starting at `start`. */
export function nextStart(bucket: Bucket, start: number, tz: string): number {
  const l = localDate(start + DAY / 2, tz);
  if (bucket === 'day') return midnight({ ...l, d: l.d + 1 }, tz);
  if (bucket === 'week') return midnight({ ...l, d: l.d + 7 }, tz);
  return midnight({ y: l.y, m: l.m + 1, d: 1 }, tz);
}

/** The calendar periods that overlap [from, to), each as [start, end). */
export function periods(bucket: Bucket, from: number, to: number, tz: string): [number, number][] {
  const out: [number, number][] = [];
  for (let s = startOf(bucket, from, tz); s < to;) {
    const e = nextStart(bucket, s, tz);
    out.push([s, e]);
    s = e;
  }
  return out;
}

/**
 * Jira's times, exactly. Its REST API and webhooks write `2026-01-02T03:04:05.000+0100` (an offset
 * without a colon, milliseconds optional); JQL reads `"2026-01-02 03:04"`, to the minute, in the
 * time zone of the account that searches (its profile's `timeZone`, from `/myself`).
 */

const JIRA_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of a Jira time, or null when it is not one (no zone, impossible fields). */
export function parseJiraTime(text: string): number | null {
  const m = JIRA_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const s = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // A day the month does not have (02-30) rolls over: refused.
  if (new Date(local).getUTCDate() !== d) return null;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 14 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  return local - offsetMin * 60_000;
}

/** Whether a time zone name is one this runtime knows (an IANA name such as Europe/London). */
export function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const parts = (ms: number, zone: string) => {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
};

/**
 * A JQL date for "at or after `ms`" as the account in `zone` reads it: the local minute (floored,
 * so the whole minute is included). Near a change of the clocks (an hour that happens twice) the
 * local time of an hour before is given, so Jira's reading of the ambiguous hour never excludes
 * anything: the bound is only ever earlier, and what is read twice is told apart by id and `updated`.
 */
export function jqlTime(ms: number, zone: string): string {
  const now = parts(ms, zone);
  const hourBefore = parts(ms - 3_600_000, zone);
  const p = now.timeZoneName === hourBefore.timeZoneName ? now : hourBefore;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

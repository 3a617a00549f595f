/**
 * Validation of a batch of native events (DESIGN.md, "Native event fields" and "Security"), for
 * every way events come in: the schema (the hand-written fast path, else zod), then timestamps
 * in `[limits.earliest, now + 1 day]`. Here, not in `db/`, so routes, collectors, the CLI and the
 * error middleware reach it without reaching into storage.
 */
import { nativeEvent, timestampPaths, type NativeEvent } from './events';
import { fastParse } from './events-fast';

/** One problem with one field of one event. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Thrown when any event of a batch is invalid; nothing of the batch is stored. */
export class IngestValidationError extends Error {
  constructor(readonly details: FieldIssue[]) {
    super(
      details.length === 1
        ? `${details[0].path}: ${details[0].message}`
        : `${details.length} problems in the events; the first is ${details[0].path}: ${details[0].message}`,
    );
    this.name = 'IngestValidationError';
  }
}

const DAY_MS = 86_400_000;

/** The instants timestamps must fall in (DESIGN.md, "Security"): `[limits.earliest, now + 1 day]`. */
export interface TimeRange {
  earliest: number;
  latest: number;
}

export function timeRange(earliest: number, now: number): TimeRange {
  return { earliest, latest: now + DAY_MS };
}

export interface ValidateOptions {
  /** Timestamps outside it are refused (or skipped); without it any timestamp passes (generated data, tests). */
  range?: TimeRange;
  /** `skip`: an event with a timestamp out of range is left out and counted instead of refused (collectors). */
  outOfRange?: 'refuse' | 'skip';
  /** How many problems are reported (`limits.validationErrors`, 50 by default): validation stops there. */
  maxIssues?: number;
}

/** A batch checked by {@link checkEvents}. */
export interface CheckedEvents {
  events: NativeEvent[];
  /** The events left out for a timestamp out of range (with `outOfRange: 'skip'`): how many, and the first few. */
  skipped: { count: number; first: FieldIssue[] };
}

const FIRST_SKIPPED = 5;

/** Adds a batch's skipped events to a running total (the first few kept). */
export function addSkipped(total: CheckedEvents['skipped'], batch: CheckedEvents['skipped']): void {
  total.count += batch.count;
  total.first.push(...batch.first.slice(0, FIRST_SKIPPED - total.first.length));
}

/** How a summary says what was skipped: `2 events skipped for a timestamp out of range (the first: …)`, or '' for none. */
export function skippedSentence(s: CheckedEvents['skipped']): string {
  if (s.count === 0) return '';
  return `${s.count} event${s.count === 1 ? '' : 's'} skipped for a timestamp before limits.earliest or more than a day ahead (the first: ${s.first[0].path}: ${s.first[0].message})`;
}

/** The timestamps of a parsed event outside `range` (each field, such as `.pullRequest.mergedAt`, and why), or null. */
function outOfRange(e: NativeEvent, range: TimeRange): FieldIssue[] | null {
  let out: FieldIssue[] | null = null;
  for (const p of timestampPaths[e.type]) {
    let v: unknown = e;
    for (const k of p) v = v === undefined ? undefined : (v as Record<string, unknown>)[k];
    if (typeof v !== 'string') continue;
    const t = Date.parse(v);
    if (t >= range.earliest && t <= range.latest) continue;
    (out ??= []).push({
      path: `.${p.join('.')}`,
      message:
        t < range.earliest
          ? `is before ${new Date(range.earliest).toISOString().slice(0, 10)} (limits.earliest): check the clock of the system that sent it, or set limits.earliest earlier`
          : `is more than a day in the future (after ${new Date(range.latest).toISOString()}): check the clock of the system that sent it`,
    });
  }
  return out;
}

/**
 * Validates a batch: each event against the schema (the fast path, else zod), then its
 * timestamps against `opts.range`, which both paths share. Stops at the `maxIssues`-th problem,
 * so a huge bad batch costs no more than its first problems; throws
 * {@link IngestValidationError} with them.
 */
export function checkEvents(input: unknown[], pathOf?: (index: number) => string, opts: ValidateOptions = {}): CheckedEvents {
  const place = pathOf ?? ((i: number) => `[${i}]`);
  const maxIssues = opts.maxIssues ?? 50;
  const issues: FieldIssue[] = [];
  const events: NativeEvent[] = [];
  const skipped: CheckedEvents['skipped'] = { count: 0, first: [] };
  for (let i = 0; i < input.length && issues.length < maxIssues; i++) {
    const raw = input[i];
    // The hand-written fast path returns zod's exact result for the events it can vouch for;
    // zod decides (and words the errors) for the rest.
    let event = fastParse(raw);
    if (!event) {
      const r = nativeEvent.safeParse(raw);
      if (r.success) event = r.data;
      else {
        for (const issue of r.error.issues.slice(0, maxIssues - issues.length)) {
          const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
          issues.push({ path: `${place(i)}${field}`, message: issue.message });
        }
        continue;
      }
    }
    const late = opts.range ? outOfRange(event, opts.range) : null;
    if (!late) events.push(event);
    else if (opts.outOfRange !== 'skip') {
      for (const l of late.slice(0, maxIssues - issues.length)) issues.push({ path: `${place(i)}${l.path}`, message: l.message });
    } else if (++skipped.count <= FIRST_SKIPPED) {
      // Named by what it is too, for a collector's summary.
      const what = `${event.type} ${event.service} ${event.type === 'change' ? event.sha : event.id}`;
      skipped.first.push({ path: `${pathOf ? `${pathOf(i)} (${what})` : what}${late[0].path}`, message: late[0].message });
    }
  }
  if (issues.length > 0) throw new IngestValidationError(issues);
  return { events, skipped };
}

/** Validates a batch ({@link checkEvents}); returns the parsed events or throws {@link IngestValidationError}. */
export function validateEvents(input: unknown[], pathOf?: (index: number) => string, opts: ValidateOptions = {}): NativeEvent[] {
  return checkEvents(input, pathOf, opts).events;
}

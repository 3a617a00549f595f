/**
 * A scope's loops on one line of time: the loops people planned, and cadence loops (fixed
 * windows from the anchor) filling the time no planned loop covers. A cadence loop partly
 * covered is clipped to what is left and keeps its id (`cadence:<its window's first day>`); a
 * planned loop inside it splits it, and the later part is named by its own first day. One
 * wholly covered is not listed. Pure: the planned loops are given.
 */
const DAY_MS = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

export interface Span {
  from: number;
  to: number;
}
export interface TimelineLoop<R extends Span> {
  id: string;
  name: string;
  from: number;
  to: number;
  row?: R;
}

export interface Cadence {
  anchor: number;
  days: number;
}

/** The first instant of the cadence window that holds `t`. */
export function cadenceStart(t: number, c: Cadence): number {
  const len = c.days * DAY_MS;
  return c.anchor + Math.floor((t - c.anchor) / len) * len;
}

/** The parts of the cadence window starting at `start` that no planned loop covers, as loops. */
export function cadencePieces<R extends Span>(start: number, c: Cadence, planned: readonly R[]): TimelineLoop<R>[] {
  const end = start + c.days * DAY_MS;
  const cover = planned.filter((p) => p.from < end && p.to > start).sort((a, b) => a.from - b.from);
  const pieces: Span[] = [];
  let at = start;
  for (const p of cover) {
    if (p.from > at) pieces.push({ from: at, to: p.from });
    at = Math.max(at, p.to);
  }
  if (at < end) pieces.push({ from: at, to: end });
  return pieces.map((s, i) => ({
    id: `cadence:${day(i === 0 ? start : s.from)}`,
    name: `Loop of ${day(i === 0 ? start : s.from)}`,
    from: s.from,
    to: s.to,
  }));
}

/**
 * Every loop that overlaps [from, to), oldest first. `planned` must hold every planned loop that
 * overlaps the cadence windows touching [from, to) (see {@link plannedSpan}).
 */
export function timeline<R extends Span>(from: number, to: number, c: Cadence, planned: readonly R[]): TimelineLoop<R>[] {
  const out: TimelineLoop<R>[] = planned
    .filter((p) => p.from < to && p.to > from)
    .map((p) => ({ id: '', name: '', from: p.from, to: p.to, row: p }));
  const len = c.days * DAY_MS;
  for (let s = cadenceStart(from, c); s < to; s += len) {
    for (const piece of cadencePieces(s, c, planned)) if (piece.from < to && piece.to > from) out.push(piece);
  }
  return out.sort((a, b) => a.from - b.from);
}

/** The span whose planned loops {@link timeline} needs for [from, to): the cadence windows it touches. */
export function plannedSpan(from: number, to: number, c: Cadence): Span {
  const len = c.days * DAY_MS;
  const first = cadenceStart(from, c);
  const last = cadenceStart(Math.max(from, to - 1), c);
  return { from: first, to: last + len };
}

/** Where the cadence loop named `id` must lie: its window, from the date in its id. Null for an id that is not a cadence id. */
export function cadenceWindowOf(id: string, c: Cadence): Span | null {
  const m = /^cadence:(\d{4}-\d{2}-\d{2})$/.exec(id);
  if (!m) return null;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  const s = cadenceStart(t, c);
  return { from: s, to: s + c.days * DAY_MS };
}

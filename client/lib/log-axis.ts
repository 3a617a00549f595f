/**
 * Ticks for a logarithmic duration axis: round durations people know (1 hour, 1 day,
 * 1 month), so a chart where lead time falls from months to hours reads at both ends.
 */
import { DAY, HOUR, MINUTE, MONTH, WEEK, YEAR } from './format';

/** Candidate ticks in seconds; rank 1 always fits, ranks 2 and 3 are dropped when crowded. */
export const DURATION_TICKS: readonly { value: number; rank: 1 | 2 | 3; label: string }[] = [
  { value: 1, rank: 1, label: '1 s' },
  { value: 10, rank: 2, label: '10 s' },
  { value: MINUTE, rank: 1, label: '1 min' },
  { value: 5 * MINUTE, rank: 3, label: '5 min' },
  { value: 15 * MINUTE, rank: 2, label: '15 min' },
  { value: 30 * MINUTE, rank: 3, label: '30 min' },
  { value: HOUR, rank: 1, label: '1 hour' },
  { value: 2 * HOUR, rank: 3, label: '2 hours' },
  { value: 3 * HOUR, rank: 3, label: '3 hours' },
  { value: 6 * HOUR, rank: 2, label: '6 hours' },
  { value: 12 * HOUR, rank: 3, label: '12 hours' },
  { value: DAY, rank: 1, label: '1 day' },
  { value: 2 * DAY, rank: 3, label: '2 days' },
  { value: 4 * DAY, rank: 3, label: '4 days' },
  { value: WEEK, rank: 1, label: '1 week' },
  { value: 2 * WEEK, rank: 3, label: '2 weeks' },
  { value: MONTH, rank: 1, label: '1 month' },
  { value: 3 * MONTH, rank: 2, label: '3 months' },
  { value: 6 * MONTH, rank: 3, label: '6 months' },
  { value: YEAR, rank: 1, label: '1 year' },
  { value: 2 * YEAR, rank: 2, label: '2 years' },
  { value: 5 * YEAR, rank: 1, label: '5 years' },
];

export interface LogDurationScale {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * The axis for durations between `low` and `high` (seconds): it starts and ends on a tick
 * and shows at most `maxTicks` of them, dropping the less round ones first.
 * With no data it shows 1 hour to 1 month.
 */
export function logDurationScale(values: readonly (number | null)[], maxTicks = 8): LogDurationScale {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  const low = present.length > 0 ? Math.min(...present) : HOUR;
  const high = present.length > 0 ? Math.max(...present) : MONTH;
  let best: LogDurationScale | null = null;
  for (const rank of [3, 2, 1] as const) {
    const candidates = DURATION_TICKS.filter((t) => t.rank <= rank).map((t) => t.value);
    const min = [...candidates].reverse().find((v) => v <= low) ?? candidates[0];
    const max = candidates.find((v) => v >= high) ?? candidates[candidates.length - 1];
    best = { min, max, ticks: candidates.filter((v) => v >= min && v <= max) };
    if (best.ticks.length <= maxTicks) break;
  }
  return best as LogDurationScale;
}

/** Pixels a tick label needs on a vertical axis, its own line and a gap. */
export const TICK_SPACING_PX = 20;

/**
 * The ticks of `axis` that fit an axis `heightPx` tall without their labels overlapping (a short
 * printed chart): the less round ones are dropped first, as {@link logDurationScale} does.
 */
export function ticksThatFit(ticks: readonly number[], heightPx: number): number[] {
  const fit = Math.max(2, Math.floor(heightPx / TICK_SPACING_PX) + 1);
  let kept = [...ticks];
  for (const rank of [3, 2, 1] as const) {
    kept = ticks.filter((v) => (DURATION_TICKS.find((t) => t.value === v)?.rank ?? 3) <= rank);
    if (kept.length <= fit) return kept;
  }
  // Still too many: every other one, keeping the first.
  const step = Math.ceil(kept.length / fit);
  return kept.filter((_, i) => i % step === 0);
}

/** The label of a tick: "1 hour", "3 months"; other values read as durations. */
export function formatDurationTick(seconds: number): string {
  const tick = DURATION_TICKS.find((t) => Math.abs(t.value - seconds) < 1e-6 * t.value);
  if (tick) return tick.label;
  return formatShort(seconds);
}

function formatShort(seconds: number): string {
  const units: [number, string][] = [
    [YEAR, 'y'],
    [MONTH, 'mo'],
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [1, 's'],
  ];
  const [size, name] = units.find(([u]) => seconds >= u) ?? [1, 's'];
  return `${Math.round((seconds / size) * 10) / 10} ${name}`;
}

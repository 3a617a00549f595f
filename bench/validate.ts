/**
 * Validation cost per event: the zod schema `nativeEvent` against the hand-written fast path
 * (common/events-fast.ts), over the demo generator's events as they arrive over HTTP (a JSON
 * round trip), plus `validateEvents`, which tries the fast path and falls back to zod.
 * `npm run bench -- validate [--seconds 2]` (seconds per measurement).
 */
import { parseArgs } from 'node:util';
import { generateDemo } from '../collectors/demo/generate';
import { fastParse } from '../common/events-fast';
import { nativeEvent } from '../common/events';
import { validateEvents } from '../common/validate-events';

/**
 * Runs `pass` (one sweep over `n` events) for about `seconds` after a warm-up, and returns µs of
 * CPU time per event: CPU rather than wall time, so a busy machine skews the numbers less.
 */
function perEvent(n: number, seconds: number, pass: () => void): number {
  for (let i = 0; i < 3; i++) pass();
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let passes = 0;
  const startedCpu = cpuMs();
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    pass();
    passes++;
  }
  const us = ((cpuMs() - startedCpu) * 1000) / (passes * n);
  return Math.round(us * 1000) / 1000;
}

export async function run(args: string[]): Promise<unknown> {
  const { values } = parseArgs({ args, options: { seconds: { type: 'string', default: '2' } } });
  const seconds = Number(values.seconds);
  const events: unknown[] = JSON.parse(JSON.stringify(generateDemo({ now: Date.parse('2026-11-01T00:00:00Z') }).events));
  const n = events.length;

  // Which events the fast path takes, and a sanity check that it agrees with zod on them.
  let accepted = 0;
  let disagreements = 0;
  for (const e of events) {
    const fast = fastParse(e);
    if (fast === null) continue;
    accepted++;
    const zod = nativeEvent.safeParse(e);
    if (!zod.success || JSON.stringify(zod.data) !== JSON.stringify(fast)) disagreements++;
  }

  let sink = 0;
  const zodUs = perEvent(n, seconds, () => {
    for (const e of events) if (nativeEvent.safeParse(e).success) sink++;
  });
  const fastUs = perEvent(n, seconds, () => {
    for (const e of events) if (fastParse(e) !== null) sink++;
  });
  const validateUs = perEvent(n, seconds, () => {
    sink += validateEvents(events).length;
  });

  const report = {
    benchmark: 'validate',
    events: n,
    byType: Object.fromEntries(
      ['deployment', 'change', 'ci_run', 'incident'].map((t) => [t, events.filter((e) => (e as { type?: unknown }).type === t).length]),
    ),
    fastPathAccepted: `${((accepted / n) * 100).toFixed(2)}%`,
    disagreementsWithZod: disagreements,
    microsecondsPerEvent: { zod: zodUs, fastPath: fastUs, validateEvents: validateUs },
    speedup: Math.round((zodUs / fastUs) * 10) / 10,
    eventsPerSecondOneCore: {
      zod: Math.round(1e6 / zodUs),
      fastPath: Math.round(1e6 / fastUs),
      validateEvents: Math.round(1e6 / validateUs),
    },
    sink: sink > 0,
  };
  console.log(JSON.stringify(report, null, 2));
  return report;
}

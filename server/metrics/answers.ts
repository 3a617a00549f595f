/**
 * The answers of `GET /api/v1/metrics` and `GET /api/v1/metrics/series`, assembled the same
 * way whichever path computed the figures: a {@link FigureSource} is the reference
 * (./reference.ts) or the fast path (./read.ts over the fact index).
 */
import type { BandCounts, FiveMetrics, MetricsResponse, SeriesResponse, Stages } from '../../common/api';
import { bandOf, type Window } from './assemble';
import { periods, type Bucket } from './calendar';
import { xmr } from './xmr';
import type { EvidenceSettings } from './evidence';
import { benchmarkOf } from '../benchmark/score';
import { DEFAULT_EDITION } from '../benchmark/editions';

const DAY_MS = 86_400_000;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
/** "Now" and the default baseline are 90 days long; a speedup needs 10 changes on each side. */
export const NOW_DAYS = 90;
const SPEEDUP_MINIMUM = 10;

export interface MetricsOptions {
  tz: string;
  /** A fixed baseline window; by default the scope's first 90 days of data. */
  baseline?: { from: number; to: number };
  /** The `evidence` setting: services whose incidents are tracked since a date. */
  evidence?: EvidenceSettings;
  /** The Quick Check edition of the benchmark (default 2025). */
  benchmarkEdition?: string;
}

/** A scope and its services, as the organisation resolved them. */
export interface ScopeServices {
  scope: { kind: string; key: string };
  serviceIds: number[];
}

/**
 * Where the figures of one read come from. The figures of a window are computed at once; what
 * may need the store again (the baseline, the span of the data) may answer later.
 */
export interface FigureSource {
  five(w: Window): FiveMetrics;
  stages(w: Window): Stages;
  bands(w: Window): BandCounts;
  /** The same over a baseline window, leaving out the changes of each service's first production deployment. */
  baseline(
    w: Window,
  ): { p50: number | null; count: number; leftOut: number } | Promise<{ p50: number | null; count: number; leftOut: number }>;
  /** When the first successful production deployment finished: the start of the data. */
  firstDeploymentAt(): number | null | Promise<number | null>;
  /** When the data last moved (a deployment or an incident resolved), for the empty range's hint. */
  lastDataAt(): number | null | Promise<number | null>;
}

/** The five metrics, stages, baseline, speedup and band distribution of a scope. */
export async function metricsFrom(
  src: FigureSource,
  r: ScopeServices,
  from: number,
  to: number,
  opts: MetricsOptions,
): Promise<MetricsResponse> {
  const w: Window = { from, to, tz: opts.tz };
  const five = src.five(w);
  const first = await src.firstDeploymentAt();
  const baseWindow = opts.baseline ?? (first === null ? null : { from: first, to: first + NOW_DAYS * DAY_MS });
  const base = baseWindow ? await src.baseline({ ...baseWindow, tz: opts.tz }) : null;
  const nowWindow = { from: to - NOW_DAYS * DAY_MS, to, tz: opts.tz };
  // A 90-day range is its own "now": its figures serve both.
  const nowFive = nowWindow.from === from ? five : src.five(nowWindow);
  const now = { p50: nowFive.leadTime.p50, count: nowFive.leadTime.count };
  const comparable =
    base !== null && base.p50 !== null && now.p50 !== null && now.p50 > 0 && base.count >= SPEEDUP_MINIMUM && now.count >= SPEEDUP_MINIMUM;
  const stages = src.stages(w);
  const lastDataAt = await src.lastDataAt();
  const response: MetricsResponse = {
    scope: r.scope.key,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...five,
    stages,
    baseline:
      baseWindow && base
        ? {
            from: new Date(baseWindow.from).toISOString(),
            to: new Date(baseWindow.to).toISOString(),
            leadTimeP50: base.p50,
            count: base.count,
            leftOut: base.leftOut,
            configured: opts.baseline !== undefined,
          }
        : null,
    now: { from: new Date(nowWindow.from).toISOString(), to: new Date(to).toISOString(), leadTimeP50: now.p50, count: now.count },
    lastDataAt: iso(lastDataAt),
    benchmark: benchmarkOf(nowFive, first !== null, opts.benchmarkEdition ?? DEFAULT_EDITION),
    speedup: comparable ? base.p50! / now.p50! : null,
    band: bandOf(five),
  };
  if (r.scope.kind !== 'service') response.bands = src.bands(w);
  return response;
}

/** The five metrics per calendar bucket, zero-filled, with XmR limits of lead time. */
export function seriesFrom(
  src: FigureSource,
  r: ScopeServices,
  from: number,
  to: number,
  bucket: Bucket,
  opts: MetricsOptions,
): SeriesResponse {
  const points = periods(bucket, from, to, opts.tz).map(([s, e]) => {
    const w: Window = { from: Math.max(s, from), to: Math.min(e, to), tz: opts.tz };
    return { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), ...src.five(w) };
  });
  return {
    scope: r.scope.key,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket,
    points,
    leadTimeXmr: xmr(points.map((p) => p.leadTime.p50)),
  };
}

/** The executive summary (one row per department, with a 12-month lead-time trend) and the children of a scope. */
import type { ChildRow, ChildrenResponse, SummaryResponse } from '../../common/api';
import { startOf } from '../metrics/calendar';
import { metricsOptions } from '../metrics/options';
import { readMetrics, readSeries } from '../metrics/read';
import type { ResolvedScope } from '../scope';
import type { ReadContext, Table } from './context';

const TEN_YEARS_MS = 3653 * 86_400_000;

/**
 * `GET /api/v1/summary` over [from, to). `pause`, awaited before each scope, lets a computation in
 * the background give the thread to requests in between (an `await` alone does not: the store's
 * answers are already there, so it never reaches the event loop).
 */
export async function summaryTable(
  ctx: ReadContext,
  from: number,
  to: number,
  pause: () => Promise<void> = async () => {},
): Promise<Table<SummaryResponse>> {
  const { reads, config } = ctx;
  const tz = config.tz;
  // The trend covers the 12 calendar months up to the end of the window.
  const trendTo = to;
  const end = new Date(startOf('month', to - 1, tz));
  const trendFrom = startOf('month', Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 15), tz);
  const org = await reads.org.current();
  const departments = org.departmentsWithServices();
  const row = async ({ resolved, name }: { resolved: ResolvedScope; name: string }): Promise<SummaryResponse['departments'][number]> => {
    const opts = metricsOptions(config, resolved.scope.key);
    const metrics = await readMetrics(reads, resolved, from, to, opts);
    const monthly = async (start: number) =>
      (await readSeries(reads, resolved, start, trendTo, 'month', opts)).points.map((p) => ({
        from: p.from,
        to: p.to,
        leadTimeP50: p.leadTime.p50,
        deploymentsPerWeek: p.deploymentFrequency.perWeek,
      }));
    const baselineMonth = metrics.baseline ? startOf('month', Math.max(Date.parse(metrics.baseline.from), to - TEN_YEARS_MS), tz) : null;
    return {
      department: { id: resolved.scope.kind === 'org' ? '' : resolved.scope.id, name },
      services: resolved.serviceIds.length,
      metrics,
      trend: await monthly(trendFrom),
      sinceBaseline: baselineMonth !== null && baselineMonth < trendTo ? await monthly(baselineMonth) : [],
    };
  };
  await pause();
  const orgMetrics = await readMetrics(reads, org.resolve({ kind: 'org', key: 'org' }), from, to, metricsOptions(config, 'org'));
  const rows: SummaryResponse['departments'] = [];
  for (const d of departments) {
    await pause();
    rows.push(await row(d));
  }
  const body: SummaryResponse = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    demo: ctx.demo(),
    org: orgMetrics,
    departments: rows,
  };
  return {
    body,
    name: 'summary',
    rows: body.departments.map((r) => ({
      department: r.department.name,
      services: r.services,
      leadTimeP50: r.metrics.leadTime.p50,
      nowLeadTimeP50: r.metrics.now.leadTimeP50,
      baselineLeadTimeP50: r.metrics.baseline?.leadTimeP50 ?? null,
      baselineLeftOut: r.metrics.baseline?.leftOut ?? null,
      speedup: r.metrics.speedup,
      deploymentsPerWeek: r.metrics.deploymentFrequency.perWeek,
      changeFailureRate: r.metrics.changeFailureRate.rate,
      timeToRestoreP50: r.metrics.timeToRestore.p50,
      failedDeploymentRecoveryTimeP50: r.metrics.failedDeploymentRecoveryTime.p50,
      reworkRate: r.metrics.reworkRate.rate,
      band: r.metrics.band,
      bands: r.metrics.bands,
      benchmarkAverage: r.metrics.benchmark.average.score,
      aheadOfGovernment: r.metrics.benchmark.average.aheadOf.government,
    })),
  };
}

/** Waits for the event loop's next turn: requests that arrived meanwhile go first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Computes again, in the background after a start, the summaries of the windows asked for before
 * it (kept with the facts, server/metrics/fact-snapshot.ts), so the first summary asked after a
 * start is served from the answer cache: the same computation as a request's, on the same facts,
 * so the same answer, and dropped like any cached answer when a write touches its services.
 * Stops between scopes when `stopped()` says so. Returns how many it computed whole.
 */
export async function prepareSummaries(ctx: ReadContext, windows: readonly [number, number][], stopped: () => boolean): Promise<number> {
  let n = 0;
  const stop = new Error('stopped');
  // Between scopes: requests first, and a close stops it there rather than after the whole summary.
  const pause = async () => {
    await nextTurn();
    if (stopped()) throw stop;
  };
  try {
    // The oldest first, so the most recent ends as the most recently used in the cache.
    for (const [from, to] of [...windows].reverse()) {
      await summaryTable(ctx, from, to, pause);
      n++;
    }
  } catch (e) {
    if (e !== stop) throw e;
  }
  return n;
}

/**
 * Keeps the summaries of the windows last asked for current while the server runs: after a write
 * moves some of their services, computes them again in the background `quietMs` after it (at
 * most once every `spacingMs` under steady ingest), after `first` (the start's own preparation).
 * Only what the write dropped is computed (the rest is still in the answer cache); a summary
 * asked meanwhile is computed as always. Returns what stops it.
 */
export function keepSummariesCurrent(
  ctx: ReadContext & { log: (msg: string, ...rest: unknown[]) => void },
  first: Promise<unknown>,
  opts: { quietMs: number; spacingMs: number },
): () => Promise<void> {
  let stopped = false,
    timer: NodeJS.Timeout | null = null,
    lastRun = -Infinity,
    busy = first.catch(() => undefined);
  const run = () => {
    timer = null;
    lastRun = performance.now();
    busy = busy
      .then(() => prepareSummaries(ctx, ctx.reads.summaryWindows.get(), () => stopped))
      .then(() => ctx.reads.summaryWindows.prepared++)
      .catch((e: Error) => ctx.log(`metrics: keeping the summaries last asked for current failed (${e.message})`));
  };
  const unsubscribe = ctx.reads.store.onServicesChanged(() => {
    if (stopped || timer || ctx.reads.summaryWindows.get().length === 0) return;
    timer = setTimeout(run, Math.max(opts.quietMs, lastRun + opts.spacingMs - performance.now()));
    timer.unref();
  });
  return async () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    await busy;
  };
}

/** `GET /api/v1/children`: the figures of each scope one level down that holds a service. */
export async function childrenTable(ctx: ReadContext, parent: ResolvedScope, from: number, to: number): Promise<Table<ChildrenResponse>> {
  const children = (await ctx.reads.org.current()).children(parent.scope);
  const items: ChildRow[] = [];
  for (const { resolved, name } of children) {
    items.push({
      scope: resolved.scope.key,
      name,
      services: resolved.serviceIds.length,
      metrics: await readMetrics(ctx.reads, resolved, from, to, metricsOptions(ctx.config, resolved.scope.key)),
    });
  }
  const body: ChildrenResponse = { scope: parent.scope.key, from: new Date(from).toISOString(), to: new Date(to).toISOString(), items };
  return {
    body,
    name: 'children',
    rows: items.map((i) => ({ ...i.metrics, scope: i.scope, name: i.name, services: i.services })) as unknown as Record<string, unknown>[],
  };
}

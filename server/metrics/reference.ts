/**
 * The reference: the five metrics, the PDCA stages and the roll-ups computed the
 * straightforward way, from the window's rows fetched from the store and filtered, sorted and
 * counted as DESIGN.md words them. It is the oracle the fast path (./indexed.ts over
 * ./fact-index.ts) is held equal to, figure for figure and bit for bit
 * (test/scale/indexed-equality.test.ts, test/server/metrics/evidence.test.ts and the scale
 * benchmark compare them); the fast path imports nothing from here. Change a rule here first,
 * then make the fast path agree. Every function filters to its window itself, so one fetch
 * serves a whole series.
 */
import type { BandCounts, FiveMetrics, MetricsResponse, SeriesResponse, Stages } from '../../common/api';
import type { StoreReads } from '../../db/reads';
import { assembleMetrics, bandOf, type Window } from './assemble';
import { evidenceStart, type EvidenceSettings, type EvidenceStart } from './evidence';
import { periods, type Bucket, type DayStarts } from './calendar';
import { median, percentile, sortNumbers } from './stats';
import { pullRequestStages, type PullRequestFact } from './stages';
import { metricsFrom, NOW_DAYS, seriesFrom, type FigureSource, type MetricsOptions, type ScopeServices } from './answers';

const DAY_MS = 86_400_000;

/** A successful production deployment, with what the incidents and flags say of it. */
export interface DeploymentFact {
  id: number;
  serviceId: number;
  finishedAt: number;
  failed: boolean;
  rework: boolean;
  unplanned: boolean;
}
/** A change shipped by its first successful production deployment. */
export interface LeadTimeFact {
  serviceId: number;
  committedAt: number;
  deployedAt: number;
}
/** A resolved incident; `explicit` when linked to a production deployment by its id or a root-cause sha. */
export interface IncidentFact {
  serviceId: number;
  openedAt: number;
  resolvedAt: number;
  explicit: boolean;
}
export interface MetricFacts {
  deployments: DeploymentFact[];
  leadTimes: LeadTimeFact[];
  restored: IncidentFact[];
  pullRequests: PullRequestFact[];
  /** Every service of the scope, with when it reports incidents and rework. */
  evidence: Map<number, EvidenceStart>;
}

const inWindow = (t: number, w: Window) => t >= w.from && t < w.to;

/** The metrics of DESIGN.md over rows fetched for the scope. */
export function computeFiveMetrics(facts: MetricFacts, w: Window, days: DayStarts): FiveMetrics {
  const deployments = facts.deployments.filter((d) => inWindow(d.finishedAt, w));
  const count = deployments.length;
  const dayStarts = new Set(deployments.map((d) => days.of(d.finishedAt, w.tz)));
  const daysPer = (bucket: 'week' | 'month') =>
    median(
      periods(bucket, w.from, w.to, w.tz).map(([s, e]) => {
        let n = 0;
        for (const d of dayStarts) if (d >= s && d < e) n++;
        return n;
      }),
    );

  const leadSeconds: number[] = [];
  let excluded = 0;
  for (const l of facts.leadTimes) {
    if (!inWindow(l.deployedAt, w)) continue;
    const s = (l.deployedAt - l.committedAt) / 1000;
    if (s < 0) excluded++;
    else leadSeconds.push(s);
  }
  const sorted = sortNumbers(leadSeconds);

  // Each service counts toward the evidenced figures from its evidence start on.
  const startOf = (id: number) => facts.evidence.get(id) ?? { incidents: Infinity, rework: Infinity };
  let incidentServices = 0,
    reworkServices = 0;
  for (const e of facts.evidence.values()) {
    if (e.incidents < w.to) incidentServices++;
    if (e.rework < w.to) reworkServices++;
  }
  const reporting = deployments.filter((d) => d.finishedAt >= startOf(d.serviceId).incidents);
  const reworkReporting = deployments.filter((d) => d.finishedAt >= startOf(d.serviceId).rework);
  const resolved = facts.restored.filter((i) => inWindow(i.resolvedAt, w) && i.resolvedAt >= startOf(i.serviceId).incidents);
  const restore = sortNumbers(resolved.map((i) => (i.resolvedAt - i.openedAt) / 1000));
  const recovery = sortNumbers(resolved.filter((i) => i.explicit).map((i) => (i.resolvedAt - i.openedAt) / 1000));

  return assembleMetrics(w, {
    count,
    weekMedian: daysPer('week'),
    monthMedian: daysPer('month'),
    lead: { count: sorted.length, excluded, p50: percentile(sorted, 0.5), p85: percentile(sorted, 0.85), p95: percentile(sorted, 0.95) },
    incidentServices,
    reworkServices,
    servicesInScope: facts.evidence.size,
    cfr: { count: reporting.length, failed: reporting.filter((d) => d.failed).length },
    rework: { count: reworkReporting.length, rework: reworkReporting.filter((d) => d.rework || d.unplanned).length },
    restore: { count: restore.length, p50: percentile(restore, 0.5) },
    recovery: { count: recovery.length, p50: percentile(recovery, 0.5) },
  });
}

/** The p50 of each stage over the pull requests whose merge commit reached production in the window. */
export function computeStages(facts: MetricFacts, w: Window): Stages {
  const prs = facts.pullRequests.filter((p) => inWindow(p.deployedAt, w)).map(pullRequestStages);
  const p50 = (k: keyof ReturnType<typeof pullRequestStages>) => median(prs.map((s) => s[k]).filter((v): v is number => v !== null));
  return { count: prs.length, plan: p50('plan'), do: p50('do'), check: p50('check'), act: p50('act'), loop: p50('loop') };
}

/** Splits pooled facts by service. */
export function factsByService(facts: MetricFacts): Map<number, MetricFacts> {
  const out = new Map<number, MetricFacts>();
  const get = (id: number) => {
    let f = out.get(id);
    if (!f)
      out.set(
        id,
        (f = {
          deployments: [],
          leadTimes: [],
          restored: [],
          pullRequests: [],
          evidence: new Map([[id, facts.evidence.get(id) ?? { incidents: Infinity, rework: Infinity }]]),
        }),
      );
    return f;
  };
  for (const d of facts.deployments) get(d.serviceId).deployments.push(d);
  for (const l of facts.leadTimes) get(l.serviceId).leadTimes.push(l);
  for (const i of facts.restored) get(i.serviceId).restored.push(i);
  for (const p of facts.pullRequests) get(p.serviceId).pullRequests.push(p);
  return out;
}

/** How many of the given services fall in each overall band (DORA warns against blending them). */
export function bandDistribution(facts: MetricFacts, serviceIds: number[], w: Window, days: DayStarts): BandCounts {
  const counts: BandCounts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
  const split = factsByService(facts);
  for (const id of serviceIds) {
    const f = split.get(id);
    const band = f ? bandOf(computeFiveMetrics(f, w, days)) : null;
    counts[band ?? 'none']++;
  }
  return counts;
}

/** What the reference reads with: the store, the context's day starts and the configured evidence starts. */
export interface ReferenceSources {
  store: StoreReads;
  days: DayStarts;
  configuredStarts(settings: EvidenceSettings | undefined): Promise<ReadonlyMap<number, number>>;
}

/**
 * Every fact of the scope's services in [from, to) (the pull requests only when the stages are
 * wanted), and the first production deployment of each (the baseline leaves its changes out).
 */
export async function fetchFacts(
  src: ReferenceSources,
  serviceIds: number[],
  from: number,
  to: number,
  withStages = true,
  evidence?: EvidenceSettings,
): Promise<MetricFacts & { firstDeployments: Set<number | null> }> {
  const configured = await src.configuredStarts(evidence);
  const rows = await src.store.readFacts(serviceIds, from, to, withStages);
  return {
    evidence: new Map(rows.evidence.map((e) => [e.serviceId, evidenceStart(e, configured.get(e.serviceId))])),
    firstDeployments: new Set(rows.evidence.map((e) => e.firstDeploymentId)),
    deployments: rows.deployments.map((d) => ({
      id: d.id,
      serviceId: d.serviceId,
      finishedAt: d.finishedAt,
      failed: d.failed === 1,
      rework: d.rework === 1,
      unplanned: d.unplanned === 1,
    })),
    leadTimes: rows.leadTimes,
    restored: rows.restored.map((i) => ({ ...i, explicit: i.explicit === 1 })),
    pullRequests: rows.pullRequests.map((p) => ({ ...p, hasCi: p.hasCi === 1 })),
  };
}

/** The reference's figures of a read: the window's rows, fetched once. */
async function referenceSource(
  src: ReferenceSources,
  r: ScopeServices,
  from: number,
  to: number,
  withStages: boolean,
  evidence?: EvidenceSettings,
): Promise<FigureSource> {
  const facts = await fetchFacts(src, r.serviceIds, from, to, withStages, evidence);
  let span: ReturnType<StoreReads['readDataSpan']> | undefined;
  const spanOf = () => (span ??= src.store.readDataSpan(r.serviceIds));
  return {
    five: (w) => computeFiveMetrics(facts, w, src.days),
    stages: (w) => computeStages(facts, w),
    bands: (w) => bandDistribution(facts, r.serviceIds, w, src.days),
    baseline: async (w) => {
      const all = (await src.store.readLeadTimeFacts(r.serviceIds, w.from, w.to)).filter((l) => l.deployedAt >= l.committedAt);
      const values = sortNumbers(
        all.filter((l) => !facts.firstDeployments.has(l.deploymentId)).map((l) => (l.deployedAt - l.committedAt) / 1000),
      );
      return { p50: percentile(values, 0.5), count: values.length, leftOut: all.length - values.length };
    },
    firstDeploymentAt: async () => (await spanOf()).first,
    lastDataAt: async () => (await spanOf()).last,
  };
}

/** The reference answer of `GET /api/v1/metrics`: fetch the window's rows, compute. */
export async function referenceMetrics(
  src: ReferenceSources,
  r: ScopeServices,
  from: number,
  to: number,
  opts: MetricsOptions,
): Promise<MetricsResponse> {
  // From the start of "now" where the window is shorter: the benchmark reads the last 90 days.
  return metricsFrom(await referenceSource(src, r, Math.min(from, to - NOW_DAYS * DAY_MS), to, true, opts.evidence), r, from, to, opts);
}

/** The reference answer of `GET /api/v1/metrics/series` (a series has no stages). */
export async function referenceSeries(
  src: ReferenceSources,
  r: ScopeServices,
  from: number,
  to: number,
  bucket: Bucket,
  opts: MetricsOptions,
): Promise<SeriesResponse> {
  return seriesFrom(await referenceSource(src, r, from, to, false, opts.evidence), r, from, to, bucket, opts);
}

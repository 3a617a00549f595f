/**
 * The five metrics, the PDCA stages and the roll-ups, as pure functions over rows already
 * fetched for a scope. Every function filters to its window itself, so one fetch serves a
 * whole series.
 */
import type { BandCounts, FiveMetrics, Stages } from '../../common/api';
import { changeFailureBand, deploymentFrequencyBand, leadTimeBand, overallBand, timeToRestoreBand } from './bands';
import { BAND_MINIMUM, bandWithEvidence, longEnough, type EvidenceStart } from './evidence';
import { dayStart, periods } from './calendar';
import { median, percentile, sortNumbers } from './stats';

const DAY_MS = 86_400_000;

/** A successful production deployment, with what the incidents and flags say of it. */
export interface DeploymentFact { id: number; serviceId: number; finishedAt: number; failed: boolean; rework: boolean; unplanned: boolean }
/** A change shipped by its first successful production deployment. */
export interface LeadTimeFact { serviceId: number; committedAt: number; deployedAt: number }
/** A resolved incident; `explicit` when linked to a production deployment by its id or a root-cause sha. */
export interface IncidentFact { serviceId: number; openedAt: number; resolvedAt: number; explicit: boolean }
/** A merged pull request and the times of its PDCA stages (ms; null when unknown). */
export interface PullRequestFact {
  serviceId: number; deployedAt: number; planStartedAt: number | null; firstCommitAt: number | null;
  mergedAt: number; checkedAt: number | null; hasCi: boolean;
}

export interface MetricFacts {
  deployments: DeploymentFact[];
  leadTimes: LeadTimeFact[];
  restored: IncidentFact[];
  pullRequests: PullRequestFact[];
  /** Every service of the scope, with when it reports incidents and rework. */
  evidence: Map<number, EvidenceStart>;
}

export interface Window { from: number; to: number; tz: string }

const inWindow = (t: number, w: Window) => t >= w.from && t < w.to;

/** How many services report for some of the window, and the reason a figure is null when none do. */
export function evidenceOf(reporting: number, inScope: number, reason: 'no incident source' | 'no rework source') {
  return { services: reporting, servicesInScope: inScope, reason: reporting === 0 ? reason : null };
}

/** The metrics that every scope's answer assembles the same way from its counts and percentiles. */
export function assembleMetrics(w: Window, c: {
  count: number; weekMedian: number | null; monthMedian: number | null;
  lead: { count: number; excluded: number; p50: number | null; p85: number | null; p95: number | null };
  incidentServices: number; reworkServices: number; servicesInScope: number;
  cfr: { count: number; failed: number }; rework: { count: number; rework: number };
  restore: { count: number; p50: number | null }; recovery: { count: number; p50: number | null };
}): FiveMetrics {
  const perDay = c.count / ((w.to - w.from) / DAY_MS);
  const rate = c.incidentServices === 0 || c.cfr.count === 0 ? null : c.cfr.failed / c.cfr.count;
  const recovery = (r: { count: number; p50: number | null }) => ({
    count: r.count, p50: r.p50, ...bandWithEvidence(timeToRestoreBand(r.p50), r.count >= BAND_MINIMUM.incidents),
    ...evidenceOf(c.incidentServices, c.servicesInScope, 'no incident source'),
  });
  return {
    deploymentFrequency: {
      count: c.count, perDay, perWeek: 7 * perDay,
      deployDaysPerWeekMedian: c.weekMedian, deployDaysPerMonthMedian: c.monthMedian,
      ...bandWithEvidence(deploymentFrequencyBand(c.count, c.weekMedian, c.monthMedian), longEnough(w.from, w.to)),
    },
    leadTime: { ...c.lead, ...bandWithEvidence(leadTimeBand(c.lead.p50), c.lead.count >= BAND_MINIMUM.changes) },
    changeFailureRate: {
      count: c.cfr.count, failed: c.cfr.failed, rate, ...bandWithEvidence(changeFailureBand(rate), c.cfr.count >= BAND_MINIMUM.deployments),
      ...evidenceOf(c.incidentServices, c.servicesInScope, 'no incident source'),
    },
    timeToRestore: recovery(c.restore),
    failedDeploymentRecoveryTime: recovery(c.recovery),
    reworkRate: {
      count: c.rework.count, rework: c.rework.rework,
      rate: c.reworkServices === 0 || c.rework.count === 0 ? null : c.rework.rework / c.rework.count,
      ...evidenceOf(c.reworkServices, c.servicesInScope, 'no rework source'),
    },
  };
}

/** The metrics of DESIGN.md over rows fetched for the scope. */
export function computeFiveMetrics(facts: MetricFacts, w: Window): FiveMetrics {
  const deployments = facts.deployments.filter((d) => inWindow(d.finishedAt, w));
  const count = deployments.length;
  const dayStarts = new Set(deployments.map((d) => dayStart(d.finishedAt, w.tz)));
  const daysPer = (bucket: 'week' | 'month') =>
    median(periods(bucket, w.from, w.to, w.tz).map(([s, e]) => {
      let n = 0;
      for (const d of dayStarts) if (d >= s && d < e) n++;
      return n;
    }));

  const leadSeconds: number[] = [];
  let excluded = 0;
  for (const l of facts.leadTimes) {
    if (!inWindow(l.deployedAt, w)) continue;
    const s = (l.deployedAt - l.committedAt) / 1000;
    if (s < 0) excluded++; else leadSeconds.push(s);
  }
  const sorted = sortNumbers(leadSeconds);

  // Each service counts toward the evidenced figures from its evidence start on.
  const startOf = (id: number) => facts.evidence.get(id) ?? { incidents: Infinity, rework: Infinity };
  let incidentServices = 0, reworkServices = 0;
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
    count, weekMedian: daysPer('week'), monthMedian: daysPer('month'),
    lead: { count: sorted.length, excluded, p50: percentile(sorted, 0.5), p85: percentile(sorted, 0.85), p95: percentile(sorted, 0.95) },
    incidentServices, reworkServices, servicesInScope: facts.evidence.size,
    cfr: { count: reporting.length, failed: reporting.filter((d) => d.failed).length },
    rework: { count: reworkReporting.length, rework: reworkReporting.filter((d) => d.rework || d.unplanned).length },
    restore: { count: restore.length, p50: percentile(restore, 0.5) },
    recovery: { count: recovery.length, p50: percentile(recovery, 0.5) },
  });
}

/** The stages of one pull request in seconds (DESIGN.md, "The change loop"). */
export function pullRequestStages(p: PullRequestFact): { plan: number | null; do: number | null; check: number | null; act: number | null; loop: number | null } {
  const nonNegative = (a: number | null, b: number | null) => (a === null || b === null || b < a ? null : (b - a) / 1000);
  const checkDone = p.hasCi ? (p.checkedAt === null ? null : Math.max(p.checkedAt, p.mergedAt)) : p.mergedAt;
  return {
    plan: nonNegative(p.planStartedAt, p.firstCommitAt),
    do: nonNegative(p.firstCommitAt, p.mergedAt),
    check: nonNegative(p.mergedAt, checkDone),
    act: nonNegative(checkDone, p.deployedAt),
    loop: nonNegative(p.planStartedAt ?? p.firstCommitAt, p.deployedAt),
  };
}

/** The p50 of each stage over the pull requests whose merge commit reached production in the window. */
export function computeStages(facts: MetricFacts, w: Window): Stages {
  const prs = facts.pullRequests.filter((p) => inWindow(p.deployedAt, w)).map(pullRequestStages);
  const p50 = (k: keyof ReturnType<typeof pullRequestStages>) =>
    median(prs.map((s) => s[k]).filter((v): v is number => v !== null));
  return { count: prs.length, plan: p50('plan'), do: p50('do'), check: p50('check'), act: p50('act'), loop: p50('loop') };
}

/** The overall band of a set of metrics. */
export function bandOf(m: FiveMetrics) {
  return overallBand([m.deploymentFrequency.band, m.leadTime.band, m.changeFailureRate.band, m.timeToRestore.band]);
}

/** Splits pooled facts by service. */
export function factsByService(facts: MetricFacts): Map<number, MetricFacts> {
  const out = new Map<number, MetricFacts>();
  const get = (id: number) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = { deployments: [], leadTimes: [], restored: [], pullRequests: [], evidence: new Map([[id, facts.evidence.get(id) ?? { incidents: Infinity, rework: Infinity }]]) }));
    return f;
  };
  for (const d of facts.deployments) get(d.serviceId).deployments.push(d);
  for (const l of facts.leadTimes) get(l.serviceId).leadTimes.push(l);
  for (const i of facts.restored) get(i.serviceId).restored.push(i);
  for (const p of facts.pullRequests) get(p.serviceId).pullRequests.push(p);
  return out;
}

/** How many of the given services fall in each overall band (DORA warns against blending them). */
export function bandDistribution(facts: MetricFacts, serviceIds: number[], w: Window): BandCounts {
  const counts: BandCounts = { elite: 0, high: 0, medium: 0, low: 0, none: 0 };
  const split = factsByService(facts);
  for (const id of serviceIds) {
    const f = split.get(id);
    const band = f ? bandOf(computeFiveMetrics(f, w)) : null;
    counts[band ?? 'none']++;
  }
  return counts;
}

/**
 * The five metrics, the PDCA stages and the roll-ups, as pure functions over rows already
 * fetched for a scope. Every function filters to its window itself, so one fetch serves a
 * whole series.
 */
import type { BandCounts, FiveMetrics, Stages } from '../../common/api';
import { changeFailureBand, deploymentFrequencyBand, leadTimeBand, overallBand, timeToRestoreBand } from './bands';
import { dayStart, periods } from './calendar';
import { median, percentile, sortNumbers } from './stats';

const DAY_MS = 86_400_000;

/** A successful production deployment, with what the incidents and flags say of it. */
export interface DeploymentFact { id: number; serviceId: number; finishedAt: number; failed: boolean; rework: boolean; unplanned: boolean }
/** A change shipped by its first successful production deployment. */
export interface LeadTimeFact { serviceId: number; committedAt: number; deployedAt: number }
export interface IncidentFact { serviceId: number; openedAt: number; resolvedAt: number }
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
}

export interface Window { from: number; to: number; tz: string }

const inWindow = (t: number, w: Window) => t >= w.from && t < w.to;

/** Deployment frequency, lead time, change failure rate, time to restore and rework rate. */
export function computeFiveMetrics(facts: MetricFacts, w: Window): FiveMetrics {
  const deployments = facts.deployments.filter((d) => inWindow(d.finishedAt, w));
  const count = deployments.length;
  const perDay = count / ((w.to - w.from) / DAY_MS);
  const dayStarts = new Set(deployments.map((d) => dayStart(d.finishedAt, w.tz)));
  const daysPer = (bucket: 'week' | 'month') =>
    median(periods(bucket, w.from, w.to, w.tz).map(([s, e]) => {
      let n = 0;
      for (const d of dayStarts) if (d >= s && d < e) n++;
      return n;
    }));
  const weekMedian = daysPer('week');
  const monthMedian = daysPer('month');

  const leadSeconds: number[] = [];
  let excluded = 0;
  for (const l of facts.leadTimes) {
    if (!inWindow(l.deployedAt, w)) continue;
    const s = (l.deployedAt - l.committedAt) / 1000;
    if (s < 0) excluded++; else leadSeconds.push(s);
  }
  const sorted = sortNumbers(leadSeconds);
  const p50 = percentile(sorted, 0.5);

  const failed = deployments.filter((d) => d.failed).length;
  const rate = count === 0 ? null : failed / count;
  const restore = sortNumbers(facts.restored.filter((i) => inWindow(i.resolvedAt, w)).map((i) => (i.resolvedAt - i.openedAt) / 1000));
  const restoreP50 = percentile(restore, 0.5);
  const rework = deployments.filter((d) => d.rework || d.unplanned).length;

  return {
    deploymentFrequency: {
      count, perDay, perWeek: 7 * perDay,
      deployDaysPerWeekMedian: weekMedian, deployDaysPerMonthMedian: monthMedian,
      band: deploymentFrequencyBand(count, weekMedian, monthMedian),
    },
    leadTime: {
      count: leadSeconds.length, excluded, p50,
      p85: percentile(sorted, 0.85), p95: percentile(sorted, 0.95), band: leadTimeBand(p50),
    },
    changeFailureRate: { count, failed, rate, band: changeFailureBand(rate) },
    timeToRestore: { count: restore.length, p50: restoreP50, band: timeToRestoreBand(restoreP50) },
    reworkRate: { count, rework, rate: count === 0 ? null : rework / count },
  };
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
    if (!f) out.set(id, (f = { deployments: [], leadTimes: [], restored: [], pullRequests: [] }));
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

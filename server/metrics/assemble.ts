/**
 * What both metric paths share once their counts and percentiles are known: the window, the
 * evidence of each figure, the bands, and the shape of the five metrics. The reference
 * (./reference.ts) and the fast path (./indexed.ts) compute the inputs; this file turns them
 * into the answer, so the two can only differ in how each input is computed.
 */
import type { FiveMetrics } from '../../common/api';
import { changeFailureBand, deploymentFrequencyBand, leadTimeBand, overallBand, timeToRestoreBand } from './bands';
import { BAND_MINIMUM, bandWithEvidence, longEnough } from './evidence';

const DAY_MS = 86_400_000;

/** A window [from, to) in epoch ms, and the time zone its calendar buckets are counted in. */
export interface Window {
  from: number;
  to: number;
  tz: string;
}

/** How many services report for some of the window, and the reason a figure is null when none do. */
export function evidenceOf(reporting: number, inScope: number, reason: 'no incident source' | 'no rework source') {
  return { services: reporting, servicesInScope: inScope, reason: reporting === 0 ? reason : null };
}

/** The counts and percentiles every scope's answer is assembled from. */
export interface MetricInputs {
  count: number;
  weekMedian: number | null;
  monthMedian: number | null;
  lead: { count: number; excluded: number; p50: number | null; p85: number | null; p95: number | null };
  incidentServices: number;
  reworkServices: number;
  servicesInScope: number;
  cfr: { count: number; failed: number };
  rework: { count: number; rework: number };
  restore: { count: number; p50: number | null };
  recovery: { count: number; p50: number | null };
}

/** The metrics that every scope's answer assembles the same way from its counts and percentiles. */
export function assembleMetrics(w: Window, c: MetricInputs): FiveMetrics {
  const perDay = c.count / ((w.to - w.from) / DAY_MS);
  const rate = c.incidentServices === 0 || c.cfr.count === 0 ? null : c.cfr.failed / c.cfr.count;
  const recovery = (r: { count: number; p50: number | null }) => ({
    count: r.count,
    p50: r.p50,
    ...bandWithEvidence(timeToRestoreBand(r.p50), r.count >= BAND_MINIMUM.incidents),
    ...evidenceOf(c.incidentServices, c.servicesInScope, 'no incident source'),
  });
  return {
    deploymentFrequency: {
      count: c.count,
      perDay,
      perWeek: 7 * perDay,
      deployDaysPerWeekMedian: c.weekMedian,
      deployDaysPerMonthMedian: c.monthMedian,
      ...bandWithEvidence(deploymentFrequencyBand(c.count, c.weekMedian, c.monthMedian), longEnough(w.from, w.to)),
    },
    leadTime: { ...c.lead, ...bandWithEvidence(leadTimeBand(c.lead.p50), c.lead.count >= BAND_MINIMUM.changes) },
    changeFailureRate: {
      count: c.cfr.count,
      failed: c.cfr.failed,
      rate,
      ...bandWithEvidence(changeFailureBand(rate), c.cfr.count >= BAND_MINIMUM.deployments),
      ...evidenceOf(c.incidentServices, c.servicesInScope, 'no incident source'),
    },
    timeToRestore: recovery(c.restore),
    failedDeploymentRecoveryTime: recovery(c.recovery),
    reworkRate: {
      count: c.rework.count,
      rework: c.rework.rework,
      rate: c.reworkServices === 0 || c.rework.count === 0 ? null : c.rework.rework / c.rework.count,
      ...evidenceOf(c.reworkServices, c.servicesInScope, 'no rework source'),
    },
  };
}

/** The overall band of a set of metrics. */
export function bandOf(m: FiveMetrics) {
  return overallBand([m.deploymentFrequency.band, m.leadTime.band, m.changeFailureRate.band, m.timeToRestore.band]);
}

/**
 * The government benchmark (DESIGN.md, "Benchmark"): a scope's "now" figures placed in the
 * answer buckets of DORA's Quick Check, recoded to 0-10 as its data says, and compared with an
 * industry's answers as `aheadOf = Φ((score − mean) / std)`.
 */
import type { Benchmark, BenchmarkFigure, FiveMetrics } from '../../common/api';
import { loadEdition, type Edition, type Industry } from './editions';

const HOURS_IN = { day: 24, week: 168, month: 720, halfYear: 4380 } as const;

/** The Quick Check's answer (1..6) for a duration in seconds: less than an hour is 6, more than six months 1. */
export function durationAnswer(seconds: number): number {
  const h = seconds / 3600;
  return h < 1 ? 6 : h < HOURS_IN.day ? 5 : h < HOURS_IN.week ? 4 : h < HOURS_IN.month ? 3 : h < HOURS_IN.halfYear ? 2 : 1;
}

/** The Quick Check's answer (1..6) for deployments per week: twice a day or more is 6, less than every six months 1. */
export function frequencyAnswer(perWeek: number): number {
  return perWeek >= 14 ? 6 : perWeek >= 7 ? 5 : perWeek >= 1 ? 4 : perWeek >= 12 / 52 ? 3 : perWeek >= 2 / 52 ? 2 : 1;
}

/** An answer 1..6 recoded to 0..10. */
export const answerScore = (answer: number) => ((answer - 1) / 5) * 10;
/** A share 0..1 recoded to 0..10 (as a percentage p: (100 − p) / 10). */
export const shareScore = (share: number) => (100 - share * 100) / 10;

/**
 * The standard normal distribution function, from erf's series of positive terms
 * (erf z = 2/√π · e^(−z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1))): exact to machine precision for
 * the scores' range, with no cancellation.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let term = z,
    sum = z;
  for (let n = 1; n < 500 && term > sum * 1e-17; n++) {
    term *= (2 * z * z) / (2 * n + 1);
    sum += term;
  }
  const erf = Math.min(1, (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

type Key = 'leadtime' | 'deployfreq' | 'failurerecovery' | 'changefailure' | 'rework' | 'performance_average';

function figure(answer: number | null, score: number | null, key: Key, industries: Industry[], compare = true): BenchmarkFigure {
  const aheadOf = (i: Industry) => (score === null || !compare ? null : normalCdf((score - i[key].mean) / i[key].std));
  return { answer, score, aheadOf: { government: aheadOf(industries[0]), all: aheadOf(industries[1]) } };
}

/** The benchmark of a scope from its "now" figures; `deployed`: whether it has ever deployed (else no frequency). */
export function benchmarkOf(now: FiveMetrics, deployed: boolean, edition: string): Benchmark {
  const data: Edition = loadEdition(edition);
  const industries = [data.industries.government, data.industries.all];
  const lead = now.leadTime.p50 === null ? null : durationAnswer(now.leadTime.p50);
  const recovery = now.failedDeploymentRecoveryTime.p50 === null ? null : durationAnswer(now.failedDeploymentRecoveryTime.p50);
  const frequency = deployed ? frequencyAnswer(now.deploymentFrequency.perWeek) : null;
  const scores = {
    leadTime: lead === null ? null : answerScore(lead),
    deploymentFrequency: frequency === null ? null : answerScore(frequency),
    failedDeploymentRecoveryTime: recovery === null ? null : answerScore(recovery),
    changeFailureRate: now.changeFailureRate.rate === null ? null : shareScore(now.changeFailureRate.rate),
    reworkRate: now.reworkRate.rate === null ? null : shareScore(now.reworkRate.rate),
  };
  const four = [scores.leadTime, scores.deploymentFrequency, scores.failedDeploymentRecoveryTime, scores.changeFailureRate];
  const complete = four.every((s) => s !== null);
  const counted = (scores.reworkRate === null ? four : [...four, scores.reworkRate]).filter((s): s is number => s !== null);
  const average = complete ? counted.reduce((a, b) => a + b, 0) / counted.length : null;
  return {
    edition,
    source: data.source,
    about:
      'Survey answers from DORA’s Quick Check (people’s own estimates, not measurements), compared with this scope’s measured figures of the last 90 days.',
    industries: { government: industries[0].name, all: industries[1].name },
    leadTime: figure(lead, scores.leadTime, 'leadtime', industries),
    deploymentFrequency: figure(frequency, scores.deploymentFrequency, 'deployfreq', industries),
    failedDeploymentRecoveryTime: figure(recovery, scores.failedDeploymentRecoveryTime, 'failurerecovery', industries),
    changeFailureRate: figure(null, scores.changeFailureRate, 'changefailure', industries),
    reworkRate: figure(null, scores.reworkRate, 'rework', industries),
    average: figure(null, average, 'performance_average', industries, complete),
  };
}

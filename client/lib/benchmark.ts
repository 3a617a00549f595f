/** The Quick Check's answers in words, and the benchmark's figures in the order the page shows them. */
import type { Benchmark, BenchmarkFigure } from '../../common/api';

const DURATION_ANSWERS = [
  'More than six months',
  'One to six months',
  'One week to one month',
  'One day to one week',
  'Less than one day',
  'Less than one hour',
];
const FREQUENCY_ANSWERS = [
  'Less than once per six months',
  'Between once per month and once every six months',
  'Between once per week and once per month',
  'Between once per day and once per week',
  'Between once per hour and once per day',
  'On demand (multiple deploys per day)',
];

export interface BenchmarkRow {
  id: string;
  label: string;
  figure: BenchmarkFigure;
  answer: string | null;
}

/** One row per figure the Quick Check asks about, then the performance average. */
export function benchmarkRows(b: Benchmark): BenchmarkRow[] {
  const answer = (f: BenchmarkFigure, words: string[]) => (f.answer === null ? null : (words[f.answer - 1] ?? null));
  return [
    { id: 'lead-time', label: 'Change lead time', figure: b.leadTime, answer: answer(b.leadTime, DURATION_ANSWERS) },
    {
      id: 'deployment-frequency',
      label: 'Deployment frequency',
      figure: b.deploymentFrequency,
      answer: answer(b.deploymentFrequency, FREQUENCY_ANSWERS),
    },
    {
      id: 'failed-deployment-recovery-time',
      label: 'Failed deployment recovery time',
      figure: b.failedDeploymentRecoveryTime,
      answer: answer(b.failedDeploymentRecoveryTime, DURATION_ANSWERS),
    },
    { id: 'change-failure-rate', label: 'Change fail rate', figure: b.changeFailureRate, answer: null },
    { id: 'rework-rate', label: 'Deployment rework rate', figure: b.reworkRate, answer: null },
    { id: 'average', label: 'Performance average', figure: b.average, answer: null },
  ];
}

/** "Ahead of 89% of Government answers", or why there is no comparison. */
export function aheadOfText(share: number | null, industry: string): string {
  return share === null ? 'no comparison' : `ahead of ${Math.round(share * 100)}% of ${industry} answers`;
}

/** A benchmark with no scores, for tests of pages and mappers that do not look at it. */
import type { Benchmark, BenchmarkFigure } from '../../common/api';

export function emptyBenchmark(): Benchmark {
  const none = (): BenchmarkFigure => ({ answer: null, score: null, aheadOf: { government: null, all: null } });
  return {
    edition: '2025',
    source: 'DORA Quick Check, 2025 edition',
    about: 'Survey answers, not measurements.',
    industries: { government: 'Government', all: 'All industries' },
    leadTime: none(),
    deploymentFrequency: none(),
    failedDeploymentRecoveryTime: none(),
    changeFailureRate: none(),
    reworkRate: none(),
    average: none(),
  };
}

/** The metric options of a scope from the configuration: one place for every route that reads figures. */
import type { Config } from '../config';
import type { MetricsOptions } from './read';

/** Time zone, evidence, benchmark edition, and the baseline: the scope's own where configured, else the file's, else its first 90 days. */
export function metricsOptions(config: Config, scopeKey: string): MetricsOptions {
  return {
    tz: config.tz,
    evidence: config.evidence,
    benchmarkEdition: config.benchmarkEdition,
    baseline: config.baselines[scopeKey] ?? config.baseline,
  };
}
